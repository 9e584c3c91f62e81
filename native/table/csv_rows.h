// Table rows as CSV text, byte for byte as pandas' DataFrame.to_csv(index=False) writes them
// (pandas 1.5, separator ',', line end '\n', QUOTE_MINIMAL): floats as repr() (NaN empty), int64
// in decimal, bools True/False, strings quoted only when they hold the separator, a quote, '\n' or
// '\r' (quotes doubled), nulls empty, and a row of one empty field written `""` (Python's csv
// module does that so the row is not an empty line).
//
// Timestamps and timedeltas are the exception to "one value, one spelling": pandas formats a
// datetime or timedelta column per block of rows it writes at once (csvs.py: `100000 // ncols`
// rows), choosing one layout for the block from every value in it:
//   timestamp: all at midnight -> "2024-01-05"; else "2024-01-05 10:00:00" with 3, 6 or 9
//              fraction digits when the finest value in the block has ms, us or ns;
//   timedelta: all whole days -> "1 days"; else "1 days 00:00:00" (fraction per value).
// So each value has a class (its own finest unit) and a block's layout is the largest class in it;
// csv_table_writer.cc applies that across partitions. Other columns ignore the layout.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "table_format.h"
#include "table_view.h"

namespace tessera::table {

// Rows pandas writes as one block for a table of `ncols` columns.
inline uint64_t pandas_csv_block_rows(size_t ncols) {
  const uint64_t n = 100000 / (ncols ? ncols : 1);
  return n ? n : 1;
}

// Whether a column's layout depends on its block (timestamp, timedelta).
inline bool csv_block_layout(ColumnType t) { return t == ColumnType::Timestamp || t == ColumnType::Timedelta; }

// A valid value's class: timestamp 0 midnight, 1 whole seconds, 2 ms, 3 us, 4 ns;
// timedelta 0 whole days, 1 otherwise. A block's layout is the largest class of its valid values.
uint8_t csv_value_class(ColumnType t, int64_t v);

// One field, quoted when it needs to be.
void append_csv_field(std::string& out, std::string_view s);

// The header line.
void append_csv_header(std::string& out, const std::vector<std::string>& names);

// Rows [begin, end) of the columns, each ending in '\n'; `layout` holds one entry per column (read
// only for timestamp and timedelta columns).
void append_csv_rows(std::string& out, const std::vector<ColumnView>& cols, uint64_t begin, uint64_t end, const std::vector<uint8_t>& layout);

}  // namespace tessera::table
