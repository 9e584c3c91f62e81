// The word_count kind: the words of one partition of a text file (the lines that start in the
// byte range [start, end)), split as Python's str.split() does, folded as str.lower()/str.upper()
// would (or kept), and counted (text/word_counts.h): a bag's `str.split().flatten().frequencies()`
// in one task. A gzip file is one partition, inflated whole. TS twin:
// src-main/collections/bag/kinds/word-count.ts.
//   fields: file, start, end, gzip (0/1), fold (0 keep, 1 lower, 2 upper)
//
// The range is read with pread (MappedFile::read_at); a range that does not start the file begins
// after its first line break, so every line is counted by exactly the partition its first byte
// falls in, and the line `end` cuts is finished from the bytes after it. A range in which no line
// starts (inside one long line) reads nothing more. Invalid UTF-8 is TEXT_INVALID_UTF8
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

// The 1-based line of a byte of the file, counted 1 MiB at a time (error path only).
uint64_t line_at(const MappedFile& f, uint64_t offset) {
  std::vector<uint8_t> block(std::min<uint64_t>(offset, 1 << 20));
  uint64_t lines = 1;
  for (uint64_t at = 0; at < offset;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(block.size(), offset - at));
    f.read_at(at, block.data(), n);
    lines += static_cast<uint64_t>(std::count(block.data(), block.data() + n, '\n'));
    at += n;
  }
  return lines;
}

[[noreturn]] void invalid(const std::string& path, uint64_t line) {
  throw Error("TEXT_INVALID_UTF8", path + ", line " + std::to_string(line) + ": the text is not valid UTF-8",
              "convert the file to UTF-8 (iconv -f LATIN1 -t UTF-8, for example)");
}

TaskResult run(const WordCountTask& t) {
  auto f = FileRegistry::instance().get(t.file);
  text::WordCounts counts;
  if (t.gzip) {
    bool complete = false;
    const std::vector<uint8_t> text = gunzip([&](uint64_t at, uint8_t* out, size_t n) { f->check_unchanged(); f->read_at(at, out, n); }, f->size(), f->path(), SIZE_MAX, &complete, "TEXT_BAD_GZIP");
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
  const size_t have = static_cast<size_t>(to > from ? to - from : 0);
  uint8_t* buf = thread_scratch<uint8_t, struct WordCountTag>(have);
  f->read_at(from, buf, have);
  // Where this partition's lines begin: the file's start, or just after the first line break from
  // `from`. None there: no line starts in [start, end), and nothing past `end` is read.
  size_t begin = 0;
  if (t.start) {
    const auto* nl = static_cast<const uint8_t*>(std::memchr(buf, '\n', have));
    if (!nl || from + static_cast<uint64_t>(nl - buf) + 1 >= t.end) return publish_word_counts(counts, t.owner, static_cast<int64_t>(have));
    begin = static_cast<size_t>(nl - buf) + 1;
  }
  // Whole lines of the range in place; the line `end` cuts is finished from what follows it, read
  // 64 KiB at a time into a buffer of its own (as long as that one line).
  size_t whole = have;
  if (to < size && have > begin && buf[have - 1] != '\n') {
    whole = have;
    while (whole > begin && buf[whole - 1] != '\n') --whole;  // after the last line break (memrchr is not portable)
  }
  const auto count = [&](const uint8_t* p, size_t n, uint64_t offset) {
    try {
      text::count_words(p, n, t.fold, counts);
    } catch (const text::InvalidText& e) {
      invalid(f->path(), line_at(*f, offset + e.offset));
    }
  };
  count(buf + begin, whole - begin, from + begin);
  uint64_t bytes_in = have;
  if (whole < have) {
    std::vector<uint8_t> line(buf + whole, buf + have);
    for (uint64_t at = to; at < size;) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(64 << 10, size - at));
      const size_t old = line.size();
      line.resize(old + n);
      f->read_at(at, line.data() + old, n);
      at += n;
      bytes_in += n;
      const auto* nl = static_cast<const uint8_t*>(std::memchr(line.data() + old, '\n', n));
      if (nl) {
        line.resize(static_cast<size_t>(nl - line.data()) + 1);
        break;
      }
    }
    count(line.data(), line.size(), from + whole);
  }
  f->check_unchanged();
  return publish_word_counts(counts, t.owner, static_cast<int64_t>(bytes_in));
}

}  // namespace

extern const TaskKind kWordCountKind = task_kind<WordCountTask, decode, run>();

}  // namespace tessera
