#include "owned_lines.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../common/error.h"
#include "../common/thread_scratch.h"

namespace tessera {

namespace {

// The 1-based line of a byte of the file, counted 1 MiB at a time (error path only).
uint64_t line_in_file(const MappedFile& f, uint64_t offset) {
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

[[noreturn]] void bad_line(const MappedFile& f, const BadLine& e, uint64_t line) {
  throw Error(e.code, f.path() + ", line " + std::to_string(line) + ": " + e.message, e.hint);
}

struct OwnedLinesTag;

}  // namespace

uint64_t read_owned_lines(const MappedFile& f, uint64_t start, uint64_t end, Codec codec, const std::string& error_prefix,
                          const std::function<void(const uint8_t*, size_t)>& consume) {
  if (codec != Codec::None) {
    const std::vector<uint8_t> text = decompress(codec, [&](uint64_t at, uint8_t* out, size_t n) { f.check_unchanged(); f.read_at(at, out, n); }, f.size(), f.path(), error_prefix);
    try {
      consume(text.data(), text.size());
    } catch (const BadLine& e) {
      bad_line(f, e, static_cast<uint64_t>(std::count(text.data(), text.data() + e.offset, '\n')) + 1);
    }
    return f.size();
  }
  const uint64_t size = f.size();
  const uint64_t from = start ? start - 1 : 0;  // one byte before: is `start` a line's first byte?
  const uint64_t to = std::min(size, end);
  const size_t have = static_cast<size_t>(to > from ? to - from : 0);
  uint8_t* buf = thread_scratch<uint8_t, OwnedLinesTag>(have);
  f.read_at(from, buf, have);
  // Where this partition's lines begin: the file's start, or just after the first line break from
  // `from`. None there: no line starts in [start, end), and nothing past `end` is read.
  size_t begin = 0;
  if (start) {
    const auto* nl = static_cast<const uint8_t*>(std::memchr(buf, '\n', have));
    if (!nl || from + static_cast<uint64_t>(nl - buf) + 1 >= end) return have;
    begin = static_cast<size_t>(nl - buf) + 1;
  }
  // Whole lines of the range in place; the line `end` cuts is finished from what follows it, read
  // 64 KiB at a time into a buffer of its own (as long as that one line).
  size_t whole = have;
  if (to < size && have > begin && buf[have - 1] != '\n') {
    while (whole > begin && buf[whole - 1] != '\n') --whole;  // after the last line break (memrchr is not portable)
  }
  const auto give = [&](const uint8_t* p, size_t n, uint64_t offset) {
    try {
      consume(p, n);
    } catch (const BadLine& e) {
      bad_line(f, e, line_in_file(f, offset + e.offset));
    }
  };
  give(buf + begin, whole - begin, from + begin);
  uint64_t bytes_in = have;
  if (whole < have) {
    std::vector<uint8_t> line(buf + whole, buf + have);
    for (uint64_t at = to; at < size;) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(64 << 10, size - at));
      const size_t old = line.size();
      line.resize(old + n);
      f.read_at(at, line.data() + old, n);
      at += n;
      bytes_in += n;
      const auto* nl = static_cast<const uint8_t*>(std::memchr(line.data() + old, '\n', n));
      if (nl) {
        line.resize(static_cast<size_t>(nl - line.data()) + 1);
        break;
      }
    }
    give(line.data(), line.size(), from + whole);
  }
  f.check_unchanged();
  return bytes_in;
}

}  // namespace tessera
