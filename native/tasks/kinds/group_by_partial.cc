// The group_by_partial kind: one partition's hash group-by partial result (table/group_by.h).
// The keys and aggregated columns are nodes of a column-expression program over the partition,
// so filters and computed keys (df[df.delay > 15].groupby(df.date.dt.hour)) run in the same pass.
// TS twin: src-main/collections/dataframe/kinds/group-by.ts.
//   fields: input types, program, filter node + 1 (0: every row), nkeys, nkeys x node,
//           naggs, naggs x [fn (table::AggFn), node + 1 (0: none, for size)],
//           null groups (0: rows with a null key are dropped, pandas; 1: a null is a key, SQL)
//   deps: the partition
#include "../../common/error.h"
#include "../../store/chunk_store.h"
#include "../../table/group_by.h"
#include "../kind.h"
#include "../table_inputs.h"
#include "../table_program_task.h"

namespace tessera {

namespace {

struct GroupByPartialTask {
  PartitionProgram program;
  std::vector<size_t> keys;
  std::vector<table::AggSpec> aggs;
  std::vector<int> agg_nodes;
  bool null_groups = false;
  int owner = 0;
};

GroupByPartialTask decode(Reader& r, int owner) {
  GroupByPartialTask t;
  t.owner = owner;
  t.program = read_partition_program(r, "group_by_partial");
  read_filter(r, t.program);
  const std::vector<table::ExprNode>& nodes = t.program.program.nodes;
  const int64_t n = static_cast<int64_t>(nodes.size());
  const size_t nkeys = r.count(256);
  if (!nkeys) Reader::bad("a group-by has no key");
  for (size_t k = 0; k < nkeys; ++k) t.keys.push_back(static_cast<size_t>(r.integer(0, n - 1)));
  const size_t naggs = r.count(4096);
  for (size_t j = 0; j < naggs; ++j) {
    table::AggSpec a;
    a.fn = static_cast<table::AggFn>(r.integer(1, 10));
    const int node = static_cast<int>(r.integer(0, n)) - 1;
    if ((node < 0) != (a.fn == table::AggFn::Size)) Reader::bad("size takes no column, every other aggregation one");
    if (node >= 0) a.input = nodes[static_cast<size_t>(node)].type;
    try {
      table::agg_result_type(a.fn, a.input);
    } catch (const Error& e) {
      Reader::bad(e.what());
    }
    t.aggs.push_back(a);
    t.agg_nodes.push_back(node);
  }
  t.null_groups = r.integer(0, 1) != 0;
  return t;
}

TaskResult run(const GroupByPartialTask& t) {
  const ProgramValues v = run_partition_program(t.program, "group_by_partial");
  std::vector<table::Vec> keys;
  for (size_t k : t.keys) keys.push_back(v.values[k]);
  std::vector<const table::Vec*> aggregated;
  for (int node : t.agg_nodes) aggregated.push_back(node >= 0 ? &v.values[static_cast<size_t>(node)] : nullptr);
  const table::GroupResult g = table::group_partial(keys, aggregated, t.aggs, v.nrows, v.filtered ? &v.kept : nullptr, t.null_groups);
  return publish_table(g.columns, g.groups, t.owner, static_cast<int64_t>(v.chunk->nbytes));
}

}  // namespace

extern const TaskKind kGroupByPartialKind = task_kind<GroupByPartialTask, decode, run>();

}  // namespace tessera
