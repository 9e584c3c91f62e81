// Splits the rows that begin in [start, end) of a source into buffers of whole rows: the read_csv
// task copies each block out of the mapped file and parses it; the fuzzer does the same from
// memory with tiny blocks, so the seams between blocks are fuzzed too. `start` must be a row start
// (the planner's csv_row_starts); the last row runs past `end` to its own line end when it has to.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "../common/thread_scratch.h"
#include "row_scan.h"

namespace tessera::csv {

struct RowBlockBuffer;  // the thread_scratch tag of the blocks read here (never nested on a thread)

// read(offset, dst, n) copies n bytes of the source at offset into dst; parse(buf, n, offset)
// gets whole rows. Reads `block` bytes at a time, but no further past `end` than `margin` (the last
// row's tail), doubling both while one row does not fit. Returns the bytes of the rows parsed
// (the task's bytes in).
template <class Read, class Parse>
uint64_t for_each_row_block(uint64_t size, uint64_t start, uint64_t end, const CsvDialect& d, size_t block, Read&& read, Parse&& parse) {
  constexpr size_t kMargin = 4096;
  uint64_t pos = start;
  size_t want = block, margin = kMargin;
  while (pos < end && pos < size) {
    const uint64_t reach = std::min<uint64_t>(want, end - pos + margin);
    const size_t n = static_cast<size_t>(std::min<uint64_t>(reach, size - pos));
    uint8_t* const buf = thread_scratch<uint8_t, RowBlockBuffer>(n);
    read(pos, buf, n);
    const bool eof = pos + n == size;
    // Does the first row start at or after `end` fall in this buffer? Then the range ends there.
    const uint64_t query = end - pos;
    uint64_t stop = kNoRowStart;
    const size_t whole = scan_rows(buf, n, eof, d, &query, query < n ? 1 : 0, &stop);
    if (stop != kNoRowStart || eof) {  // at eof, every row left begins before `end`
      const size_t last = stop != kNoRowStart ? static_cast<size_t>(stop) : n;
      parse(buf, last, pos);
      pos += last;
      break;
    }
    if (whole == 0) {  // one row longer than the buffer: read more of it at once
      want *= 2;
      margin *= 2;
      continue;
    }
    parse(buf, whole, pos);
    pos += whole;
    want = block;
    margin = kMargin;
  }
  return pos - start;
}

}  // namespace tessera::csv
