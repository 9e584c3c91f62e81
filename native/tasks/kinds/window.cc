// The window kind: SQL window functions over a whole table (table/window.h): its input partitions'
// rows sorted by the PARTITION BY columns and ORDER BY keys, every input column kept, and one new
// column per call. TS twin: src-main/collections/dataframe/kinds/window.ts.
//   fields: npartition, npartition x column, norder, norder x [column, flags (1: ascending,
//           2: nulls first)], ncalls, ncalls x [fn (table::WindowFn), column, name (string)]
//   deps: the partitions (one table's: same columns)
#include "../../common/error.h"
#include "../../table/window.h"
#include "../kind.h"
#include "../table_inputs.h"

namespace tessera {

namespace {

struct WindowTask {
  std::vector<uint64_t> inputs;
  std::vector<size_t> partition;
  std::vector<table::SortKey> order;
  std::vector<table::WindowCall> calls;
  int owner = 0;
};

WindowTask decode(Reader& r, int owner) {
  WindowTask t;
  t.owner = owner;
  t.inputs = dependency_ids(r, 1);
  const size_t np = r.count(256);
  for (size_t k = 0; k < np; ++k) t.partition.push_back(static_cast<size_t>(r.integer(0, 1 << 16)));
  t.order = read_sort_keys(r);
  const size_t nc = r.count(4096);
  if (!nc) Reader::bad("a window task computes at least one function");
  for (size_t k = 0; k < nc; ++k) {
    table::WindowCall c;
    c.fn = static_cast<table::WindowFn>(r.integer(1, 9));
    c.column = static_cast<size_t>(r.integer(0, 1 << 16));
    c.name = r.string_ref();
    t.calls.push_back(c);
  }
  return t;
}

TaskResult run(const WindowTask& t) {
  int64_t bytes_in = 0;
  const auto inputs = table_inputs(t.inputs, &bytes_in);
  const size_t ncols = inputs[0].ncols();
  for (size_t c : t.partition)
    if (c >= ncols) throw Error("BAD_TASK", "window: a partition column is out of range", "this is a bug in the planner, please report it");
  for (const auto& k : t.order)
    if (k.column >= ncols) throw Error("BAD_TASK", "window: an order column is out of range", "this is a bug in the planner, please report it");
  for (const auto& c : t.calls) {
    // Ranks, row numbers and count(*) read no column (their column field is 0, and there may be none).
    const bool reads = c.fn != table::WindowFn::RowNumber && c.fn != table::WindowFn::Rank && c.fn != table::WindowFn::DenseRank && c.fn != table::WindowFn::CountStar;
    if (reads && c.column >= ncols) throw Error("BAD_TASK", "window: an aggregated column is out of range", "this is a bug in the planner, please report it");
  }
  table::WindowResult w = table::window(inputs, t.partition, t.order, t.calls);
  std::vector<table::OwnedColumn> cols;
  for (size_t c = 0; c < ncols; ++c)
    cols.push_back(table::gather_refs(std::string(inputs[0].column(c).name), inputs[0].column(c).type, table::column_of_inputs(inputs, c), w.rows));
  for (auto& c : w.columns) cols.push_back(std::move(c));
  return publish_table(cols, w.rows.size(), t.owner, bytes_in);
}

}  // namespace

extern const TaskKind kWindowKind = task_kind<WindowTask, decode, run>();

}  // namespace tessera
