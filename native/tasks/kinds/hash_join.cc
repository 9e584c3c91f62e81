// The hash_join kind: one probe partition joined with the build side (one partition: the smaller
// table, concatenated), as pandas' merge: probe rows in order, each with its matches in build
// order; `outer` keeps unmatched probe rows (build columns null: a left merge), `anti` keeps only
// those (the right side's unmatched rows of an outer merge). TS twin: collections/dataframe/kinds/row-ops.ts.
//   fields: nkeys, nkeys x probe column, nkeys x build column, how (table::JoinHow),
//           nout, nout x [side (0 probe, 1 build), column, name (string)]
//   deps: [probe partition, build partition]
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
  uint64_t probe = 0, build = 0;
  std::vector<size_t> probe_keys, build_keys;
  table::JoinHow how = table::JoinHow::Inner;
  std::vector<OutColumn> out;
  int owner = 0;
};

HashJoinTask decode(Reader& r, int owner) {
  HashJoinTask t;
  t.owner = owner;
  if (r.nids() != 2) Reader::bad("a hash_join task reads a probe and a build partition");
  t.probe = static_cast<uint64_t>(r.ids()[0]);
  t.build = static_cast<uint64_t>(r.ids()[1]);
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
  const auto probe = table_inputs({t.probe}, &bytes_in);
  const auto build = table_inputs({t.build}, &bytes_in);
  auto in_range = [](const std::vector<size_t>& cols, const table::TableView& v) {
    for (size_t c : cols)
      if (c >= v.ncols()) return false;
    return true;
  };
  if (!in_range(t.probe_keys, probe[0]) || !in_range(t.build_keys, build[0])) throw Error("BAD_TASK", "hash_join: a key column is out of range", "this is a bug in the planner, please report it");
  const table::JoinRefs refs = table::join_rows(probe[0], t.probe_keys, build[0], t.build_keys, t.how);
  std::vector<table::OwnedColumn> cols;
  for (const OutColumn& c : t.out) {
    const table::TableView& side = c.side == 0 ? probe[0] : build[0];
    if (c.column >= side.ncols()) throw Error("BAD_TASK", "hash_join: an output column is out of range", "this is a bug in the planner, please report it");
    const std::vector<table::Vec> col{table::view_column(side.column(c.column), static_cast<size_t>(side.nrows()))};
    cols.push_back(table::gather_refs(c.name, side.column(c.column).type, col, c.side == 0 ? refs.probe : refs.build));
  }
  return publish_table(cols, refs.probe.size(), t.owner, bytes_in);
}

}  // namespace

extern const TaskKind kHashJoinKind = task_kind<HashJoinTask, decode, run>();

}  // namespace tessera
