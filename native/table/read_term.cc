#include "read_term.h"

#include <charconv>
#include <cmath>

#include "../common/error.h"

namespace tessera::table {

namespace {
[[noreturn]] void bad(const std::string& why) { throw Error("BAD_TASK", "a read's filter term " + why, "this is a bug in the planner, please report it"); }
}  // namespace

Literal parse_literal(ColumnType t, const std::string& text) {
  Literal v;
  const char* end = text.data() + text.size();
  switch (t) {
    case ColumnType::Int64:
    case ColumnType::Timestamp: {
      const auto res = std::from_chars(text.data(), end, v.i);
      if (text.empty() || res.ec != std::errc() || res.ptr != end) bad("has the integer literal '" + text + "'");
      return v;
    }
    case ColumnType::Float64: {
      const auto res = std::from_chars(text.data(), end, v.f);
      if (text.empty() || res.ec != std::errc() || res.ptr != end || !std::isfinite(v.f)) bad("has the float literal '" + text + "'");
      return v;
    }
    case ColumnType::Bool:
      if (text != "0" && text != "1") bad("has the bool literal '" + text + "'");
      v.i = text == "1";
      return v;
    case ColumnType::String:
      if (text.find('\0') != std::string::npos) bad("has a string literal holding a NUL byte");
      v.s = text;
      return v;
    case ColumnType::Timedelta: break;
  }
  bad("compares a timedelta column");
}

}  // namespace tessera::table
