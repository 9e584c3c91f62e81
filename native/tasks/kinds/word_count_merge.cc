// The word_count_merge kind: adds word-count tables (text/word_counts.h) in the order of its
// dependencies, one node of the combine tree; the root may keep only the k most frequent words
// (most frequent first, ties in first-appearance order), a bag's `frequencies().topk(k, key=1)`.
// TS twin: src-main/collections/bag/kinds/word-count.ts.
//   fields: top (0: every word), sorted (0: in first-seen order; 1: most frequent first, ties in
//           first-seen order; a top k is always sorted)
//   deps: the tables, in partition order
#include <algorithm>
#include <memory>
#include <vector>

#include "../../common/error.h"
#include "../../store/chunk_store.h"
#include "../../text/word_counts.h"
#include "../kind.h"
#include "../word_count_chunk.h"

namespace tessera {

namespace {

struct WordCountMergeTask {
  std::vector<uint64_t> inputs;
  uint64_t top = 0;
  bool sorted = false;
  int owner = 0;
};

WordCountMergeTask decode(Reader& r, int owner) {
  WordCountMergeTask t;
  t.owner = owner;
  if (r.nids() < 1) Reader::bad("a word_count_merge task merges at least one table");
  for (size_t k = 0; k < r.nids(); ++k) t.inputs.push_back(static_cast<uint64_t>(r.ids()[k]));
  t.top = static_cast<uint64_t>(r.integer(0));
  t.sorted = r.integer(0, 1) != 0 || t.top > 0;
  return t;
}

TaskResult run(const WordCountMergeTask& t) {
  // Room for the largest input at once: partitions mostly share their words, so it seldom grows.
  std::vector<std::shared_ptr<Chunk>> inputs;
  uint64_t largest = 0;
  for (uint64_t id : t.inputs) {
    inputs.push_back(ChunkStore::instance().get_bytes(id));
    largest = std::max(largest, text::WordCounts::encoded_words(inputs.back()->data, inputs.back()->nbytes));
  }
  text::WordCounts sum;
  sum.reserve(static_cast<size_t>(largest));
  int64_t bytes_in = 0;
  for (const auto& c : inputs) {
    sum.merge_encoded(c->data, c->nbytes);
    bytes_in += static_cast<int64_t>(c->nbytes);
  }
  if (t.sorted) return publish_word_counts(sum.top(static_cast<size_t>(t.top)), t.owner, bytes_in);
  return publish_word_counts(sum, t.owner, bytes_in);
}

}  // namespace

extern const TaskKind kWordCountMergeKind = task_kind<WordCountMergeTask, decode, run>();

}  // namespace tessera
