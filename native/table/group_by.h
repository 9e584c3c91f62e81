// The two halves of a hash group-by as the task kinds run them (tasks/kinds/group_by_*.cc):
// a partial over one partition's rows, and the merge of partials, which on the root also
// finishes (the result's columns: keys, then one per aggregation, groups in key order).
#pragma once
#include <string>
#include <vector>

#include "aggregate.h"
#include "column_output.h"
#include "column_vector.h"
#include "table_view.h"

namespace tessera::table {

struct AggSpec {
  AggFn fn = AggFn::Count;
  ColumnType input = ColumnType::Int64;  // the aggregated column's type (any for size)
};

struct GroupResult {
  std::vector<OwnedColumn> columns;
  uint64_t groups = 0;  // the rows of the result
};

// The partial result of one partition: keys[k] and values[j] (null for size) are its row vectors;
// rows where `rows_kept` is not null are only those it lists. `null_groups`: a null key is a group
// of its own (SQL), not a dropped row (pandas).
GroupResult group_partial(const std::vector<Vec>& keys, const std::vector<const Vec*>& values, const std::vector<AggSpec>& aggs,
                          size_t nrows, const std::vector<uint32_t>* rows_kept, bool null_groups);

// One of `count` hash buckets of the groups (split_out): a merge keeps only its bucket's groups.
struct GroupBucket {
  uint32_t index = 0, count = 1;
};

// Merges partial results (in order). With `names` (keys then aggregations) the result is final,
// and with `row_when_empty` a final result of no group is one group of zero keys and no rows (SQL's
// aggregate without GROUP BY: count 0, the others null).
GroupResult group_merge(const std::vector<TableView>& partials, const std::vector<ColumnType>& key_types,
                        const std::vector<AggSpec>& aggs, const std::vector<std::string>* names, GroupBucket bucket, bool null_groups,
                        bool row_when_empty);

}  // namespace tessera::table
