#include "tokenize.h"

namespace tessera::csv {

RowKind tokenize_row(const uint8_t* buf, size_t n, size_t* i, const CsvDialect& d, std::vector<Field>* fields) {
  fields->clear();
  size_t p = *i;
  auto skip_line_end = [&](size_t at) {
    if (at < n && buf[at++] == '\r' && at < n && buf[at] == '\n') ++at;
    return at;
  };
  {  // empty lines and lines of only spaces and tabs
    size_t q = p;
    while (q < n && (buf[q] == ' ' || buf[q] == '\t') && buf[q] != d.sep) ++q;
    if (q == n || is_line_end(buf[q])) {
      *i = skip_line_end(q);
      return RowKind::Blank;
    }
  }
  for (;;) {
    Field f;
    f.at = p;
    if (p < n && static_cast<int>(buf[p]) == d.quote) {
      ++p;
      for (;;) {
        if (p >= n) {
          fields->push_back(std::move(f));
          *i = n;
          return RowKind::Unterminated;
        }
        if (static_cast<int>(buf[p]) == d.quote) {
          if (p + 1 < n && static_cast<int>(buf[p + 1]) == d.quote) {
            f.text += static_cast<char>(buf[p]);
            p += 2;
            continue;
          }
          ++p;
          break;
        }
        f.text += static_cast<char>(buf[p++]);
      }
    }
    while (p < n && buf[p] != d.sep && !is_line_end(buf[p])) f.text += static_cast<char>(buf[p++]);
    fields->push_back(std::move(f));
    if (p < n && buf[p] == d.sep) {
      ++p;
      continue;
    }
    *i = skip_line_end(p);
    return RowKind::Row;
  }
}

}  // namespace tessera::csv
