// The first_rows kind: the first row of each distinct tuple of key columns (all columns when none
// are named) across its input partitions in dependency order: drop_duplicates(keep='first') of a
// partition, and of merged partitions up the combine tree. TS twin: collections/dataframe/kinds/row-ops.ts.
//   fields: ncols, ncols x column
//   deps: the partitions (one table's: same columns)
#include "../../common/error.h"
#include "../../table/row_ops.h"
#include "../kind.h"
#include "../table_inputs.h"

namespace tessera {

namespace {

struct FirstRowsTask {
  std::vector<uint64_t> inputs;
  std::vector<size_t> columns;
  int owner = 0;
};

FirstRowsTask decode(Reader& r, int owner) {
  FirstRowsTask t;
  t.owner = owner;
  t.inputs = dependency_ids(r, 1);
  const size_t n = r.count(1 << 16);
  for (size_t k = 0; k < n; ++k) t.columns.push_back(static_cast<size_t>(r.integer(0, 1 << 16)));
  return t;
}

TaskResult run(const FirstRowsTask& t) {
  int64_t bytes_in = 0;
  const auto inputs = table_inputs(t.inputs, &bytes_in);
  for (size_t c : t.columns)
    if (c >= inputs[0].ncols()) throw Error("BAD_TASK", "first_rows: a column is out of range", "this is a bug in the planner, please report it");
  return publish_rows(inputs, table::first_rows(inputs, t.columns), t.owner, bytes_in);
}

}  // namespace

extern const TaskKind kFirstRowsKind = task_kind<FirstRowsTask, decode, run>();

}  // namespace tessera
