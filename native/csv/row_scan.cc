#include "row_scan.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "../io/read_file.h"
#include "scan_bytes.h"

namespace tessera::csv {

namespace {

// The row start after the line break at x: one byte on, two after \r\n.
inline size_t after_line_end(const uint8_t* buf, size_t n, size_t x) {
  size_t r = x + 1;
  if (buf[x] == '\r' && r < n && buf[r] == '\n') ++r;
  return r;
}

// A quote opens a quoted field only as the field's first byte (dialect.h).
inline bool opens_field(const uint8_t* buf, size_t q, uint8_t sep) {
  return q == 0 || buf[q - 1] == sep || is_line_end(buf[q - 1]);
}

}  // namespace

size_t scan_rows(const uint8_t* buf, size_t n, bool eof, const CsvDialect& d, const uint64_t* queries, size_t nq, uint64_t* answers) {
  for (size_t k = 0; k < nq; ++k) answers[k] = kNoRowStart;
  const size_t whole = n;
  // A \r as the last byte may be a lone \r or the first half of \r\n: the next buffer decides.
  if (!eof && n > 0 && buf[n - 1] == '\r') --n;
  size_t qi = 0;
  size_t last = 0;  // the last row start seen so far

  // [a, b) lies outside quoted fields, so each line break in it ends a row. Answers the queries
  // whose first row start falls in it (searching forward from each query, not the whole stretch),
  // and notes its last row start (searching back from its end: rows are short, so this stops
  // early in a long stretch, and a short one is short).
  auto stretch = [&](size_t a, size_t b) {
    while (qi < nq && queries[qi] <= b) {
      const size_t t = static_cast<size_t>(queries[qi]);
      if (t == 0) {
        answers[qi++] = 0;
        continue;
      }
      const size_t from = std::max(a, t - 1);  // a break at t - 1 makes t itself a row start
      const size_t x = from + find_line_end(buf + from, b - from);
      if (x >= b) break;  // none here: the query waits for the next stretch
      answers[qi++] = after_line_end(buf, n, x);
    }
    const size_t x = find_last_line_end(buf + a, b - a);
    if (x < b - a) last = after_line_end(buf, n, a + x);
  };

  size_t seg = 0, i = 0;
  QuoteCursor quotes(buf, n, static_cast<uint8_t>(d.quote < 0 ? 0 : d.quote));
  for (;;) {
    const size_t q = d.quote < 0 ? n : quotes.next(i);
    if (q < n && !opens_field(buf, q, d.sep)) {  // an ordinary byte inside an unquoted field
      i = q + 1;
      continue;
    }
    stretch(seg, q);
    if (q >= n) break;
    // A quoted field opens at q: find its closing quote, stepping over doubled quotes.
    size_t j = q + 1;
    bool closed = false;
    for (;;) {
      const size_t c = quotes.next(j);
      if (c >= n) break;
      if (c + 1 < n) {
        if (buf[c + 1] == d.quote) {
          j = c + 2;
          continue;
        }
        closed = true;
        seg = i = c + 1;
      } else if (eof) {  // the file's last byte closes it
        closed = true;
        seg = i = n;
      }  // else: a quote as the buffer's last byte may be half of a doubled quote
      break;
    }
    if (!closed) break;  // the buffer ends inside a quoted field: rows after `seg` are unsettled
  }
  return eof ? whole : last;  // at the file's end, its end ends the last row (an unclosed quote is the parser's error)
}

std::vector<uint64_t> csv_row_starts(const std::string& path, const CsvDialect& d, uint64_t data_offset, const std::vector<double>& targets) {
  ReadOnlyFile f(path);
  const uint64_t size = f.size();
  if (data_offset > size)
    throw Error("BAD_ARGUMENT", "csvRowStarts: dataOffset " + std::to_string(data_offset) + " is past the end of " + path, "pass the sniffer's dataOffset");
  std::vector<uint64_t> out(targets.size());
  std::vector<size_t> order(targets.size());
  std::iota(order.begin(), order.end(), 0);
  // Targets clamped to [data_offset, size] and sorted: the scan answers them in one pass.
  std::vector<uint64_t> sorted(targets.size());
  for (size_t k = 0; k < targets.size(); ++k) {
    const double t = targets[k];
    sorted[k] = !(t > static_cast<double>(data_offset)) ? data_offset : t >= static_cast<double>(size) ? size : static_cast<uint64_t>(std::ceil(t));
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sorted[a] < sorted[b]; });

  constexpr size_t kBlock = 4 << 20;
  std::vector<uint8_t> buf;
  std::vector<uint64_t> queries, answers;
  size_t next = 0;  // the first unanswered target, in sorted order
  uint64_t pos = data_offset;  // a row start: everything before it is settled
  size_t block = kBlock;
  while (next < order.size() && pos < size) {
    while (next < order.size() && sorted[order[next]] <= pos) out[order[next++]] = pos;  // pos is a row start
    if (next == order.size()) break;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(block, size - pos));
    buf.resize(n);
    f.read_at(pos, buf.data(), n);
    const bool eof = pos + n == size;
    queries.clear();
    for (size_t k = next; k < order.size() && sorted[order[k]] - pos < n; ++k) queries.push_back(sorted[order[k]] - pos);
    answers.resize(queries.size());
    const size_t end = scan_rows(buf.data(), n, eof, d, queries.data(), queries.size(), answers.data());
    for (size_t k = 0; k < answers.size() && answers[k] != kNoRowStart; ++k) out[order[next++]] = pos + answers[k];
    if (eof) break;
    if (end == 0) {  // one row longer than the block: read more of it at once
      block *= 2;
      continue;
    }
    pos += end;
    block = kBlock;
  }
  for (; next < order.size(); ++next) out[order[next]] = size;  // past the last row start
  return out;
}

}  // namespace tessera::csv
