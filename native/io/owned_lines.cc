#include "owned_lines.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "../common/error.h"

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

// A block read at a time: small enough that the buffer stays in L2 while its words are counted.
constexpr size_t kBlock = size_t{256} << 10;

// The bytes read but not yet given: the tail of a line a block cut. Kept by the thread from task
// to task (no allocation, no page faults); grown, keeping its bytes, only for a line longer than a block.
struct LineBuffer {
  std::unique_ptr<uint8_t[]> data;
  size_t capacity = 0, used = 0;
  void reserve(size_t n) {
    if (n <= capacity) return;
    const size_t bigger = std::max(n, 2 * capacity);
    std::unique_ptr<uint8_t[]> grown(new uint8_t[bigger]);
    if (used) std::memcpy(grown.get(), data.get(), used);
    data = std::move(grown);
    capacity = bigger;
  }
};

// The thread's buffer, emptied; one grown past 8 MiB by a long line is given back.
LineBuffer& line_buffer() {
  thread_local LineBuffer b;
  if (b.capacity > (size_t{8} << 20)) b = LineBuffer{};
  b.used = 0;
  return b;
}

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
  // A plain file streams through a buffer of a few blocks that stays in L2, so its bytes are copied
  // from the page cache into cache and read there, not sent out to memory and back.
  const uint64_t size = f.size();
  const uint64_t to = std::min(size, end);
  if (to <= start) return 0;
  LineBuffer& buf = line_buffer();
  uint64_t at = start ? start - 1 : 0;  // one byte before: is `start` a line's first byte?
  uint64_t bytes_in = 0;
  const auto read_block = [&](size_t most) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(most, size - at));
    buf.reserve(buf.used + n);
    f.read_at(at, buf.data.get() + buf.used, n);
    buf.used += n;
    at += n;
    bytes_in += n;
  };
  // Where this partition's lines begin: the file's start, or just after the first line break from
  // start - 1. None before `end`: no line starts in [start, end), and nothing past it is read.
  uint64_t buf_at = at;  // the file offset of buf[0]
  if (start) {
    for (;;) {
      if (at >= to) return bytes_in;
      buf_at = at;
      read_block(kBlock);
      const auto* nl = static_cast<const uint8_t*>(std::memchr(buf.data.get(), '\n', buf.used));
      if (!nl) {
        buf.used = 0;
        continue;
      }
      const size_t skip = static_cast<size_t>(nl - buf.data.get()) + 1;
      buf_at += skip;
      if (buf_at >= to) return bytes_in;
      std::memmove(buf.data.get(), buf.data.get() + skip, buf.used - skip);
      buf.used -= skip;
      break;
    }
  }
  // Whole lines, a block at a time: each call gives the buffer up to its last line break and keeps
  // the rest for the next block. The last line owned is the one holding byte to - 1, finished from
  // the bytes after `end` (64 KiB at a time) however long it is.
  const auto give = [&](size_t n) {
    try {
      consume(buf.data.get(), n);
    } catch (const BadLine& e) {
      bad_line(f, e, line_in_file(f, buf_at + e.offset));
    }
    std::memmove(buf.data.get(), buf.data.get() + n, buf.used - n);
    buf.used -= n;
    buf_at += n;
  };
  size_t searched = 0;  // buf[0, searched) holds no line break that matters
  for (;;) {
    const uint8_t* p = buf.data.get();
    if (at >= to) {  // buf holds byte to - 1: the owned lines end at the first break from there
      const size_t from = std::max(searched, static_cast<size_t>(to - 1 - buf_at));
      const auto* nl = from < buf.used ? static_cast<const uint8_t*>(std::memchr(p + from, '\n', buf.used - from)) : nullptr;
      if (nl) {
        give(static_cast<size_t>(nl - p) + 1);
        break;
      }
      if (at >= size) {
        if (buf.used) give(buf.used);
        break;
      }
      searched = buf.used;
      read_block(size_t{64} << 10);
      continue;
    }
    size_t whole = buf.used;
    while (whole > searched && p[whole - 1] != '\n') --whole;  // after the last line break (memrchr is not portable)
    if (whole > searched) give(whole);
    searched = buf.used;
    read_block(kBlock);
  }
  buf.used = 0;
  f.check_unchanged();
  return bytes_in;
}

}  // namespace tessera
