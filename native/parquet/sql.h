// SQL text for the queries the Parquet reader generates. Nothing a user typed is pasted in: a
// column name is a quoted identifier, a path or text a quoted literal (quotes doubled), numbers are
// formatted from integers. The one place that quotes, so a later predicate (ADR 0015: pushed into
// the scan's WHERE) is rendered with the same rules.
#pragma once
#include <string>
#include <string_view>

namespace tessera::duck {

// "name", with every " doubled.
inline std::string quote_ident(std::string_view s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// 'text', with every ' doubled. A NUL byte cannot be in SQL text: the caller refuses it.
inline std::string quote_literal(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// read_parquet over one file as the reader always calls it: no hive detection (Tessera makes hive
// keys its own constant columns), and file_row_number for the row group's range.
inline std::string scan_of(std::string_view path, bool row_numbers) {
  return "read_parquet(" + quote_literal(path) + ", hive_partitioning = false" + (row_numbers ? ", file_row_number = true)" : ")");
}

}  // namespace tessera::duck
