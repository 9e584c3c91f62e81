// libFuzzer target: the CSV reader over arbitrary bytes. The first byte picks the options (the
// separator, the quote, whether to sniff types or force some, the block size, where partitions
// start); the rest is the file. Every outcome must be a typed error or tables that validate
// (TableView::parse), and splitting the file into partitions at exact row starts must give the
// same rows, or the same error, as reading it whole. The column-wise parse of plain blocks must
// give exactly the rows (values, nulls) and the error of the row-by-row parse, at every SIMD
// level this CPU has, with or without a filter term. Built with ASan + UBSan.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "../common/error.h"
#include "../csv/csv_parser.h"
#include "../csv/row_blocks.h"
#include "../csv/row_scan.h"
#include "../csv/sniff.h"
#include "../csv/scan_bytes.h"
#include "../kernels/op_table.h"
#include "../table/table_view.h"

namespace {

using namespace tessera;

struct Outcome {
  std::string error;    // the code, "" when every partition parsed
  std::string message;
  uint64_t rows = 0;
  std::string values;  // every row's values, spelled out (dictionary codes may differ; values not)
};

// Appends row r of every column to out: a type byte, then the value's bytes or a null mark.
void spell_row(const table::TableView& v, uint64_t r, std::string& out) {
  for (size_t k = 0; k < v.ncols(); ++k) {
    const table::ColumnView& c = v.column(k);
    out += static_cast<char>(c.type);
    if (!c.valid(r)) {
      out += "\x01null";
      continue;
    }
    if (c.type == table::ColumnType::String) {
      const std::string_view s = c.dict_entry(static_cast<uint64_t>(c.codes()[r]));
      out += std::to_string(s.size()) + ':';
      out.append(s.data(), s.size());
    } else {
      const size_t w = table::value_width(c.type);
      out.append(reinterpret_cast<const char*>(c.data) + r * w, w);
    }
  }
}

// The table a parser made must validate and hold its rows; its values are appended to o.
void check_table(const csv::CsvPartitionParser& p, size_t ncols, Outcome& o) {
  const size_t size = p.table_size();
  void* mem = std::aligned_alloc(8, (size + 7) / 8 * 8);
  p.write_table(static_cast<uint8_t*>(mem));
  const table::TableView v = table::TableView::parse(static_cast<const uint8_t*>(mem), size);
  if (v.nrows() != p.nrows() || v.ncols() != ncols) __builtin_trap();
  for (uint64_t r = 0; r < v.nrows(); ++r) spell_row(v, r, o.values);
  std::free(mem);
}

// Parses the rows that begin in each [bounds[k], bounds[k + 1]) in blocks of `block` bytes.
Outcome read(const uint8_t* data, size_t n, const csv::CsvParseOptions& opts, const std::vector<uint64_t>& bounds, size_t block) {
  Outcome o;
  try {
    for (size_t k = 0; k + 1 < bounds.size(); ++k) {
      csv::CsvErrorContext errors{"fuzz.csv", [data, n](uint64_t at) { return csv::count_line_ends(data, static_cast<size_t>(std::min<uint64_t>(at, n))) + 1; }};
      csv::CsvPartitionParser parser(opts, errors);
      csv::for_each_row_block(
          n, bounds[k], bounds[k + 1], opts.dialect, block, [&](uint64_t at, uint8_t* dst, size_t len) { std::memcpy(dst, data + at, len); },
          [&](const uint8_t* buf, size_t len, uint64_t at) { parser.parse(buf, len, at); });
      check_table(parser, opts.columns.size(), o);
      o.rows += parser.nrows();
    }
  } catch (const Error& e) {
    o.error = e.code();
    o.message = e.what();
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 1 << 16) return -1;
  const uint8_t mode = data[0];
  const uint8_t* csv_bytes = data + 1;
  const size_t n = size - 1;

  static const char* kSeps[] = {",", "\t", ";", "|"};
  static const char* kQuotes[] = {"\"", "\"", "'", ""};
  csv::SniffOptions so;
  so.sep = mode & 0x10 ? "" : kSeps[mode & 3];
  so.quote = kQuotes[(mode >> 2) & 3];
  so.header = !(mode & 0x20);
  so.sample_bytes = 64;
  so.parse_dates = {};
  bool need_more = false;
  csv::SniffResult s;
  try {
    s = csv::sniff_csv_bytes(csv_bytes, n, n, "fuzz.csv", so, &need_more);
  } catch (const Error&) {
    return 0;  // a typed error: fine
  }
  if (need_more || s.columns.empty()) __builtin_trap();  // the whole file was given

  csv::CsvParseOptions opts;
  opts.dialect = csv::make_dialect(s.sep, s.quote);
  opts.nfields = static_cast<uint32_t>(s.columns.size());
  opts.na_values = s.na_values;
  static const table::ColumnType kForced[] = {table::ColumnType::Int64, table::ColumnType::Float64, table::ColumnType::Bool,
                                              table::ColumnType::Timestamp, table::ColumnType::String};
  for (uint32_t i = 0; i < opts.nfields; ++i) {
    if ((mode & 0x40) && i % 2) continue;  // a projection: every other column
    csv::CsvColumn c;
    c.name = s.columns[i].name;
    c.type = mode & 0x80 ? kForced[(i + mode) % 5] : s.columns[i].type;
    c.index = i;
    opts.columns.push_back(c);
  }

  // A filter term on the first column for some inputs (by length: the mode byte is all used).
  if (!opts.columns.empty() && n % 3) {
    table::ReadTerm t;
    t.column = 0;
    t.op = n % 3 == 1 ? table::Compare::NotNull : table::Compare::Gt;
    t.literal = opts.columns[0].type == table::ColumnType::String ? "m" : opts.columns[0].type == table::ColumnType::Float64 ? "0.5" : "0";
    opts.where.push_back(t);
  }
  static const char* kLevels[] = {"scalar", "sse2", "avx2", "avx512"};
  const char* level = kLevels[(n / 3) % 4];
  set_simd_level(op_table_for(level) ? level : "scalar");

  // Whole, then split at exact row starts of a few targets, in tiny blocks.
  const std::vector<uint64_t> whole = {s.data_offset, n};
  const Outcome one = read(csv_bytes, n, opts, whole, 1 << 16);
  // Row by row only: the same rows, values and error (code and message) as with plain blocks.
  csv::CsvParseOptions rowwise = opts;
  rowwise.columnwise = false;
  const Outcome rows = read(csv_bytes, n, rowwise, whole, 1 << 16);
  if (one.error != rows.error || one.message != rows.message || one.rows != rows.rows || one.values != rows.values) __builtin_trap();
  std::vector<uint64_t> targets;
  for (uint64_t t = s.data_offset + 1 + (mode % 7); t < n; t += 3 + (mode % 11)) targets.push_back(t);
  std::vector<uint64_t> answers(targets.size(), csv::kNoRowStart);
  std::vector<uint64_t> rel(targets.size());
  for (size_t k = 0; k < targets.size(); ++k) rel[k] = targets[k] - s.data_offset;
  csv::scan_rows(csv_bytes + s.data_offset, n - s.data_offset, true, opts.dialect, rel.data(), rel.size(), answers.data());
  std::vector<uint64_t> bounds = {s.data_offset};
  for (uint64_t a : answers) {
    const uint64_t b = a == csv::kNoRowStart ? n : s.data_offset + a;
    if (b < bounds.back()) __builtin_trap();  // answers come in order
    if (b > bounds.back()) bounds.push_back(b);
  }
  if (bounds.back() != n) bounds.push_back(n);
  const Outcome split = read(csv_bytes, n, opts, bounds, 1 + (mode % 5));
  // The same rows or the same error: a partition boundary never splits or doubles a row.
  if (one.error.empty() != split.error.empty()) __builtin_trap();
  if (one.error.empty() && (one.rows != split.rows || one.values != split.values)) __builtin_trap();
  if (!one.error.empty() && one.error != split.error) __builtin_trap();
  return 0;
}
