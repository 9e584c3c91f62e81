// The range_rows kind: one range of a sorted run, for a sort of a table too large to merge in one
// task (sort_values under a memory limit). Each partition is sorted alone (sort_rows), a few rows
// spread over each run are sorted together and cut into splitters (sort_rows with `sample`), and
// range r of every run (the rows not before splitter r - 1 and before splitter r) is merged into
// partition r of the result: the ranges are in order, and rows of equal keys all fall in one. Its
// TS twin is in src-main/collections/dataframe/kinds/row-ops.ts.
//   fields: nkeys, nkeys x [column, flags (1: ascending, 2: nulls first)], range
//   deps: the sorted run, the splitters (the same columns, sorted by the same keys)
#include "../../table/row_ops.h"
#include "../kind.h"
#include "../table_inputs.h"

namespace tessera {

namespace {

struct RangeRowsTask {
  std::vector<uint64_t> inputs;
  std::vector<table::SortKey> keys;
  uint32_t range = 0;
  int owner = 0;
};

RangeRowsTask decode(Reader& r, int owner) {
  RangeRowsTask t;
  t.owner = owner;
  t.inputs = dependency_ids(r, 2);
  if (t.inputs.size() != 2) Reader::bad("range_rows reads a sorted run and its splitters");
  t.keys = read_sort_keys(r);
  if (t.keys.empty()) Reader::bad("range_rows needs sort keys");
  t.range = static_cast<uint32_t>(r.integer(0, int64_t{1} << 31));
  return t;
}

TaskResult run(const RangeRowsTask& t) {
  int64_t bytes_in = 0;
  const auto inputs = table_inputs(t.inputs, &bytes_in);
  const table::RowOrder order(inputs, t.keys);  // BAD_TASK for a key column the inputs lack
  const auto [lo, hi] = table::range_of_run(order, static_cast<uint32_t>(inputs[0].nrows()), static_cast<uint32_t>(inputs[1].nrows()), t.range);
  std::vector<table::RowRef> rows;
  rows.reserve(hi - lo);
  for (uint32_t i = lo; i < hi; ++i) rows.push_back({0, i});
  return publish_rows(inputs, rows, t.owner, bytes_in);
}

}  // namespace

extern const TaskKind kRangeRowsKind = task_kind<RangeRowsTask, decode, run>();

}  // namespace tessera
