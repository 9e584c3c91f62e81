// The word_count kind: the words of one partition of a text file (the lines that start in the
// byte range [start, end)), split as Python's str.split() does, folded as str.lower()/str.upper()
// would (or kept), and counted (text/word_counts.h): a bag's `str.split().flatten().frequencies()`
// in one task. A gzip file is one partition, inflated whole. TS twin:
// src-main/collections/bag/kinds/word-count.ts.
//   fields: file, start, end, gzip (0/1), fold (0 keep, 1 lower, 2 upper)
//
// The range is read with pread (MappedFile::read_at), then past `end` up to the end of the line it
// cuts; a range that does not start the file begins after its first line break, so every line is
// counted by exactly the partition its first byte falls in. Invalid UTF-8 is TEXT_INVALID_UTF8
// naming the file and line, as Python's strict decoding refuses it.
#include <algorithm>
#include <cstring>
#include <string>

#include "../../common/error.h"
#include "../../common/thread_scratch.h"
#include "../../io/gzip.h"
#include "../../io/mapped_file.h"
#include "../../text/word_counts.h"
#include "../kind.h"
#include "../word_count_chunk.h"

namespace tessera {

namespace {

struct WordCountTask {
  int file = 0;
  uint64_t start = 0, end = 0;
  bool gzip = false;
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
  t.gzip = r.integer(0, 1) != 0;
  t.fold = static_cast<text::Fold>(r.integer(0, 2));
  return t;
}

uint64_t line_of(const uint8_t* text, uint64_t offset) { return static_cast<uint64_t>(std::count(text, text + offset, '\n')) + 1; }

[[noreturn]] void invalid(const std::string& path, uint64_t line) {
  throw Error("TEXT_INVALID_UTF8", path + ", line " + std::to_string(line) + ": the text is not valid UTF-8",
              "convert the file to UTF-8 (iconv -f LATIN1 -t UTF-8, for example)");
}

TaskResult run(const WordCountTask& t) {
  auto f = FileRegistry::instance().get(t.file);
  text::WordCounts counts;
  if (t.gzip) {
    bool complete = false;
    const std::vector<uint8_t> text = gunzip([&](uint64_t at, uint8_t* out, size_t n) { f->check_unchanged(); f->read_at(at, out, n); }, f->size(), f->path(), SIZE_MAX, &complete);
    try {
      text::count_words(text.data(), text.size(), t.fold, counts);
    } catch (const text::InvalidText& e) {
      invalid(f->path(), line_of(text.data(), e.offset));
    }
    return publish_word_counts(counts, t.owner, static_cast<int64_t>(f->size()));
  }
  const uint64_t size = f->size();
  const uint64_t from = t.start ? t.start - 1 : 0;  // one byte before: is `start` a line's first byte?
  const uint64_t to = std::min(size, t.end);
  // The range, then 64 KiB at a time past it until the line it cuts ends.
  uint64_t have = to > from ? to - from : 0;
  size_t cap = static_cast<size_t>(have) + (64 << 10);
  uint8_t* buf = thread_scratch<uint8_t, struct WordCountTag>(cap);
  f->read_at(from, buf, static_cast<size_t>(have));
  while (from + have < size && (have == 0 || buf[have - 1] != '\n')) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(64 << 10, size - from - have));
    if (have + n > cap) {
      // A line longer than 64 KiB past the range: grow (rare; the scratch keeps what it is given).
      cap = static_cast<size_t>((have + n) * 2);
      uint8_t* bigger = thread_scratch<uint8_t, struct WordCountGrowTag>(cap);
      std::memcpy(bigger, buf, static_cast<size_t>(have));
      buf = bigger;
    }
    f->read_at(from + have, buf + have, n);
    const uint8_t* nl = static_cast<const uint8_t*>(std::memchr(buf + have, '\n', n));
    have += nl ? static_cast<uint64_t>(nl - (buf + have)) + 1 : n;
    if (nl) break;
  }
  // Where this partition's lines begin: the file's start, or just after the first line break from `from`.
  uint64_t begin = 0;
  if (t.start) {
    const uint8_t* nl = static_cast<const uint8_t*>(std::memchr(buf, '\n', static_cast<size_t>(have)));
    begin = nl ? static_cast<uint64_t>(nl - buf) + 1 : have;
    if (from + begin >= t.end) begin = have;  // no line starts in [start, end)
  }
  try {
    text::count_words(buf + begin, static_cast<size_t>(have - begin), t.fold, counts);
  } catch (const text::InvalidText& e) {
    // The line number counts the whole file up to the bad byte (error path only).
    const uint64_t at = from + begin + e.offset;
    std::vector<uint8_t> head(static_cast<size_t>(at));
    f->read_at(0, head.data(), head.size());
    invalid(f->path(), line_of(head.data(), at));
  }
  f->check_unchanged();
  return publish_word_counts(counts, t.owner, static_cast<int64_t>(have));
}

}  // namespace

extern const TaskKind kWordCountKind = task_kind<WordCountTask, decode, run>();

}  // namespace tessera
