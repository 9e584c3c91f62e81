// A filter term a reader applies as it reads (the planner's pushdown, read-terms.ts): the rows a
// reader keeps with its terms are a superset of those the job's filter keeps, and the filter runs
// again after the read. `column` indexes the columns the read takes; the literal is text of that
// column's store type (an int64 or ns timestamp as a decimal integer, a float64 as a decimal
// number, a bool as 0/1, a string as itself); NotNull has none. `plain` is the Parquet reader's:
// the file holds the column in the store's own DuckDB type.
#pragma once
#include <cstdint>
#include <string>

#include "table_format.h"

namespace tessera::table {

enum class Compare { Eq, Lt, Le, Gt, Ge, NotNull };

struct ReadTerm {
  size_t column = 0;
  Compare op = Compare::Eq;
  bool plain = false;
  std::string literal;
};

// A term's literal as a value of its column's type (the member the type uses).
struct Literal {
  int64_t i = 0;   // int64, timestamp, bool (0/1)
  double f = 0;    // float64 (finite)
  std::string s;   // string
};

// BAD_TASK when the text is not a value of type t (or t is timedelta, which no file holds).
Literal parse_literal(ColumnType t, const std::string& text);

// a op b, for any ordered type; a NaN compares false, as in pandas.
template <class T> bool compare(Compare op, const T& a, const T& b) {
  switch (op) {
    case Compare::Eq: return a == b;
    case Compare::Lt: return a < b;
    case Compare::Le: return a <= b;
    case Compare::Gt: return a > b;
    case Compare::Ge: return a >= b;
    case Compare::NotNull: return true;
  }
  return false;
}

}  // namespace tessera::table
