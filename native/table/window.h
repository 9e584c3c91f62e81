// SQL window functions over a whole table: the rows sorted by the PARTITION BY columns, then the
// ORDER BY keys, and per call one new column. Ranks and row numbers count within a partition;
// an aggregate covers its partition, or with ORDER BY the rows up to the current row's last peer
// (SQL's default frame, RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW). NULL partition keys
// are one partition; aggregates skip NULLs (NaN for floats) and are NULL over no value.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "column_output.h"
#include "row_ops.h"
#include "row_refs.h"
#include "table_view.h"

namespace tessera::table {

enum class WindowFn : uint8_t { RowNumber = 1, Rank = 2, DenseRank = 3, Count = 4, CountStar = 5, Sum = 6, Avg = 7, Min = 8, Max = 9 };

struct WindowCall {
  WindowFn fn = WindowFn::RowNumber;
  size_t column = 0;  // the aggregated column (aggregates but count(*))
  std::string name;   // the new column's
};

// The result column's type of a call over a column of type t (throws BAD_TASK when undefined).
ColumnType window_result_type(WindowFn fn, ColumnType t);

struct WindowResult {
  std::vector<RowRef> rows;          // every input row, in partition and order-key order
  std::vector<OwnedColumn> columns;  // one per call, aligned with `rows`
};

WindowResult window(const std::vector<TableView>& inputs, const std::vector<size_t>& partition, const std::vector<SortKey>& order,
                    const std::vector<WindowCall>& calls);

}  // namespace tessera::table
