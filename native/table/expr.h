// Column expressions over one table partition: the programs the dataframe collection's operators
// run (filters, computed columns, group keys). A program is a list of nodes in evaluation order;
// each node's operands are earlier nodes, and every node's result type is inferred here from its
// operands and must equal the type the planner declared (src-main/collections/dataframe/
// column-expr.ts holds the same rules): a mismatch is BAD_TASK, never a misread buffer.
//
// Semantics are pandas' with numpy dtypes: integer arithmetic wraps and stays int64, `/` is float,
// `//` and `%` floor as Python does; a null operand makes a null result (NaN for floats); a
// comparison with a null is false (`!=` true); `& | ^` treat a null as false. Deliberate
// differences: integer `//` or `%` by zero and an integer to a negative power raise VALUE_ERROR
// (pandas turns the column into floats for the first, numpy raises for the second).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "column_vector.h"
#include "table_view.h"

namespace tessera::table {

// Node codes, shared with the TS encoder (collections/dataframe/kinds/table-program.ts).
enum class ExprOp : uint8_t {
  Column = 1,
  Literal = 2,
  Neg = 3,
  Not = 4,
  IsNull = 5,
  NotNull = 6,
  Abs = 7,
  Add = 10,
  Sub = 11,
  Mul = 12,
  Div = 13,
  FloorDiv = 14,
  Mod = 15,
  Pow = 16,
  Eq = 20,
  Ne = 21,
  Lt = 22,
  Le = 23,
  Gt = 24,
  Ge = 25,
  And = 30,
  Or = 31,
  Xor = 32,
  FillNull = 40,
  Cast = 41,
  IsIn = 42,
  Where = 43,
  StrLower = 50,
  StrUpper = 51,
  StrLen = 52,
  StrContains = 53,
  StrStartsWith = 54,
  StrEndsWith = 55,
  StrSlice = 56,
  StrLike = 57,  // SQL LIKE: % any run of characters, _ one; the pattern in `s`
  DtYear = 60,
  DtMonth = 61,
  DtDay = 62,
  DtHour = 63,
  DtMinute = 64,
  DtSecond = 65,
  DtDayOfWeek = 66,
  DtDayOfYear = 67,
  DtQuarter = 68,
  DtTotalSeconds = 69,
  DtTrunc = 70,  // SQL date_trunc: the unit in i0 (DtUnit)
};

// date_trunc's units (ExprNode::i0 of DtTrunc).
enum class DtUnit : int64_t { Year = 1, Quarter = 2, Month = 3, Week = 4, Day = 5, Hour = 6, Minute = 7, Second = 8 };

struct ExprNode {
  ExprOp op = ExprOp::Column;
  ColumnType type = ColumnType::Int64;  // the result's type
  std::vector<int> args;                // operand nodes (earlier in the program)
  // Column: the input column's index. StrSlice: start, stop (INT64_MIN: open).
  int64_t i0 = 0, i1 = 0;
  // Literal: is it null; its value (int64/timestamp/timedelta/bool in `i`, float in `f`, string in `s`).
  bool null = false;
  int64_t i = 0;
  double f = 0;
  std::string s;  // Literal string; StrContains/StartsWith/EndsWith pattern
};

struct Program {
  std::vector<ExprNode> nodes;
};

// Checks operand references and infers each node's type; throws Error("BAD_TASK") on a node whose
// declared type is not the one its operands make, or an operation its operands do not support.
void check_program(const Program& p, const std::vector<ColumnType>& input_types);

// Evaluates every node over the partition (in order; each result is one Vec).
std::vector<Vec> evaluate(const Program& p, const TableView& t);

// The rows where a bool vector is true (a null is false), ascending.
std::vector<uint32_t> selection(const Vec& mask, size_t nrows);

}  // namespace tessera::table
