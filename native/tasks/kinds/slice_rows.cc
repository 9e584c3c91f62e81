// The slice_rows kind: the rows of a partition whose int64 `column` (sorted ascending, no nulls)
// holds a value in [lo, hi), found by binary search; some columns dropped. A partitioned join cuts
// a bucket out of a split partition with it (hash_split.cc) and a probe partition's rows out of a
// joined bucket (by the row column). TS twin: src-main/collections/dataframe/kinds/row-ops.ts.
//   fields: column, lo, hi, ndrop, ndrop x column
//   deps: [the partition]
#include <algorithm>

#include "../../common/error.h"
#include "../../table/row_ops.h"
#include "../kind.h"
#include "../table_inputs.h"

namespace tessera {

namespace {

struct SliceRowsTask {
  uint64_t input = 0;
  size_t column = 0;
  int64_t lo = 0, hi = 0;
  std::vector<size_t> drop;
  int owner = 0;
};

SliceRowsTask decode(Reader& r, int owner) {
  SliceRowsTask t;
  t.owner = owner;
  if (r.nids() != 1) Reader::bad("a slice_rows task reads one partition");
  t.input = static_cast<uint64_t>(r.ids()[0]);
  t.column = static_cast<size_t>(r.integer(0, 1 << 16));
  t.lo = r.integer();
  t.hi = r.integer();
  t.drop = read_dropped_columns(r);
  return t;
}

TaskResult run(const SliceRowsTask& t) {
  int64_t bytes_in = 0;
  const auto inputs = table_inputs({t.input}, &bytes_in);
  const table::TableView& in = inputs[0];
  if (t.column >= in.ncols() || in.column(t.column).type != table::ColumnType::Int64) throw Error("BAD_TASK", "slice_rows: the column is not an int64 column of the partition", "this is a bug in the planner, please report it");
  for (size_t c : t.drop)
    if (c >= in.ncols()) throw Error("BAD_TASK", "slice_rows: a dropped column is out of range", "this is a bug in the planner, please report it");
  const table::Vec v = table::view_column(in.column(t.column), static_cast<size_t>(in.nrows()));
  if (v.has_nulls() || v.scalar) throw Error("BAD_TASK", "slice_rows: the column has nulls", "this is a bug in the planner, please report it");
  // Row references are 32-bit: a partition of 2^32 rows (a join that multiplied rows beyond
  // reason) is refused rather than cut wrong.
  if (in.nrows() > int64_t{0xfffffffe}) throw Error("SIZE_OVERFLOW", "a partition to cut has more than 2^32 - 2 rows", "give the job a lower --memory-limit, so that the tables are cut into smaller pieces");
  const int64_t* values = v.as<int64_t>();
  const int64_t* end = values + in.nrows();
  const auto lo = static_cast<uint32_t>(std::lower_bound(values, end, t.lo) - values);
  const auto hi = static_cast<uint32_t>(std::lower_bound(values, end, t.hi) - values);
  std::vector<table::RowRef> rows;
  rows.reserve(hi > lo ? hi - lo : 0);
  for (uint32_t i = lo; i < hi; ++i) rows.push_back({0, i});
  return publish_rows(inputs, rows, t.owner, bytes_in, t.drop);
}

}  // namespace

extern const TaskKind kSliceRowsKind = task_kind<SliceRowsTask, decode, run>();

}  // namespace tessera
