// The hash_join kind: probe partitions joined with build partitions, as pandas' merge: probe rows
// in order, each with its matches in build order; `outer` keeps unmatched probe rows (build
// columns null: a left merge), `anti` keeps only those (the right side's unmatched rows of an
// outer merge). A probe partition with the whole build side (the smaller table, concatenated), or
// a bucket's pieces of every partition of each side (a partitioned join, hash_split.cc). TS twin:
// collections/dataframe/kinds/row-ops.ts.
//   fields: nprobe, nkeys, nkeys x probe column, nkeys x build column, how (table::JoinHow),
//           nout, nout x [side (0 probe, 1 build), column, name (string)]
//   deps: nprobe probe partitions, then the build partitions (at least one each)
#include <string>

#include "../../common/error.h"
#include "../../table/column_output.h"
#include "../../table/row_ops.h"
#include "../kind.h"
#include "../table_inputs.h"

namespace tessera {

namespace {

struct OutColumn {
  int side;
  size_t column;
  std::string name;
};

struct HashJoinTask {
  std::vector<uint64_t> probe, build;
  std::vector<size_t> probe_keys, build_keys;
  table::JoinHow how = table::JoinHow::Inner;
  std::vector<OutColumn> out;
  int owner = 0;
};

HashJoinTask decode(Reader& r, int owner) {
  HashJoinTask t;
  t.owner = owner;
  const size_t nprobe = r.count(r.nids());
  if (nprobe == 0 || nprobe == r.nids()) Reader::bad("a hash_join task reads probe and build partitions");
  for (size_t k = 0; k < r.nids(); ++k) (k < nprobe ? t.probe : t.build).push_back(static_cast<uint64_t>(r.ids()[k]));
  const size_t nkeys = r.count(256);
  if (!nkeys) Reader::bad("a join has no key");
  for (size_t k = 0; k < nkeys; ++k) t.probe_keys.push_back(static_cast<size_t>(r.integer(0, 1 << 16)));
  for (size_t k = 0; k < nkeys; ++k) t.build_keys.push_back(static_cast<size_t>(r.integer(0, 1 << 16)));
  t.how = static_cast<table::JoinHow>(r.integer(1, 3));
  const size_t nout = r.count(1 << 16);
  for (size_t k = 0; k < nout; ++k) {
    OutColumn c;
    c.side = static_cast<int>(r.integer(0, 1));
    c.column = static_cast<size_t>(r.integer(0, 1 << 16));
    c.name = r.string_ref();
    t.out.push_back(std::move(c));
  }
  return t;
}

TaskResult run(const HashJoinTask& t) {
  int64_t bytes_in = 0;
  const auto probe = table_inputs(t.probe, &bytes_in);
  const auto build = table_inputs(t.build, &bytes_in);
  const table::JoinRefs refs = table::join_rows(probe, t.probe_keys, build, t.build_keys, t.how);  // BAD_TASK for a key column out of range
  std::vector<table::OwnedColumn> cols;
  for (const OutColumn& c : t.out) {
    const auto& side = c.side == 0 ? probe : build;
    if (c.column >= side[0].ncols()) throw Error("BAD_TASK", "hash_join: an output column is out of range", "this is a bug in the planner, please report it");
    cols.push_back(table::gather_refs(c.name, side[0].column(c.column).type, table::column_of_inputs(side, c.column), c.side == 0 ? refs.probe : refs.build));
  }
  return publish_table(cols, refs.probe.size(), t.owner, bytes_in);
}

}  // namespace

extern const TaskKind kHashJoinKind = task_kind<HashJoinTask, decode, run>();

}  // namespace tessera
