// Per-group aggregation state of a hash group-by, in three steps: update from a partition's rows
// (each row's group from GroupIndex), merge the states of partial results, and finish into the
// result column. A partial result is a table: its key columns, then each aggregation's state
// columns, so partials are chunks like any other and merge in the engine's combine tree.
//
// States (pandas semantics: nulls and NaN skipped; a group whose values are all null gets null,
// except count and sum, which give 0):
//   count, size       n (int64)
//   sum               int64/bool input: s (int64, wrapping); float64: s, c (Neumaier compensated)
//   mean              n, s, c
//   var, std          n, mean, m2 (Chan et al.'s pairwise merge; ddof 1)
//   min, max, first, last   the value (the input's type, null while none seen)
// first/last take the first/last non-null value in row order; partials merge in partition order.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "column_output.h"
#include "column_vector.h"
#include "table_view.h"

namespace tessera::table {

// Codes shared with the TS planner (collections/dataframe/kinds/group-by.ts).
enum class AggFn : uint8_t { Count = 1, Size = 2, Sum = 3, Mean = 4, Min = 5, Max = 6, Var = 7, Std = 8, First = 9, Last = 10 };

// The result type of fn over a column of type t (throws BAD_TASK for a pair the planner refuses).
ColumnType agg_result_type(AggFn fn, ColumnType t);

class AggState {
 public:
  AggState(AggFn fn, ColumnType input);
  AggFn fn() const { return fn_; }
  ColumnType input() const { return input_; }
  // How many state columns a partial result holds for this aggregation.
  size_t state_columns() const;

  void resize(size_t groups);
  // Rows of a partition; gids[i] < 0 skips the row. `v` is unused for size.
  void update(const Vec* v, const int32_t* gids, size_t nrows);
  // State columns [first, first + state_columns()) of a partial result; gids maps its rows.
  void merge(const TableView& partial, size_t first, const int32_t* gids);
  // The state columns for the groups `order`, named prefix + suffix.
  void write_state(std::vector<OwnedColumn>& out, const std::string& prefix, const std::vector<uint32_t>& order) const;
  // The result column for the groups `order`.
  OwnedColumn finish(const std::string& name, const std::vector<uint32_t>& order) const;

 private:
  void add(size_t g, double x);
  // min/max/first/last: offers a value (its bits, or a string: s non-null) to group g.
  void take(size_t g, uint64_t bits, const std::string_view* s);

  AggFn fn_;
  ColumnType input_;
  std::vector<int64_t> n_;
  std::vector<int64_t> si_;
  std::vector<double> s_, c_, mean_, m2_;
  // min/max/first/last: value bits (strings in sv_), and whether one was seen.
  std::vector<uint64_t> v_;
  std::vector<std::string> sv_;
  std::vector<uint8_t> has_;
};

}  // namespace tessera::table
