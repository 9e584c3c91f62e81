#include "sniff.h"

#include <algorithm>
#include <map>

#include "../common/error.h"
#include "../common/utf8.h"
#include "../io/gzip.h"
#include "../io/read_file.h"
#include "csv_errors.h"
#include "dialect.h"
#include "na_values.h"
#include "row_scan.h"
#include "scan_bytes.h"
#include "tokenize.h"
#include "values.h"

namespace tessera::csv {

namespace {

using table::ColumnType;

// The whole rows of the sample, from `from`: [from, end).
size_t whole_rows_end(const uint8_t* buf, size_t n, size_t from, bool eof, const CsvDialect& d) {
  return from + scan_rows(buf + from, n - from, eof, d, nullptr, 0, nullptr);
}

// The field counts of the sample's rows under one dialect; empty if it does not tokenize.
std::vector<size_t> field_counts(const uint8_t* buf, size_t n, size_t from, bool eof, const CsvDialect& d) {
  const size_t end = whole_rows_end(buf, n, from, eof, d);
  std::vector<size_t> counts;
  std::vector<Field> fields;
  for (size_t i = from; i < end && counts.size() < 1000;) {
    const RowKind k = tokenize_row(buf, end, &i, d, &fields);
    if (k == RowKind::Unterminated) return {};
    if (k == RowKind::Row) counts.push_back(fields.size());
  }
  return counts;
}

// Separator detection: a separator that splits every sampled row into the same number (at least
// two) of fields; the most fields wins, then the order , \t ; |. Failing that, the one whose most
// common count (at least two) covers the most rows; failing that, ','.
uint8_t detect_sep(const uint8_t* buf, size_t n, size_t from, bool eof, int quote) {
  const uint8_t candidates[] = {',', '\t', ';', '|'};
  int best = -1;
  size_t best_fields = 0, best_cover = 0;
  bool best_consistent = false;
  for (int c = 0; c < 4; ++c) {
    CsvDialect d;
    d.sep = candidates[c];
    d.quote = quote;
    if (d.quote == d.sep) continue;
    const std::vector<size_t> counts = field_counts(buf, n, from, eof, d);
    if (counts.empty()) continue;
    std::map<size_t, size_t> freq;
    for (size_t k : counts) freq[k]++;
    size_t mode = 0, cover = 0;
    for (auto [k, f] : freq)
      if (f > cover || (f == cover && k > mode)) mode = k, cover = f;
    if (mode < 2) continue;
    const bool consistent = freq.size() == 1;
    const bool better = best < 0 || (consistent && !best_consistent) ||
                        (consistent == best_consistent && (consistent ? mode > best_fields : cover > best_cover));
    if (better) best = c, best_fields = mode, best_cover = cover, best_consistent = consistent;
  }
  return best < 0 ? ',' : candidates[best];
}

// pandas' names: "Unnamed: i" for an empty one, then "a.1", "a.2"... for repeats (as its
// _dedup_names: a generated name that is itself taken counts up further).
std::vector<std::string> pandas_names(std::vector<std::string> names) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i].empty()) names[i] = "Unnamed: " + std::to_string(i);
  std::map<std::string, size_t> counts;
  for (std::string& col : names) {
    size_t cur = counts[col];
    while (cur > 0) {
      counts[col] = cur + 1;
      col = col + "." + std::to_string(cur);
      cur = counts[col];
    }
    counts[col] = cur + 1;
  }
  return names;
}

struct Stats {
  bool all_int = true, all_float = true, all_bool = true;
  size_t values = 0, missing = 0;
  void add(const std::string& s, const NaSet& na) {
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    if (na.contains(p, s.size())) {
      ++missing;
      return;
    }
    ++values;
    int64_t i;
    double f;
    uint8_t b;
    const bool is_int = all_int && parse_int64(p, s.size(), &i);
    all_int = is_int;
    all_float = all_float && (is_int || parse_float64(p, s.size(), &f));
    all_bool = all_bool && parse_bool(p, s.size(), &b);
  }
  ColumnType type(uint64_t rows) const {
    if (rows == 0) return ColumnType::String;  // a header alone: pandas gives object
    if (values == 0) return ColumnType::Float64;  // nothing but missing values: pandas gives float64
    if (all_int) return missing ? ColumnType::Float64 : ColumnType::Int64;
    if (all_float) return ColumnType::Float64;
    if (all_bool) return ColumnType::Bool;
    return ColumnType::String;
  }
};

}  // namespace

