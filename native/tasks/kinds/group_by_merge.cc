// The group_by_merge kind: merges group-by partial results (table/group_by.h) in the order of its
// dependencies, one node of the combine tree; the root also finishes, giving the result table
// (keys, then one column per aggregation, groups sorted by key as pandas' groupby(sort=True)).
// TS twin: src-main/collections/dataframe/kinds/group-by.ts.
//   fields: nkeys, nkeys x key type, naggs, naggs x [fn, input type], final (0/1),
//           final: (nkeys + naggs) x name (string), nbuckets, bucket (split_out: only the
//           groups whose keys hash to this bucket; 1, 0 for all), null groups (0/1, as the partials'), a row when
//           empty (0/1: the root gives one group of zero keys when no partial has a group)
//   deps: the partial results, in partition order
#include <string>
#include <vector>

#include "../../common/error.h"
#include "../../store/chunk_store.h"
#include "../../table/group_by.h"
#include "../kind.h"
#include "../table_inputs.h"
#include "../table_program_task.h"

namespace tessera {

namespace {

struct GroupByMergeTask {
  std::vector<uint64_t> inputs;
  std::vector<table::ColumnType> key_types;
  std::vector<table::AggSpec> aggs;
  bool final = false;
  std::vector<std::string> names;
  table::GroupBucket bucket;
  bool null_groups = false;
  bool row_when_empty = false;
  int owner = 0;
};

GroupByMergeTask decode(Reader& r, int owner) {
  GroupByMergeTask t;
  t.owner = owner;
  if (r.nids() < 1) Reader::bad("a group_by_merge task merges at least one partial result");
  for (size_t k = 0; k < r.nids(); ++k) t.inputs.push_back(static_cast<uint64_t>(r.ids()[k]));
  t.key_types = read_column_types(r);
  if (t.key_types.empty()) Reader::bad("a group-by has no key");
  const size_t naggs = r.count(4096);
  for (size_t j = 0; j < naggs; ++j) {
    table::AggSpec a;
    a.fn = static_cast<table::AggFn>(r.integer(1, 10));
    a.input = static_cast<table::ColumnType>(r.integer(1, 6));
    try {
      table::agg_result_type(a.fn, a.input);
    } catch (const Error& e) {
      Reader::bad(e.what());
    }
    t.aggs.push_back(a);
  }
  t.final = r.integer(0, 1) != 0;
  if (t.final)
    for (size_t k = 0; k < t.key_types.size() + naggs; ++k) t.names.push_back(r.string_ref());
  t.bucket.count = static_cast<uint32_t>(r.integer(1, 1 << 16));
  t.bucket.index = static_cast<uint32_t>(r.integer(0, t.bucket.count - 1));
  t.null_groups = r.integer(0, 1) != 0;
  t.row_when_empty = r.integer(0, 1) != 0;
  return t;
}

TaskResult run(const GroupByMergeTask& t) {
  int64_t bytes_in = 0;
  const std::vector<table::TableView> partials = table_inputs(t.inputs, &bytes_in);
  const table::GroupResult g = table::group_merge(partials, t.key_types, t.aggs, t.final ? &t.names : nullptr, t.bucket, t.null_groups, t.row_when_empty);
  return publish_table(g.columns, g.groups, t.owner, bytes_in);
}

}  // namespace

extern const TaskKind kGroupByMergeKind = task_kind<GroupByMergeTask, decode, run>();

}  // namespace tessera
