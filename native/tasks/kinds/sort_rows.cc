// The sort_rows kind: the rows of its input partitions (in dependency order), stably sorted by
// key columns (nulls last), optionally only the first `limit`: a partition's sort, a node of the
// merge tree above the sorted partitions (sort_values), a top-n (nlargest, sort + head), and with
// no keys a plain concatenation, whose last `limit` rows are a tail. TS twin:
// src-main/collections/dataframe/kinds/row-ops.ts.
// With `sample` m, only m rows spread evenly over the result are kept (a range-partitioned sort's
// splitters, range_rows.cc); with `every` k, every k-th row (its samples of a sorted run).
//   fields: nkeys, nkeys x [column, flags (1: ascending, 2: nulls first)], limit + 1 (0: every row),
//           last (1: keep the last `limit` rows; no keys only), skip (rows dropped from the front
//           of the result: SQL's OFFSET, on the root only), sample (0: every row), every (0: every row),
//           ndrop, ndrop x column (columns left out of the result: a partitioned join's row tags)
//   deps: the partitions (one table's: same columns)
#include "../../common/error.h"
#include "../../table/row_ops.h"
#include "../kind.h"
#include "../table_inputs.h"

namespace tessera {

namespace {

struct SortRowsTask {
  std::vector<uint64_t> inputs;
  std::vector<table::SortKey> keys;
  int64_t limit = -1;
  bool last = false;
  int64_t skip = 0;
  int64_t sample = 0;
  int64_t every = 0;
  std::vector<size_t> drop;
  int owner = 0;
};

SortRowsTask decode(Reader& r, int owner) {
  SortRowsTask t;
  t.owner = owner;
  t.inputs = dependency_ids(r, 1);
  t.keys = read_sort_keys(r);
  t.limit = r.integer(0, int64_t{1} << 52) - 1;
  t.last = r.integer(0, 1) != 0;
  if (t.last && !t.keys.empty()) Reader::bad("sort_rows keeps the last rows only without keys");
  t.skip = r.integer(0, int64_t{1} << 52);
  t.sample = r.integer(0, int64_t{1} << 32);
  t.every = r.integer(0, int64_t{1} << 52);
  t.drop = read_dropped_columns(r);
  return t;
}

TaskResult run(const SortRowsTask& t) {
  int64_t bytes_in = 0;
  const auto inputs = table_inputs(t.inputs, &bytes_in);
  for (const auto& k : t.keys)
    if (k.column >= inputs[0].ncols()) throw Error("BAD_TASK", "sort_rows: a key column is out of range", "this is a bug in the planner, please report it");
  for (size_t c : t.drop)
    if (c >= inputs[0].ncols()) throw Error("BAD_TASK", "sort_rows: a dropped column is out of range", "this is a bug in the planner, please report it");
  std::vector<table::RowRef> rows = table::sort_rows(inputs, t.keys, t.limit, t.last);
  rows.erase(rows.begin(), rows.begin() + static_cast<ptrdiff_t>(std::min<int64_t>(t.skip, static_cast<int64_t>(rows.size()))));
  if (t.sample > 0) rows = table::spread_rows(rows, static_cast<size_t>(t.sample));
  if (t.every > 0) rows = table::every_rows(rows, static_cast<uint64_t>(t.every));
  return publish_rows(inputs, rows, t.owner, bytes_in, t.drop);
}

}  // namespace

extern const TaskKind kSortRowsKind = task_kind<SortRowsTask, decode, run>();

}  // namespace tessera
