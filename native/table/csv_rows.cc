#include "csv_rows.h"

#include <charconv>
#include <cstring>

#include "../common/float_repr.h"
#include "civil_time.h"

namespace tessera::table {

namespace {

constexpr int64_t kSecond = 1000000000LL;
constexpr int64_t kDay = 86400LL * kSecond;

void append_int(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}

// `v` in exactly `width` digits, zero padded (v >= 0 and fits).
void append_padded(std::string& out, int64_t v, int width) {
  char buf[24];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
}

void append_timestamp(std::string& out, int64_t ns, uint8_t layout) {
  const CivilTime c = civil_time(ns);
  append_padded(out, c.year, 4);  // pandas' range is years 1677..2262
  out += '-';
  append_padded(out, c.month, 2);
  out += '-';
  append_padded(out, c.day, 2);
  if (layout == 0) return;
  out += ' ';
  append_padded(out, c.hour, 2);
  out += ':';
  append_padded(out, c.minute, 2);
  out += ':';
  append_padded(out, c.second, 2);
  const int64_t frac = ns - floor_div(ns, kSecond) * kSecond;
  if (layout == 2) { out += '.'; append_padded(out, frac / 1000000, 3); }
  if (layout == 3) { out += '.'; append_padded(out, frac / 1000, 6); }
  if (layout == 4) { out += '.'; append_padded(out, frac, 9); }
}

// pandas' Timedelta._repr_base: "-1 days +23:59:59.500000"; layout 0 (a block of whole days): "1 days".
void append_timedelta(std::string& out, int64_t ns, uint8_t layout) {
  const int64_t days = floor_div(ns, kDay);
  int64_t rest = ns - days * kDay;
  append_int(out, days);
  out += " days";
  if (layout == 0) return;
  out += days < 0 ? " +" : " ";
  const int64_t secs = rest / kSecond;
  rest -= secs * kSecond;
  append_padded(out, secs / 3600, 2);
  out += ':';
  append_padded(out, secs / 60 % 60, 2);
  out += ':';
  append_padded(out, secs % 60, 2);
  if (rest == 0) return;
  out += '.';
  if (rest % 1000 == 0) append_padded(out, rest / 1000, 6);
  else append_padded(out, rest, 9);
}

}  // namespace

uint8_t csv_value_class(ColumnType t, int64_t v) {
  if (t == ColumnType::Timedelta) return v % kDay != 0;
  const int64_t frac = v - floor_div(v, kSecond) * kSecond;
  if (frac % 1000 != 0) return 4;
  if (frac % 1000000 != 0) return 3;
  if (frac != 0) return 2;
  return v % kDay != 0;
}

void append_csv_field(std::string& out, std::string_view s) {
  bool quote = false;
  for (char ch : s)
    if (ch == ',' || ch == '"' || ch == '\n' || ch == '\r') { quote = true; break; }
  if (!quote) { out.append(s); return; }
  out += '"';
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

void append_csv_header(std::string& out, const std::vector<std::string>& names) {
  for (size_t c = 0; c < names.size(); ++c) {
    if (c) out += ',';
    append_csv_field(out, names[c]);
  }
  if (names.size() == 1 && names[0].empty()) out += "\"\"";
  out += '\n';
}

void append_csv_rows(std::string& out, const std::vector<ColumnView>& cols, uint64_t begin, uint64_t end, const std::vector<uint8_t>& layout) {
  const size_t ncols = cols.size();
  for (uint64_t i = begin; i < end; ++i) {
    const size_t row_start = out.size();
    for (size_t c = 0; c < ncols; ++c) {
      if (c) out += ',';
      const ColumnView& col = cols[c];
      if (!col.valid(i)) continue;
      switch (col.type) {
        case ColumnType::Int64: append_int(out, col.i64()[i]); break;
        case ColumnType::Float64: {
          const double v = col.f64()[i];
          if (v == v) append_float_repr(out, v);
          break;
        }
        case ColumnType::Bool: out += col.data[i] ? "True" : "False"; break;
        case ColumnType::Timestamp: append_timestamp(out, col.i64()[i], layout[c]); break;
        case ColumnType::Timedelta: append_timedelta(out, col.i64()[i], layout[c]); break;
        case ColumnType::String: append_csv_field(out, col.dict_entry(static_cast<uint64_t>(col.codes()[i]))); break;
      }
    }
    if (ncols == 1 && out.size() == row_start) out += "\"\"";
    out += '\n';
  }
}

}  // namespace tessera::table
