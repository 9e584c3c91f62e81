// What the column-expression evaluator's files share (expr.cc, expr_types.cc,
// expr_strings.cc): the op families, the planner-bug error, and the string methods' entry point.
// Internal to native/table/.
#pragma once
#include <string>

#include "../common/error.h"
#include "column_vector.h"
#include "expr.h"

namespace tessera::table::expr_ops {

[[noreturn]] inline void bad(const std::string& why) { throw Error("BAD_TASK", "table program: " + why, "this is a bug in the planner, please report it"); }

inline bool numeric(ColumnType t) { return t == ColumnType::Int64 || t == ColumnType::Float64 || t == ColumnType::Bool; }
inline bool integral(ColumnType t) { return t == ColumnType::Int64 || t == ColumnType::Bool; }
inline bool is_arith(ExprOp op) { return op >= ExprOp::Add && op <= ExprOp::Pow; }
inline bool is_compare(ExprOp op) { return op >= ExprOp::Eq && op <= ExprOp::Ge; }
inline bool is_logic(ExprOp op) { return op >= ExprOp::And && op <= ExprOp::Xor; }
inline bool is_str(ExprOp op) { return op >= ExprOp::StrLower && op <= ExprOp::StrLike; }
inline bool is_dt(ExprOp op) { return op >= ExprOp::DtYear && op <= ExprOp::DtQuarter; }

// A string method (lower, upper, len, contains, startswith, endswith, slice, like) of a string vector,
// computed once per dictionary entry (expr_strings.cc).
Vec string_method(const ExprNode& n, const Vec& a);

}  // namespace tessera::table::expr_ops
