// Reads a column-expression program (table/expr.h) out of an encoded task; the TS writer is
// src-main/collections/dataframe/kinds/table-program.ts.
//   program: nnodes, nnodes x [op, type, nargs, nargs x arg node, extra]
//   extra by op: Column: input column index; Literal: is_null, then (unless null) the value
//   (int64/timestamp/timedelta: decimal string; float64, bool: number; string: string);
//   StrContains/StartsWith/EndsWith: the pattern (string); StrSlice: has_start, start, has_stop, stop.
#pragma once
#include <vector>

#include "../table/expr.h"
#include "reader.h"

namespace tessera {

// The program, checked against the input columns' types (BAD_TASK on any inconsistency).
table::Program read_program(Reader& r, const std::vector<table::ColumnType>& input_types);

// [ntypes, ntypes x type]: the types of the columns a program reads, as planned.
std::vector<table::ColumnType> read_column_types(Reader& r);

}  // namespace tessera
