// The hash_split kind: a partition's rows grouped by the bucket of their join key, for a join of
// tables too large for one task (merge under a memory limit: a partitioned hash join). The rows of
// each bucket keep their order; a `bucket` column says each row's bucket (slice_rows then cuts a
// bucket out by it), and on the probe side a `row` column tags each row with its place in the
// table (partition << 32 | row), by which the joined buckets are put back in probe order. TS twin:
// src-main/collections/dataframe/kinds/row-ops.ts.
//   fields: nkeys, nkeys x [column, mixed (1: an int64 key joined with a float64 one)], nbuckets,
//           partition + 1 (0: no row column; at most 2^21), bucket column name (string), row column name (string)
//   deps: [the partition]
#include <string>

#include "../../common/error.h"
#include "../../table/row_ops.h"
#include "../kind.h"
#include "../table_inputs.h"

namespace tessera {

namespace {

struct HashSplitTask {
  uint64_t input = 0;
  std::vector<size_t> keys;
  std::vector<bool> mixed;
  uint32_t nbuckets = 1;
  int64_t partition = -1;
  std::string bucket_name, row_name;
  int owner = 0;
};

HashSplitTask decode(Reader& r, int owner) {
  HashSplitTask t;
  t.owner = owner;
  if (r.nids() != 1) Reader::bad("a hash_split task reads one partition");
  t.input = static_cast<uint64_t>(r.ids()[0]);
  const size_t nkeys = r.count(256);
  if (!nkeys) Reader::bad("a hash_split has no key");
  for (size_t k = 0; k < nkeys; ++k) {
    t.keys.push_back(static_cast<size_t>(r.integer(0, 1 << 16)));
    t.mixed.push_back(r.integer(0, 1) != 0);
  }
  t.nbuckets = static_cast<uint32_t>(r.integer(1, 1 << 16));
  t.partition = r.integer(0, int64_t{1} << 21) - 1;  // partition * 2^32 + row stays exact in a double
  t.bucket_name = r.string_ref();
  t.row_name = r.string_ref();
  return t;
}

table::OwnedColumn int_column(std::string name, std::vector<uint64_t> values) {
  table::OwnedColumn c;
  c.name = std::move(name);
  c.type = table::ColumnType::Int64;
  c.data = std::move(values);
  return c;
}

TaskResult run(const HashSplitTask& t) {
  int64_t bytes_in = 0;
  const auto inputs = table_inputs({t.input}, &bytes_in);
  const table::TableView& in = inputs[0];
  for (size_t k : t.keys)
    if (k >= in.ncols()) throw Error("BAD_TASK", "hash_split: a key column is out of range", "this is a bug in the planner, please report it");
  const std::vector<uint32_t> bucket = table::join_buckets(in, t.keys, t.mixed, t.nbuckets);  // SIZE_OVERFLOW past 2^32 - 2 rows
  // A counting sort by bucket: stable, so each bucket's rows keep their order.
  std::vector<uint32_t> start(t.nbuckets + 1, 0);
  for (uint32_t b : bucket) ++start[b + 1];
  for (uint32_t b = 0; b < t.nbuckets; ++b) start[b + 1] += start[b];
  std::vector<table::RowRef> refs(bucket.size());
  std::vector<uint64_t> bucket_col(bucket.size()), row_col;
  if (t.partition >= 0) row_col.resize(bucket.size());
  for (uint32_t r = 0; r < bucket.size(); ++r) {
    const uint32_t at = start[bucket[r]]++;
    refs[at] = {0, r};
    bucket_col[at] = bucket[r];
    if (t.partition >= 0) row_col[at] = static_cast<uint64_t>(t.partition) << 32 | r;
  }
  std::vector<table::OwnedColumn> cols;
  for (size_t c = 0; c < in.ncols(); ++c)
    cols.push_back(table::gather_refs(std::string(in.column(c).name), in.column(c).type, table::column_of_inputs(inputs, c), refs));
  if (t.partition >= 0) cols.push_back(int_column(t.row_name, std::move(row_col)));
  cols.push_back(int_column(t.bucket_name, std::move(bucket_col)));
  return publish_table(cols, refs.size(), t.owner, bytes_in);
}

}  // namespace

extern const TaskKind kHashSplitKind = task_kind<HashSplitTask, decode, run>();

}  // namespace tessera
