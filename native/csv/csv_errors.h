// The typed errors of malformed CSV. Each names the file, the line and the column:
//   line: the 1-based line of the file where the offending field (for a ragged row: the row)
//         begins, counting every line break from the start of the file, the header's included,
//         and line breaks inside quoted fields too (the line an editor shows);
//   byte: the field's byte offset in the file, for files whose lines are too long to look at;
//   column: the column's name, or "field K" (1-based) for a field of no parsed column.
// A partition knows its byte range, not its first line, so the line is counted only when an
// error is raised (one pass over the file up to the error; nothing on the path that succeeds).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace tessera::csv {

struct CsvErrorContext {
  std::string path;
  std::function<uint64_t(uint64_t)> line_of;  // the 1-based line of a byte offset of the file
};

// "column 'name'", or "field K" when the name is not known (`field` is 1-based).
std::string column_label(const std::string& name, size_t field);

[[noreturn]] void throw_ragged_row(const CsvErrorContext& c, uint64_t row_offset, size_t expected, size_t saw);
[[noreturn]] void throw_unterminated_quote(const CsvErrorContext& c, uint64_t offset, const std::string& name, size_t field);
[[noreturn]] void throw_bad_value(const CsvErrorContext& c, uint64_t offset, const std::string& name, size_t field, const char* dtype, const uint8_t* text,
                                  size_t n);
[[noreturn]] void throw_invalid_utf8(const CsvErrorContext& c, uint64_t offset, const std::string& name, size_t field);

}  // namespace tessera::csv
