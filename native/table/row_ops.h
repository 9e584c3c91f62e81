// Row operations over partitions, as row references (row_refs.h) for the task kinds to gather:
// a stable sort (sort_values, nlargest/nsmallest as a sort with a limit, and plain
// concatenation with no keys), first occurrences (drop_duplicates) and a hash join (merge).
// Keys are column indices, the same in every input of a side. Key equality is pandas': a null
// (or NaN) equals a null, in drop_duplicates and in merge alike.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "row_refs.h"
#include "table_view.h"

namespace tessera::table {

struct SortKey {
  size_t column;
  bool ascending;
  bool nulls_first = false;  // pandas' na_position='first'
};

// The order sort_values puts rows of several inputs in, by the keys: nulls (and NaN) last, or
// first with nulls_first, whatever the direction. Equal keys are equal here (a stable sort keeps
// their input order).
class RowOrder {
 public:
  RowOrder(const std::vector<TableView>& inputs, const std::vector<SortKey>& keys);
  bool less(const RowRef& a, const RowRef& b) const;

 private:
  std::vector<SortKey> keys_;
  std::vector<std::vector<Vec>> columns_;  // per key, the key column of every input
};

// The rows of all inputs (in input order), stably sorted by the keys (nulls last), the first
// `limit` of them (every row when limit < 0), or the last `limit` with `last` (a tail: no keys).
std::vector<RowRef> sort_rows(const std::vector<TableView>& inputs, const std::vector<SortKey>& keys, int64_t limit, bool last = false);

// `m` rows spread evenly over `rows`: those at (k + 1) * n / (m + 1) for k < m (none of none).
// Of the sorted samples, the m splitters of a range-partitioned sort.
std::vector<RowRef> spread_rows(const std::vector<RowRef>& rows, size_t m);

// Every `k`-th row, from the middle of the first k (the middle row of fewer than k; none of
// none): a sorted run's samples, as many as its rows call for, so that a run of many rows weighs
// more in the splitters than a run of few.
std::vector<RowRef> every_rows(const std::vector<RowRef>& rows, uint64_t k);

// The rows [lo, hi) of a sorted `run` (input 0 of `order`, which is sorted by its order) that
// fall in range r of the ranges cut by the rows of input 1 (`splitters`, sorted): range r holds
// the rows not before splitter r - 1 and before splitter r (range 0 from the start, the last to
// the end), so rows of equal keys are never in two ranges.
std::pair<uint32_t, uint32_t> range_of_run(const RowOrder& order, uint32_t run_rows, uint32_t splitters, uint32_t r);

// The first row of each distinct key tuple (all columns when `columns` is empty), in input order.
std::vector<RowRef> first_rows(const std::vector<TableView>& inputs, std::vector<size_t> columns);

enum class JoinHow : uint8_t { Inner = 1, Outer = 2, Anti = 3 };

// Which key columns join an int64 key with a float64 one: such keys compare as numbers, so their
// int64 side hashes through its double value. `probe[k]` and `build[k]` are the key types.
std::vector<bool> mixed_number_keys(const std::vector<ColumnType>& probe, const std::vector<ColumnType>& build);

// The bucket (of `nbuckets`) of each row of `t` by its join key: rows whose keys are equal (as
// join_rows compares them, `mixed` from mixed_number_keys) fall in the same bucket on either side,
// so a join of two large tables is the union of the joins of their buckets (a partitioned hash join).
std::vector<uint32_t> join_buckets(const TableView& t, const std::vector<size_t>& keys, const std::vector<bool>& mixed, uint32_t nbuckets);

// Probe rows joined with build rows of equal keys, in probe order, each probe row's matches in
// build order. Outer keeps a probe row with no match (build side null); Anti keeps only those.
// Each side is one or more partitions, in order (a bucket's pieces of every partition); `probe[k]`
// pairs with `build[k]` (references into each side's inputs).
struct JoinRefs {
  std::vector<RowRef> probe, build;
};
JoinRefs join_rows(const std::vector<TableView>& probe, const std::vector<size_t>& probe_keys, const std::vector<TableView>& build, const std::vector<size_t>& build_keys, JoinHow how);

}  // namespace tessera::table
