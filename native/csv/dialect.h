// How a CSV file is split into rows and fields, shared by the sniffer, the row-start scan and the
// parser so that the three can never disagree about where a row ends.
//
// The rules are pandas' (its C tokenizer, quoting=QUOTE_MINIMAL, doublequote=True):
//   - rows end at \n, \r\n or a lone \r outside a quoted field;
//   - a field is quoted only when its first byte is the quote; inside, a doubled quote is one
//     quote and separators and line breaks are text; bytes after the closing quote, up to the next
//     separator or line end, are appended to the field as they are;
//   - a quote anywhere else in an unquoted field is an ordinary byte;
//   - empty lines, and lines of only spaces and tabs, are skipped.
#pragma once
#include <cstdint>
#include <string>

#include "../common/error.h"

namespace tessera::csv {

struct CsvDialect {
  uint8_t sep = ',';
  int quote = '"';  // -1: no quoting (every quote is an ordinary byte)
};

inline bool is_line_end(uint8_t c) { return c == '\n' || c == '\r'; }

// A separator or quote given as a JS string: one ASCII character (quote: or none, "").
inline CsvDialect make_dialect(const std::string& sep, const std::string& quote) {
  auto bad = [](const std::string& what, const std::string& hint) -> CsvDialect { throw Error("CSV_BAD_OPTION", what, hint); };
  if (sep.size() != 1 || static_cast<uint8_t>(sep[0]) >= 0x80)
    return bad("the separator must be one ASCII character, not '" + sep + "'", "use a separator such as \",\", \"\\t\", \";\" or \"|\"");
  if (quote.size() > 1 || (quote.size() == 1 && static_cast<uint8_t>(quote[0]) >= 0x80))
    return bad("the quote must be one ASCII character (or \"\" for none), not '" + quote + "'", "the usual quote is '\"'");
  CsvDialect d;
  d.sep = static_cast<uint8_t>(sep[0]);
  d.quote = quote.empty() ? -1 : static_cast<uint8_t>(quote[0]);
  if (is_line_end(d.sep) || (d.quote >= 0 && is_line_end(static_cast<uint8_t>(d.quote))))
    return bad("a line break cannot be the separator or the quote", "");
  if (d.quote == d.sep) return bad("the separator and the quote are the same character", "");
  return d;
}

inline std::string dialect_char(int c) { return c < 0 ? std::string() : std::string(1, static_cast<char>(c)); }

}  // namespace tessera::csv
