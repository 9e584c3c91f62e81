// The word_count kind: the words of one partition of a text file (the lines that start in the
// byte range [start, end)), split as Python's str.split() does, folded as str.lower()/str.upper()
// would (or kept), and counted (text/word_counts.h): a bag's `str.split().flatten().frequencies()`
// in one task. A compressed file is one partition, decompressed whole. TS twin:
// src-main/collections/bag/kinds/word-count.ts.
//   fields: file, start, end, codec (0 none, 1 gzip, 2 bzip2, 3 zstd), fold (0 keep, 1 lower, 2 upper)
//
// The range's lines are read as io/owned_lines.h says (each line by the partition its first byte
// falls in). Invalid UTF-8 is TEXT_INVALID_UTF8 naming the file and line, as Python's strict
// decoding refuses it.
#include "../../io/mapped_file.h"
#include "../../io/owned_lines.h"
#include "../../text/word_counts.h"
#include "../kind.h"
#include "../word_count_chunk.h"

namespace tessera {

namespace {

struct WordCountTask {
  int file = 0;
  uint64_t start = 0, end = 0;
  Codec codec = Codec::None;
  text::Fold fold = text::Fold::Keep;
  int owner = 0;
};

WordCountTask decode(Reader& r, int owner) {
  WordCountTask t;
  t.owner = owner;
  t.file = r.file_ref();
  t.start = static_cast<uint64_t>(r.integer(0));
  t.end = static_cast<uint64_t>(r.integer(0));
  if (t.end < t.start) Reader::bad("a word_count range ends before it starts");
  t.codec = static_cast<Codec>(r.integer(0, 3));
  t.fold = static_cast<text::Fold>(r.integer(0, 2));
  return t;
}

TaskResult run(const WordCountTask& t) {
  auto f = FileRegistry::instance().get(t.file);
  // A job's partitions hold about as many distinct words each: the table starts the size the
  // thread's last one ended, so it does not grow and rehash seven times per partition.
  thread_local size_t room = 0;
  text::WordCounts counts;
  counts.reserve(room);
  const uint64_t bytes_in = read_owned_lines(*f, t.start, t.end, t.codec, "TEXT", [&](const uint8_t* p, size_t n) {
    try {
      text::count_words(p, n, t.fold, counts);
    } catch (const text::InvalidText& e) {
      throw BadLine{e.offset, "TEXT_INVALID_UTF8", "the text is not valid UTF-8", "convert the file to UTF-8 (iconv -f LATIN1 -t UTF-8, for example)"};
    }
  });
  room = counts.room();
  return publish_word_counts(counts, t.owner, static_cast<int64_t>(bytes_in));
}

}  // namespace

extern const TaskKind kWordCountKind = task_kind<WordCountTask, decode, run>();

}  // namespace tessera
