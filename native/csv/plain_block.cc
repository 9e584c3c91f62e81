// The column-at-a-time parse of a plain block (see csv_parser.h): quotes only around whole fields
// with no separator, line break or quote inside ("Oslo", not "a,b" or "say ""hi"""), every row
// with exactly nfields fields, lines ending in \n or \r\n. One SIMD pass (OpTable::csv_delimiters)
// lists every separator and \n; with F fields a row, row r's fields end at delimiters rF .. rF+F-1,
// and the block is plain exactly when there are R*F delimiters of which the R line ends are the
// last of each row. Each wanted column is then converted in one loop over its fields.
//
// With a filter, its columns are parsed first and every term checked per row; the other numbers
// are still parsed for every row (a bad value fails the read whatever the filter says, as row by
// row), but a string is looked up in the dictionary only for a kept row: a dropped row's string
// needs only to be valid UTF-8, which an all-ASCII block is.
//
// One difference in form, none in values: a missing string in a dropped row gives the row-by-row
// parse's column a validity buffer (of ones, once the row is dropped) that this path never makes.
//
// A value the fast loops do not take goes through convert (missing values, spaces, other
// spellings). When that raises an error, the block is rolled back and the row-by-row parse reads
// it again, so every error is the row-wise parse's own: the first in row order.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fast_float/fast_float.h>

#include "../common/error.h"
#include "../common/thread_scratch.h"
#include "../common/utf8.h"
#include "../kernels/op_table.h"
#include "csv_column_values.h"
#include "csv_parser.h"

