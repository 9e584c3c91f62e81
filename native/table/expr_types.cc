// The type rules of column-expression programs: each node's result type from its operands' (the
// same rules as src-main/collections/dataframe/column-expr.ts), checked before a program runs.
#include <string>
#include <vector>

#include "expr_ops.h"

namespace tessera::table {

namespace {

using T = ColumnType;
using namespace expr_ops;

size_t arity(ExprOp op) {
  if (op == ExprOp::Column || op == ExprOp::Literal) return 0;
  if (is_arith(op) || is_compare(op) || is_logic(op) || op == ExprOp::FillNull) return 2;
  if (op == ExprOp::Where) return 3;
  return 1;  // IsIn: one or more (checked apart)
}

// The type an arithmetic node makes, or throws.
T arith_type(ExprOp op, T a, T b) {
  if (numeric(a) && numeric(b)) {
    if (a == T::Bool && b == T::Bool) bad("arithmetic on two bools");
    if (op == ExprOp::Div) return T::Float64;
    return a == T::Float64 || b == T::Float64 ? T::Float64 : T::Int64;
  }
  if (op == ExprOp::Add && ((a == T::Timestamp && b == T::Timedelta) || (a == T::Timedelta && b == T::Timestamp))) return T::Timestamp;
  if (op == ExprOp::Sub && a == T::Timestamp && b == T::Timestamp) return T::Timedelta;
  if (op == ExprOp::Sub && a == T::Timestamp && b == T::Timedelta) return T::Timestamp;
  if ((op == ExprOp::Add || op == ExprOp::Sub) && a == T::Timedelta && b == T::Timedelta) return T::Timedelta;
  if (op == ExprOp::Div && a == T::Timedelta && b == T::Timedelta) return T::Float64;
  bad(std::string("arithmetic between ") + column_type_name(a) + " and " + column_type_name(b));
}

bool comparable(T a, T b) { return (numeric(a) && numeric(b)) || a == b; }

bool castable(T from, T to) {
  if (from == to) return true;
  if (numeric(from) && numeric(to)) return true;
  if (to == T::String) return from == T::Int64 || from == T::Bool;
  if (from == T::Timestamp && to == T::Int64) return true;
  if (from == T::Timedelta && to == T::Int64) return true;
  return false;
}

T infer(const ExprNode& n, const std::vector<T>& types, const std::vector<T>& input) {
  auto arg = [&](size_t k) { return types[static_cast<size_t>(n.args[k])]; };
  switch (n.op) {
    case ExprOp::Column:
      if (n.i0 < 0 || static_cast<size_t>(n.i0) >= input.size()) bad("a column index is out of range");
      return input[static_cast<size_t>(n.i0)];
    case ExprOp::Literal: return n.type;
    case ExprOp::Neg:
    case ExprOp::Abs:
      if (arg(0) == T::Int64 || arg(0) == T::Float64 || arg(0) == T::Timedelta) return arg(0);
      bad("negation of a non-number");
    case ExprOp::Not:
      if (arg(0) == T::Bool || arg(0) == T::Int64) return arg(0);
      bad("~ of a column that is not bool or int");
    case ExprOp::IsNull:
    case ExprOp::NotNull: return T::Bool;
    case ExprOp::FillNull:
      if (arg(0) != arg(1)) bad("fillna with a value of another type");
      return arg(0);
    case ExprOp::Cast:
      if (!castable(arg(0), n.type)) bad(std::string("astype from ") + column_type_name(arg(0)) + " to " + column_type_name(n.type));
      return n.type;
    case ExprOp::IsIn:
      for (size_t k = 1; k < n.args.size(); ++k)
        if (arg(k) != arg(0)) bad("isin with a value of another type");
      return T::Bool;
    case ExprOp::Where:
      if (arg(0) != T::Bool || arg(1) != arg(2)) bad("where with mismatched operands");
      return arg(1);
    default: break;
  }
  if (is_arith(n.op)) return arith_type(n.op, arg(0), arg(1));
  if (is_compare(n.op)) {
    if (!comparable(arg(0), arg(1))) bad(std::string("comparison of ") + column_type_name(arg(0)) + " with " + column_type_name(arg(1)));
    return T::Bool;
  }
  if (is_logic(n.op)) {
    if (arg(0) == T::Bool && arg(1) == T::Bool) return T::Bool;
    if (integral(arg(0)) && integral(arg(1))) return T::Int64;
    bad("& | ^ of columns that are not bool or int");
  }
  if (is_str(n.op)) {
    if (arg(0) != T::String) bad("a string method on a column that is not strings");
    if (n.op == ExprOp::StrLen) return T::Int64;
    if (n.op == ExprOp::StrLower || n.op == ExprOp::StrUpper || n.op == ExprOp::StrSlice) return T::String;
    return T::Bool;
  }
  if (is_dt(n.op)) {
    if (arg(0) != T::Timestamp) bad("a .dt field of a column that is not timestamps");
    return T::Int64;
  }
  if (n.op == ExprOp::DtTotalSeconds) {
    if (arg(0) != T::Timedelta) bad("total_seconds of a column that is not timedeltas");
    return T::Float64;
  }
  if (n.op == ExprOp::DtTrunc) {
    if (arg(0) != T::Timestamp) bad("date_trunc of a column that is not timestamps");
    return T::Timestamp;
  }
  bad("unknown node");
}

}  // namespace

void check_program(const Program& p, const std::vector<ColumnType>& input_types) {
  std::vector<T> types;
  for (size_t k = 0; k < p.nodes.size(); ++k) {
    const ExprNode& n = p.nodes[k];
    const size_t want = arity(n.op);
    if (n.op == ExprOp::IsIn ? n.args.empty() : n.args.size() != want) bad("a node has the wrong number of operands");
    for (int a : n.args)
      if (a < 0 || static_cast<size_t>(a) >= k) bad("a node's operand is not an earlier node");
    const T t = infer(n, types, input_types);
    if (t != n.type) bad(std::string("a node makes ") + column_type_name(t) + ", not the declared " + column_type_name(n.type));
    types.push_back(t);
  }
}

}  // namespace tessera::table