SniffResult sniff_csv_bytes(const uint8_t* buf, size_t n, uint64_t file_size, const std::string& path, const SniffOptions& opts, bool* need_more) {
  *need_more = false;
  const bool eof = n == file_size;
  SniffResult r;
  r.file_size = file_size;
  const size_t bom = n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF ? 3 : 0;
  CsvErrorContext errors{path, [buf, n](uint64_t at) { return count_line_ends(buf, static_cast<size_t>(std::min<uint64_t>(at, n))) + 1; }};

  const std::string quote = opts.quote;
  const int q = quote.empty() ? -1 : static_cast<uint8_t>(quote[0]);
  const std::string sep = opts.sep.empty() ? std::string(1, static_cast<char>(detect_sep(buf, n, bom, eof, q))) : opts.sep;
  const CsvDialect d = make_dialect(sep, quote);
  r.sep = sep;
  r.quote = quote;
  r.header = opts.header;

  r.na_values = opts.keep_default_na ? default_na_values() : std::vector<std::string>{};
  for (const std::string& v : opts.na_values)
    if (std::find(r.na_values.begin(), r.na_values.end(), v) == r.na_values.end()) r.na_values.push_back(v);
  const NaSet na(r.na_values);

  // The first row that is not blank: the header, or the first data row.
  const size_t end = whole_rows_end(buf, n, bom, eof, d);
  std::vector<Field> fields;
  size_t i = bom;
  RowKind kind = RowKind::Blank;
  while (i < end && kind == RowKind::Blank) kind = tokenize_row(buf, end, &i, d, &fields);
  if (kind == RowKind::Blank) {  // no whole row in the sample
    if (!eof) {
      *need_more = true;
      return r;
    }
    throw Error("EMPTY_FILE", path + " has no columns: it is empty or holds only blank lines", "check the file; a CSV file needs at least a header row");
  }
  if (kind == RowKind::Unterminated) throw_unterminated_quote(errors, fields.back().at, "", fields.size());
  const size_t nfields = fields.size();
  std::vector<std::string> names(nfields);
  for (size_t k = 0; k < nfields; ++k) {
    if (!opts.header) {
      names[k] = std::to_string(k);
      continue;
    }
    const auto* p = reinterpret_cast<const uint8_t*>(fields[k].text.data());
    if (!utf8_valid(p, fields[k].text.size())) throw_invalid_utf8(errors, fields[k].at, "", k + 1);
    names[k] = fields[k].text;
  }
  if (opts.header) names = pandas_names(std::move(names));
  r.data_offset = opts.header ? i : bom;

  std::vector<Stats> stats(nfields);
  for (size_t at = r.data_offset; at < end;) {
    const size_t row = at;
    const RowKind k = tokenize_row(buf, end, &at, d, &fields);
    if (k == RowKind::Blank) continue;
    if (k == RowKind::Unterminated) throw_unterminated_quote(errors, fields.back().at, fields.size() <= nfields ? names[fields.size() - 1] : "", fields.size());
    if (fields.size() != nfields) throw_ragged_row(errors, row, nfields, fields.size());
    for (size_t c = 0; c < nfields; ++c) stats[c].add(fields[c].text, na);
    ++r.sample_rows;
  }
  if (r.sample_rows == 0 && !eof) {  // a header, then a data row longer than the sample
    *need_more = true;
    return r;
  }
  r.sample_bytes = end > r.data_offset ? end - r.data_offset : 0;

  r.columns.resize(nfields);
  for (size_t c = 0; c < nfields; ++c) {
    r.columns[c].name = names[c];
    r.columns[c].type = stats[c].type(r.sample_rows);
  }
  for (const std::string& name : opts.parse_dates) {
    auto it = std::find_if(r.columns.begin(), r.columns.end(), [&](const SniffedColumn& c) { return c.name == name; });
    if (it == r.columns.end()) throw Error("CSV_UNKNOWN_COLUMN", "parse_dates names '" + name + "', which is not a column of " + path, "the columns are the header's names");
    it->type = ColumnType::Timestamp;
  }
  for (const auto& [name, type] : opts.dtype) {
    ColumnType t;
    if (!table::column_type_from_name(type, &t))
      throw Error("CSV_BAD_OPTION", "dtype '" + type + "' (for column '" + name + "') is not a type a CSV column can have",
                  "use int64, float64, bool, string (or str, object), timestamp (or datetime64[ns])");
    for (SniffedColumn& c : r.columns)
      if (c.name == name) c.type = t;  // pandas ignores a dtype for a column the file does not have
  }
  return r;
}

SniffResult sniff_csv(const std::string& path, const SniffOptions& opts) {
  ReadOnlyFile f(path);
  if (f.size() == 0) throw Error("EMPTY_FILE", path + " is empty", "check the file; a CSV file needs at least a header row");
  size_t want = std::max<size_t>(opts.sample_bytes, 1);
  std::vector<uint8_t> buf;
  uint8_t magic[2] = {0, 0};
  f.read_at(0, magic, std::min<uint64_t>(2, f.size()));
  if (is_gzip(magic, std::min<uint64_t>(2, f.size()))) {
    // The sample is the start of the inflated text.
    const ReadAt read = [&f](uint64_t at, uint8_t* out, size_t n) { f.read_at(at, out, n); };
    for (;;) {
      bool complete = false;
      buf = gunzip(read, f.size(), path, want, &complete);
      if (buf.empty()) throw Error("EMPTY_FILE", path + " is empty (inside its gzip compression)", "check the file; a CSV file needs at least a header row");
      bool need_more = false;
      SniffResult r = sniff_csv_bytes(buf.data(), buf.size(), complete ? buf.size() : buf.size() + 1, path, opts, &need_more);
      if (!need_more || complete) {
        r.gzip = true;
        r.file_size = f.size();
        r.inflated_size_hint = gzip_size_hint(read, f.size());
        return r;
      }
      want *= 4;
    }
  }
  for (;;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(want, f.size()));
    buf.resize(n);
    f.read_at(0, buf.data(), n);
    bool need_more = false;
    SniffResult r = sniff_csv_bytes(buf.data(), n, f.size(), path, opts, &need_more);
    if (!need_more) return r;
    want *= 4;  // a row longer than the sample: look further
  }
}

}  // namespace tessera::csv