namespace tessera::csv {

using table::ColumnType;

namespace {

constexpr size_t kMaxPlainBlock = size_t{64} << 20;

// thread_scratch tags: the block's delimiter offsets, and one integer column's values and flags.
struct DelimiterBuffer;
struct IntBuffer;
struct IntOkBuffer;

// Keeps the values of rows r with keep[r] among v[base, base + R), in order.
template <class T>
void compact(std::vector<T>& v, size_t base, const uint8_t* keep, size_t rows) {
  T* p = v.data() + base;
  size_t w = 0;
  for (size_t r = 0; r < rows; ++r) {
    p[w] = p[r];
    w += keep[r];
  }
  v.resize(base + w);
}

}  // namespace

// Converts the unquoted field [s, e) of column c: plain integers and floats in place, anything
// else through convert (missing values, spaces, other spellings, errors).
void CsvPartitionParser::parse_known(Column& c, const uint8_t* s, const uint8_t* e) {
  if (!c.check_na_first) {
    if (c.spec.type == ColumnType::Int64) {
      int64_t v;
      if (plain_int(s, e, &v) == e) {
        c.i64.push_back(v);
        return c.ok();
      }
    } else if (c.spec.type == ColumnType::Float64) {
      double v;
      const auto r = fast_float::from_chars(reinterpret_cast<const char*>(s), reinterpret_cast<const char*>(e), v);
      if (r.ec == std::errc() && reinterpret_cast<const uint8_t*>(r.ptr) == e && s != e && !std::isnan(v)) {
        c.f64.push_back(v);
        return c.ok();
      }
    }
  }
  convert(c, s, static_cast<size_t>(e - s), s);
}

bool CsvPartitionParser::parse_plain_block(const uint8_t* buf, size_t n) {
  const size_t F = opts_.nfields;
  // One field a row has no separator to count, and a blank line would pass for a row. A block is
  // 1 MiB unless one row is longer; the cap keeps offsets (and the integer kernel's gathers) far
  // inside 32 bits.
  if (F < 2 || n == 0 || n > kMaxPlainBlock) return false;
  // A file with quotes has them in most blocks: after two such blocks in a row, the next 15 go
  // straight to the row-by-row parse, which saves the delimiter pass; then it looks again.
  if (skip_blocks_ > 0) {
    --skip_blocks_;
    return false;
  }
  uint32_t* const d = thread_scratch<uint32_t, DelimiterBuffer>(n + 65);
  CsvBlockScan scan;
  size_t m = op_table().csv_delimiters(buf, n, opts_.dialect.sep, opts_.dialect.quote, d, &scan);
  if (!scan.quotes_simple) {
    if (++quoted_blocks_ >= 2) skip_blocks_ = 15;
    return false;
  }
  quoted_blocks_ = 0;
  // Quotes, if any, wrap whole fields ("text" between two delimiters): such a field's text is
  // what lies between them.
  const bool quoted = scan.quote;
  const uint8_t quote = static_cast<uint8_t>(opts_.dialect.quote);
  const bool open_end = buf[n - 1] != '\n';  // the file's last row, without a line break
  if (open_end) d[m++] = static_cast<uint32_t>(n);
  if (m % F) return false;
  const size_t rows = m / F;
  if (scan.newlines + open_end != rows) return false;
  // Each row's last delimiter must be its line end (with the count above, no other one is); a \r
  // is allowed only just before one.
  uint64_t crlf = 0;
  for (size_t r = 0; r < rows; ++r) {
    const uint32_t e = d[r * F + F - 1];
    if (e != n && buf[e] != '\n') return false;
    crlf += buf[e - 1] == '\r';  // e >= F - 1 >= 1: the row has its separators before e
  }
  if (crlf != scan.crs) return false;

  auto field = [&](size_t r, size_t j, const uint8_t** s, const uint8_t** e) {
    const size_t k = r * F + j;
    *s = buf + (k == 0 ? 0 : d[k - 1] + 1);
    *e = buf + d[k];
    if (j == F - 1 && crlf && *e > *s && (*e)[-1] == '\r') --*e;
    if (quoted && *e - *s >= 2 && **s == quote) ++*s, --*e;
  };
  const size_t base = nrows_;
  std::vector<uint8_t> had_null(cols_.size());
  for (size_t k = 0; k < cols_.size(); ++k) had_null[k] = cols_[k]->has_null;
  auto roll_back = [&] {
    for (size_t k = 0; k < cols_.size(); ++k) {
      Column& c = *cols_[k];
      if (!had_null[k]) {
        c.has_null = false;
        c.valid.clear();
      }
      c.truncate(base);
    }
  };
  auto all_rows = [&](Column& c) {
    const size_t j = c.spec.index;
    const uint8_t *s, *e;
    if (c.spec.type == ColumnType::Int64 && !c.check_na_first) {
      // Short integers a vector at a time; the others (and missing values) one by one below.
      int64_t* v = thread_scratch<int64_t, IntBuffer>(rows);
      uint8_t* ok = thread_scratch<uint8_t, IntOkBuffer>(rows);
      const size_t taken = op_table().csv_small_ints(buf, d, F, j, rows, crlf != 0 && j == F - 1, v, ok);
      if (taken == rows) {
        c.i64.insert(c.i64.end(), v, v + rows);
        if (c.has_null) c.valid.insert(c.valid.end(), rows, uint8_t{1});
        return;
      }
      for (size_t r = 0; r < rows; ++r) {
        if (ok[r]) {
          c.i64.push_back(v[r]);
          c.ok();
          continue;
        }
        field(r, j, &s, &e);
        parse_known(c, s, e);
      }
      return;
    }
    for (size_t r = 0; r < rows; ++r) {
      field(r, j, &s, &e);
      parse_known(c, s, e);
    }
  };
  try {
    if (terms_.empty()) {
      for (auto& c : cols_) all_rows(*c);
      nrows_ += rows;
      return true;
    }
    std::vector<uint8_t> in_term(cols_.size(), 0);
    for (const Term& t : terms_)
      for (size_t k = 0; k < cols_.size(); ++k) in_term[k] |= cols_[k].get() == t.column;
    for (size_t k = 0; k < cols_.size(); ++k)
      if (in_term[k]) all_rows(*cols_[k]);
    keep_.resize(rows);
    keep_rows(base, rows, keep_.data());
    size_t kept = 0;
    for (size_t r = 0; r < rows; ++r) kept += keep_[r];
    for (size_t k = 0; k < cols_.size(); ++k) {
      Column& c = *cols_[k];
      if (in_term[k] || c.spec.type != ColumnType::String) {
        if (!in_term[k]) all_rows(c);
        switch (c.spec.type) {
          case ColumnType::Float64: compact(c.f64, base, keep_.data(), rows); break;
          case ColumnType::Bool: compact(c.u8, base, keep_.data(), rows); break;
          case ColumnType::String: compact(c.codes, base, keep_.data(), rows); break;
          default: compact(c.i64, base, keep_.data(), rows); break;
        }
        if (c.has_null) compact(c.valid, base, keep_.data(), rows);
        continue;
      }
      const size_t j = c.spec.index;
      const uint8_t *s, *e;
      for (size_t r = 0; r < rows; ++r) {
        field(r, j, &s, &e);
        if (keep_[r]) convert(c, s, static_cast<size_t>(e - s), s);
        else if (scan.non_ascii && !utf8_valid(s, static_cast<size_t>(e - s))) {
          roll_back();
          return false;
        }
      }
    }
    nrows_ += kept;
    return true;
  } catch (const Error&) {
    roll_back();
    return false;
  } catch (...) {  // out of memory: the task fails, with the parser's columns whole
    roll_back();
    throw;
  }
}

}  // namespace tessera::csv
