// The jsonl_count kind: the records of one partition of a JSON-lines file (the lines that start
// in [start, end), as io/owned_lines.h reads them; a compressed file whole), each validated and plucked
// natively (json/jsonl_counts.h), the values counted into a word-count table that word_count_merge
// merges: a bag's `pluck(key).frequencies()` with no JS value per record. TS twin:
// src-main/collections/bag/kinds/jsonl-count.ts.
//   fields: file, start, end, codec (0 none, 1 gzip, 2 bzip2, 3 zstd), skip_malformed (0/1), has_default (0/1),
//           default (string ref: JSON text), nsteps, then per step: is_index (0/1), key (string
//           ref) or index
#include "../../io/mapped_file.h"
#include "../../io/owned_lines.h"
#include "../../json/jsonl_counts.h"
#include "../kind.h"
#include "../word_count_chunk.h"

namespace tessera {

namespace {

struct JsonlCountTask {
  int file = 0;
  uint64_t start = 0, end = 0;
  Codec codec = Codec::None;
  bool skip = false;
  json::Pluck pluck;
  int owner = 0;
};

JsonlCountTask decode(Reader& r, int owner) {
  JsonlCountTask t;
  t.owner = owner;
  t.file = r.file_ref();
  t.start = static_cast<uint64_t>(r.integer(0));
  t.end = static_cast<uint64_t>(r.integer(0));
  if (t.end < t.start) Reader::bad("a jsonl_count range ends before it starts");
  t.codec = static_cast<Codec>(r.integer(0, 3));
  t.skip = r.integer(0, 1) != 0;
  t.pluck.has_default = r.integer(0, 1) != 0;
  t.pluck.default_json = r.string_ref();
  const size_t steps = r.count(64);
  for (size_t k = 0; k < steps; ++k) {
    json::PathStep s;
    s.is_index = r.integer(0, 1) != 0;
    if (s.is_index) s.index = r.integer();
    else s.key = r.string_ref();
    t.pluck.path.push_back(std::move(s));
  }
  return t;
}

TaskResult run(const JsonlCountTask& t) {
  auto f = FileRegistry::instance().get(t.file);
  thread_local size_t room = 0;  // as word_count's: the size the thread's last table ended
  text::WordCounts counts;
  counts.reserve(room);
  const uint64_t bytes_in = read_owned_lines(*f, t.start, t.end, t.codec, "JSONL", [&](const uint8_t* p, size_t n) {
    json::count_plucked(p, n, t.pluck, t.skip, counts);
  });
  room = counts.room();
  return publish_word_counts(counts, t.owner, static_cast<int64_t>(bytes_in));
}

}  // namespace

extern const TaskKind kJsonlCountKind = task_kind<JsonlCountTask, decode, run>();

}  // namespace tessera
