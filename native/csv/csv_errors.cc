#include "csv_errors.h"

#include <cstdio>

#include "../common/error.h"

namespace tessera::csv {

namespace {

std::string where(const CsvErrorContext& c, uint64_t offset) {
  return c.path + ", line " + std::to_string(c.line_of ? c.line_of(offset) : 0) + " (byte " + std::to_string(offset) + ")";
}

// The field's text for a message: at most 60 bytes, control bytes and non-ASCII escaped.
std::string shown(const uint8_t* p, size_t n) {
  std::string s = "\"";
  for (size_t i = 0; i < n && i < 60; ++i) {
    const uint8_t ch = p[i];
    if (ch == '"') s += "\\\"";
    else if (ch == '\\') s += "\\\\";
    else if (ch >= 0x20 && ch < 0x7f) s += static_cast<char>(ch);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", ch);
      s += buf;
    }
  }
  if (n > 60) s += "...";
  return s + "\"";
}

}  // namespace

std::string column_label(const std::string& name, size_t field) {
  return name.empty() ? "field " + std::to_string(field) : "column '" + name + "'";
}

void throw_ragged_row(const CsvErrorContext& c, uint64_t row_offset, size_t expected, size_t saw) {
  throw Error("CSV_RAGGED_ROW",
              where(c, row_offset) + ": the row has " + std::to_string(saw) + " fields, the header " + std::to_string(expected) +
                  (saw > expected ? " (the first extra one is field " + std::to_string(expected + 1) + ")"
                                  : " (field " + std::to_string(saw + 1) + " onwards is missing)"),
              "every row needs one field per column: look for an unquoted separator or a missing quote on that line or the one before");
}

void throw_unterminated_quote(const CsvErrorContext& c, uint64_t offset, const std::string& name, size_t field) {
  throw Error("CSV_UNTERMINATED_QUOTE", where(c, offset) + ", " + column_label(name, field) + ": a quoted field is never closed (it runs to the end of the file)",
              "close the quote; a quote inside a quoted field is written twice (\"\")");
}

void throw_bad_value(const CsvErrorContext& c, uint64_t offset, const std::string& name, size_t field, const char* dtype, const uint8_t* text,
                     size_t n) {
  throw Error("CSV_BAD_VALUE", where(c, offset) + ", " + column_label(name, field) + ": " + shown(text, n) + " is not a valid " + dtype,
              "give the column a string dtype (dtype: {\"" + name + "\": \"string\"}), list the text in na_values if it means a missing value, or fix the file");
}

void throw_invalid_utf8(const CsvErrorContext& c, uint64_t offset, const std::string& name, size_t field) {
  throw Error("CSV_INVALID_UTF8", where(c, offset) + ", " + column_label(name, field) + ": the text is not valid UTF-8",
              "save the file as UTF-8 (Latin-1 and Windows-1252 files need converting, e.g. with iconv)");
}

}  // namespace tessera::csv
