// Rows picked from several partitions: what sort, distinct and join write. A row reference names
// an input partition and a row in it (or no row: a null, as an unmatched side of a left join);
// a column of the output gathers its values through the references, strings re-encoded into one
// dictionary of the entries used. Rows of different inputs compare by value (the sort order
// below is pandas' sort_values: numbers ascending, strings by code point, nulls and NaN last).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "column_output.h"
#include "column_vector.h"
#include "table_view.h"

namespace tessera::table {

struct RowRef {
  uint32_t input;
  uint32_t row;
};

constexpr uint32_t kNoRow = 0xffffffffu;  // RowRef.input of a row that is all nulls

// Column values across inputs: cols[i] is the column in input i (all of one type).
OwnedColumn gather_refs(std::string name, ColumnType type, const std::vector<Vec>& cols, const std::vector<RowRef>& refs);

// A null, or a float NaN (pandas' missing float).
bool is_null_value(const Vec& v, size_t row);

// Three-way comparison of two rows' values in one column (nulls and NaN after every value).
int compare_values(const Vec& a, size_t ra, const Vec& b, size_t rb);

// One column of every input as vectors (the column's index is the same in each).
std::vector<Vec> column_of_inputs(const std::vector<TableView>& inputs, size_t column);

}  // namespace tessera::table
