// libFuzzer target: TableView over corrupt table partitions. The input's first byte is a count m
// of corruptions, then m (offset hi, offset lo, value) triples, then CSV text: the text is parsed
// into a valid table, the corruptions are written into its bytes, and TableView::parse must either
// refuse the buffer (BAD_TABLE) or give a view whose every cell reads inside the buffer. With no
// corruption, the table must validate. A first byte >= 0x80 takes the rest as raw table bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../common/error.h"
#include "../csv/csv_parser.h"
#include "../table/table_view.h"

namespace {

using namespace tessera;

// Reads every cell of a validated view (ASan reports a read outside the buffer).
uint64_t touch(const table::TableView& v) {
  uint64_t acc = 0;
  for (size_t c = 0; c < v.ncols(); ++c) {
    const table::ColumnView& col = v.column(c);
    acc += col.name.size();
    for (uint64_t r = 0; r < v.nrows(); ++r) {
      if (!col.valid(r)) continue;
      switch (col.type) {
        case table::ColumnType::String: acc += col.dict_entry(static_cast<uint64_t>(col.codes()[r])).size(); break;
        case table::ColumnType::Bool: acc += col.data[r]; break;
        default: acc += static_cast<uint64_t>(col.i64()[r]); break;
      }
    }
  }
  return acc;
}

void view(const uint8_t* bytes, size_t n, bool must_pass) {
  void* mem = std::aligned_alloc(8, (n + 8) / 8 * 8);
  if (n) std::memcpy(mem, bytes, n);
  try {
    volatile uint64_t sink = touch(table::TableView::parse(static_cast<const uint8_t*>(mem), n));
    (void)sink;
  } catch (const Error& e) {
    if (must_pass || e.code() != "BAD_TABLE") __builtin_trap();
  }
  std::free(mem);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 1 << 16) return -1;
  if (data[0] >= 0x80) {
    view(data + 1, size - 1, false);
    return 0;
  }
  const size_t m = data[0] % 16;
  if (size < 1 + 3 * m) return -1;
  const uint8_t* text = data + 1 + 3 * m;
  const size_t n = size - 1 - 3 * m;
  // Three columns of every type, so each kind of buffer (values, validity, dictionary) is there.
  csv::CsvParseOptions opts;
  opts.nfields = 3;
  opts.na_values = {"", "NA"};
  const table::ColumnType types[] = {table::ColumnType::Float64, table::ColumnType::String, table::ColumnType::Bool};
  for (uint32_t i = 0; i < 3; ++i) opts.columns.push_back({std::string("c") + std::to_string(i), types[(i + data[0] / 16) % 3], i});
  std::vector<uint8_t> table;
  try {
    csv::CsvPartitionParser parser(opts, csv::CsvErrorContext{"fuzz.csv", nullptr});
    parser.parse(text, n, 0);
    table.resize(parser.table_size());
    std::vector<uint64_t> aligned((table.size() + 7) / 8);
    parser.write_table(reinterpret_cast<uint8_t*>(aligned.data()));
    std::memcpy(table.data(), aligned.data(), table.size());
  } catch (const Error&) {
    return 0;
  }
  for (size_t k = 0; k < m; ++k) {
    const size_t at = (static_cast<size_t>(data[1 + 3 * k]) << 8 | data[2 + 3 * k]) % table.size();
    table[at] = data[3 + 3 * k];
  }
  view(table.data(), table.size(), m == 0);
  return 0;
}
