// What a CSV file holds, from a sample of its first bytes: the separator (when not given: the one
// of , \t ; | that splits every sampled row into the same number of fields, the most fields
// winning a tie), whether the first row is a header (pandas' default: yes), the column names
// (pandas': an empty name is "Unnamed: i", a repeated one "a.1", "a.2"), and each column's type
// inferred from the sampled values as pandas infers it:
//   all integers -> int64, but float64 when one is missing (pandas has no missing int64);
//   all numbers -> float64; all True/False (any pandas spelling) -> bool; anything else -> string;
//   no value at all (every sampled field missing) -> float64, as pandas; no rows -> string;
//   parse_dates columns -> timestamp; `dtype` overrides any of these.
// One difference from pandas, on purpose: bools with missing values stay bool (with nulls), where
// pandas falls back to object.
//
// The sample is the file's first sample_bytes (256 KiB by default), cut back to whole rows;
// inference sees only it (as dask.dataframe's does), so a later value that does not fit the
// inferred type fails the read with CSV_BAD_VALUE, whose hint says to give the column a dtype.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "../table/table_format.h"

namespace tessera::csv {

struct SniffOptions {
  std::string sep;          // "" to detect
  std::string quote = "\"";  // "" for no quoting
  bool header = true;
  size_t sample_bytes = 256 << 10;
  std::vector<std::pair<std::string, std::string>> dtype;  // column name -> type name
  std::vector<std::string> na_values;                      // added to pandas' defaults...
  bool keep_default_na = true;                             // ...unless this is false
  std::vector<std::string> parse_dates;
};

struct SniffedColumn {
  std::string name;
  table::ColumnType type = table::ColumnType::String;
};

struct SniffResult {
  std::string sep, quote;
  bool header = true;
  uint64_t data_offset = 0;  // the first byte after the header row (after a UTF-8 BOM without one)
  std::vector<SniffedColumn> columns;
  uint64_t sample_rows = 0;   // data rows in the sample
  uint64_t sample_bytes = 0;  // the bytes those rows take (from data_offset)
  uint64_t file_size = 0;
  // A gzip file: the offsets above are into its inflated bytes; the trailer's size hint.
  bool gzip = false;
  uint64_t inflated_size_hint = 0;
  std::vector<std::string> na_values;  // the missing-value strings in effect (for read_csv tasks)
};

// Reads the file's sample (more when one row is longer than it). Throws EMPTY_FILE for a file
// with nothing but white space, the CSV_* errors for a malformed sample, CSV_BAD_OPTION for bad
// options, CSV_UNKNOWN_COLUMN for a parse_dates name that is not a column.
SniffResult sniff_csv(const std::string& path, const SniffOptions& opts);

// The same over bytes in memory: buf[0, n) is the start of a file of `file_size` bytes (all of
// it when n == file_size). *need_more is set (and the result is empty) when the sample holds no
// whole row to learn from and the file goes on: the caller reads more and asks again.
SniffResult sniff_csv_bytes(const uint8_t* buf, size_t n, uint64_t file_size, const std::string& path, const SniffOptions& opts, bool* need_more);

}  // namespace tessera::csv
