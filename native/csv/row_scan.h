// Where rows start. A partition of a CSV file is a byte range [start, end) and parses exactly the
// rows that begin in it, so the planner needs exact row starts: "the first line break after a
// byte offset" is not one when a quoted field holds line breaks. The rule chosen here (ADR 0014):
// the planner asks for exact row starts (csv_row_starts), which scans the file once from the first
// data row, tracking whether it is inside a quoted field. The scan jumps from quote to quote with
// memchr and looks for line breaks only near the byte offsets it was asked about, so a file with
// few quotes costs little more than reading it (several GB/s from the page cache; measured in
// the ADR). A file read from disk pays one extra sequential read; the tasks then parse ranges
// that are exactly right, with no speculation to undo.
//
// The same scan (scan_rows) splits each task's range into blocks of whole rows, so the parser
// never sees half a row.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dialect.h"

namespace tessera::csv {

constexpr uint64_t kNoRowStart = ~0ull;

// Scans buf[0, n), which begins at a row start outside any quoted field; `eof`: the buffer ends
// the file. For each query (ascending offsets into buf) writes the first row start at or after it
// into answers, or kNoRowStart when the buffer does not settle it. Returns the end of the whole
// rows in the buffer: the last row start it is sure of (n when eof: the file's end ends the last
// row), or 0 when no row ends inside it (one row longer than the buffer, or an unclosed quote).
size_t scan_rows(const uint8_t* buf, size_t n, bool eof, const CsvDialect& d, const uint64_t* queries, size_t nq, uint64_t* answers);

// For each target byte offset, the first row start at or after it: data_offset for targets at or
// before it, the file's size for targets past the last row start. Reads the file once, in blocks
// (pread: never a mapping, so a file that shrinks under the scan is an error, not a fault).
std::vector<uint64_t> csv_row_starts(const std::string& path, const CsvDialect& d, uint64_t data_offset, const std::vector<double>& targets);

}  // namespace tessera::csv
