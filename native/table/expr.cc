#include "expr.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "../common/error.h"
#include "civil_time.h"
#include "expr_ops.h"

namespace tessera::table {

namespace {

using T = ColumnType;
using expr_ops::bad;
using expr_ops::integral;
using expr_ops::is_arith;
using expr_ops::is_compare;
using expr_ops::is_dt;
using expr_ops::is_logic;
using expr_ops::is_str;
using expr_ops::numeric;

// ---- helpers over vectors ----

bool any_null(const Vec& a, const Vec& b) { return a.valid || b.valid; }

// The value as int64 or double, whichever the operation computes in (a new vector unless it already is).
Vec as_type(const Vec& v, T to) {
  if (v.type == to || (to == T::Int64 && (v.type == T::Timestamp || v.type == T::Timedelta))) {
    Vec r = v;
    r.type = to;
    return r;
  }
  const size_t m = v.n;
  if (to == T::Float64) {
    Vec r = make_vec(T::Float64, m, false, v.scalar);
    double* o = r.mut<double>();
    if (v.type == T::Bool) for (size_t i = 0; i < m; ++i) o[i] = v.as<uint8_t>()[i];
    else for (size_t i = 0; i < m; ++i) o[i] = static_cast<double>(v.as<int64_t>()[i]);
    if (v.valid) for (size_t i = 0; i < m; ++i) if (!v.valid[i]) o[i] = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  if (to == T::Int64 && v.type == T::Bool) {
    Vec r = make_vec(T::Int64, m, false, v.scalar);
    int64_t* o = r.mut<int64_t>();
    for (size_t i = 0; i < m; ++i) o[i] = v.as<uint8_t>()[i];
    r.valid = v.valid;
    r.own_valid = v.own_valid;
    return r;
  }
  bad("an operand of the wrong type");
}

// The validity of a result of two operands: a row is null when either is.
void join_validity(Vec& out, const Vec& a, const Vec& b) {
  if (!any_null(a, b)) return;
  if (out.type == T::Float64) {
    double* o = out.mut<double>();
    for (size_t i = 0; i < out.n; ++i) if (!a.ok(i) || !b.ok(i)) o[i] = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  add_validity(out);
  uint8_t* v = out.mut_valid();
  for (size_t i = 0; i < out.n; ++i) v[i] = a.ok(i) && b.ok(i);
}

template <class X, class R, class F> Vec zip(const Vec& a, const Vec& b, T rt, F f) {
  const bool sc = a.scalar && b.scalar;
  const size_t m = sc ? 1 : (a.scalar ? b.n : a.n);
  Vec o = make_vec(rt, m, false, sc);
  const X* x = a.as<X>();
  const X* y = b.as<X>();
  R* r = o.mut<R>();
  if (a.scalar && !b.scalar) {
    const X xs = x[0];
    for (size_t i = 0; i < m; ++i) r[i] = f(xs, y[i]);
  } else if (!a.scalar && b.scalar) {
    const X ys = y[0];
    for (size_t i = 0; i < m; ++i) r[i] = f(x[i], ys);
  } else {
    for (size_t i = 0; i < m; ++i) r[i] = f(x[i], y[i]);
  }
  return o;
}

// numpy's npy_divmod: Python's floor division and modulo of floats.
inline double float_floordiv(double a, double b, double* modulus) {
  double mod = std::fmod(a, b);
  if (b == 0) {
    *modulus = mod;
    return a / b;
  }
  double div = (a - mod) / b;
  if (mod != 0) {
    if ((b < 0) != (mod < 0)) {
      mod += b;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, b);
  }
  double floordiv;
  if (div != 0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, a / b);
  }
  *modulus = mod;
  return floordiv;
}

inline int64_t wrap_mul(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b)); }
inline int64_t wrap_add(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
inline int64_t wrap_sub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }

int64_t int_pow(int64_t base, int64_t exp) {
  uint64_t r = 1, b = static_cast<uint64_t>(base);
  for (uint64_t e = static_cast<uint64_t>(exp); e; e >>= 1) {
    if (e & 1) r *= b;
    b *= b;
  }
  return static_cast<int64_t>(r);
}

// An integer divisor of zero (or a negative integer exponent) in a valid row is a VALUE_ERROR.
void check_int_operand(const Vec& b, const Vec& a, ExprOp op) {
  const int64_t* y = b.as<int64_t>();
  const size_t m = b.scalar ? 1 : b.n;
  for (size_t i = 0; i < m; ++i) {
    if (b.scalar ? !b.ok(0) : (!b.ok(i) || !a.ok(i))) continue;
    if (op == ExprOp::Pow ? y[i] < 0 : y[i] == 0) {
      if (op == ExprOp::Pow) throw Error("VALUE_ERROR", "Integers to negative integer powers are not allowed.", "cast to float first: .astype('float64') ** n");
      throw Error("VALUE_ERROR", std::string("integer ") + (op == ExprOp::Mod ? "modulo" : "division") + " by zero", "cast to float first (.astype('float64')) to get inf/NaN as pandas does, or filter out the zeros");
    }
  }
}

Vec arith(ExprOp op, const Vec& a0, const Vec& b0, T rt) {
  if (rt == T::Float64 && (a0.type == T::Timedelta)) {  // timedelta / timedelta
    Vec a = as_type(as_type(a0, T::Int64), T::Float64), b = as_type(as_type(b0, T::Int64), T::Float64);
    Vec o = zip<double, double>(a, b, T::Float64, [](double x, double y) { return x / y; });
    join_validity(o, a0, b0);
    return o;
  }
  const T ct = rt == T::Float64 ? T::Float64 : T::Int64;
  Vec a = as_type(a0, ct), b = as_type(b0, ct);
  Vec o;
  if (ct == T::Float64) {
    switch (op) {
      case ExprOp::Add: o = zip<double, double>(a, b, T::Float64, [](double x, double y) { return x + y; }); break;
      case ExprOp::Sub: o = zip<double, double>(a, b, T::Float64, [](double x, double y) { return x - y; }); break;
      case ExprOp::Mul: o = zip<double, double>(a, b, T::Float64, [](double x, double y) { return x * y; }); break;
      case ExprOp::Div: o = zip<double, double>(a, b, T::Float64, [](double x, double y) { return x / y; }); break;
      case ExprOp::FloorDiv: o = zip<double, double>(a, b, T::Float64, [](double x, double y) { double m; return float_floordiv(x, y, &m); }); break;
      case ExprOp::Mod: o = zip<double, double>(a, b, T::Float64, [](double x, double y) { double m; float_floordiv(x, y, &m); return m; }); break;
      case ExprOp::Pow: o = zip<double, double>(a, b, T::Float64, [](double x, double y) { return std::pow(x, y); }); break;
      default: bad("arithmetic");
    }
  } else {
    if (op == ExprOp::FloorDiv || op == ExprOp::Mod || op == ExprOp::Pow) check_int_operand(b, a, op);
    switch (op) {
      case ExprOp::Add: o = zip<int64_t, int64_t>(a, b, T::Int64, wrap_add); break;
      case ExprOp::Sub: o = zip<int64_t, int64_t>(a, b, T::Int64, wrap_sub); break;
      case ExprOp::Mul: o = zip<int64_t, int64_t>(a, b, T::Int64, wrap_mul); break;
      case ExprOp::FloorDiv:
        o = zip<int64_t, int64_t>(a, b, T::Int64, [](int64_t x, int64_t y) -> int64_t {
          if (y == 0) return 0;  // a null row's divisor (checked above for valid rows)
          if (y == -1) return wrap_sub(0, x);
          int64_t q = x / y;
          if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
          return q;
        });
        break;
      case ExprOp::Mod:
        o = zip<int64_t, int64_t>(a, b, T::Int64, [](int64_t x, int64_t y) -> int64_t {
          if (y == 0 || y == -1) return 0;
          int64_t r = x % y;
          if (r != 0 && ((r < 0) != (y < 0))) r += y;
          return r;
        });
        break;
      case ExprOp::Pow: o = zip<int64_t, int64_t>(a, b, T::Int64, [](int64_t x, int64_t y) { return y < 0 ? 0 : int_pow(x, y); }); break;
      default: bad("arithmetic");
    }
  }
  o.type = rt;
  join_validity(o, a0, b0);
  return o;
}

template <class X> bool cmp(ExprOp op, X x, X y) {
  switch (op) {
    case ExprOp::Eq: return x == y;
    case ExprOp::Ne: return x != y;
    case ExprOp::Lt: return x < y;
    case ExprOp::Le: return x <= y;
    case ExprOp::Gt: return x > y;
    default: return x >= y;
  }
}

template <class X> Vec compare_as(ExprOp op, const Vec& a, const Vec& b) {
  switch (op) {
    case ExprOp::Eq: return zip<X, uint8_t>(a, b, T::Bool, [](X x, X y) { return x == y; });
    case ExprOp::Ne: return zip<X, uint8_t>(a, b, T::Bool, [](X x, X y) { return x != y; });
    case ExprOp::Lt: return zip<X, uint8_t>(a, b, T::Bool, [](X x, X y) { return x < y; });
    case ExprOp::Le: return zip<X, uint8_t>(a, b, T::Bool, [](X x, X y) { return x <= y; });
    case ExprOp::Gt: return zip<X, uint8_t>(a, b, T::Bool, [](X x, X y) { return x > y; });
    default: return zip<X, uint8_t>(a, b, T::Bool, [](X x, X y) { return x >= y; });
  }
}

// A string vector compared entry by entry of its dictionary (one comparison per distinct string).
Vec compare_strings(ExprOp op, const Vec& a, const Vec& b) {
  const bool sc = a.scalar && b.scalar;
  const size_t m = sc ? 1 : (a.scalar ? b.n : a.n);
  Vec o = make_vec(T::Bool, m, false, sc);
  uint8_t* r = o.mut<uint8_t>();
  const int32_t* ca = a.as<int32_t>();
  const int32_t* cb = b.as<int32_t>();
  if (a.scalar != b.scalar) {
    const Vec& col = a.scalar ? b : a;
    const Vec& lit = a.scalar ? a : b;
    const std::string_view s = lit.dict->at(static_cast<uint64_t>(lit.as<int32_t>()[0]));
    std::vector<uint8_t> per_entry(col.dict->count);
    for (uint64_t k = 0; k < col.dict->count; ++k) per_entry[k] = a.scalar ? cmp(op, s, col.dict->at(k)) : cmp(op, col.dict->at(k), s);
    const int32_t* c = col.as<int32_t>();
    for (size_t i = 0; i < m; ++i) r[i] = col.ok(i) ? per_entry[static_cast<size_t>(c[i])] : 0;
  } else {
    for (size_t i = 0; i < m; ++i)
      r[i] = a.ok(i) && b.ok(i) ? cmp(op, a.dict->at(static_cast<uint64_t>(ca[i])), b.dict->at(static_cast<uint64_t>(cb[i]))) : 0;
  }
  return o;
}

Vec compare(ExprOp op, const Vec& a, const Vec& b) {
  Vec o;
  if (a.type == T::String) {
    o = compare_strings(op, a, b);
  } else if (a.type == T::Float64 || b.type == T::Float64) {
    o = compare_as<double>(op, as_type(a, T::Float64), as_type(b, T::Float64));
  } else if (a.type == T::Bool && b.type == T::Bool) {
    o = compare_as<uint8_t>(op, a, b);
  } else {
    o = compare_as<int64_t>(op, as_type(a, T::Int64), as_type(b, T::Int64));
  }
  // A comparison with a null is false (`!=`: true), as pandas compares NaN; floats did so already.
  if (any_null(a, b)) {
    uint8_t* r = o.mut<uint8_t>();
    for (size_t i = 0; i < o.n; ++i) if (!a.ok(i) || !b.ok(i)) r[i] = op == ExprOp::Ne;
  }
  return o;
}

Vec logic(ExprOp op, const Vec& a0, const Vec& b0, T rt) {
  if (rt == T::Bool) {
    // A null counts as false.
    auto truth = [](const Vec& v) {
      if (!v.valid) return v;
      Vec r = make_vec(T::Bool, v.n, false, v.scalar);
      for (size_t i = 0; i < v.n; ++i) r.mut<uint8_t>()[i] = v.valid[i] && v.as<uint8_t>()[i];
      return r;
    };
    Vec a = truth(a0), b = truth(b0);
    switch (op) {
      case ExprOp::And: return zip<uint8_t, uint8_t>(a, b, T::Bool, [](uint8_t x, uint8_t y) -> uint8_t { return x & y; });
      case ExprOp::Or: return zip<uint8_t, uint8_t>(a, b, T::Bool, [](uint8_t x, uint8_t y) -> uint8_t { return x | y; });
      default: return zip<uint8_t, uint8_t>(a, b, T::Bool, [](uint8_t x, uint8_t y) -> uint8_t { return x ^ y; });
    }
  }
  Vec a = as_type(a0, T::Int64), b = as_type(b0, T::Int64), o;
  switch (op) {
    case ExprOp::And: o = zip<int64_t, int64_t>(a, b, T::Int64, [](int64_t x, int64_t y) { return x & y; }); break;
    case ExprOp::Or: o = zip<int64_t, int64_t>(a, b, T::Int64, [](int64_t x, int64_t y) { return x | y; }); break;
    default: o = zip<int64_t, int64_t>(a, b, T::Int64, [](int64_t x, int64_t y) { return x ^ y; }); break;
  }
  join_validity(o, a0, b0);
  return o;
}

Vec unary(ExprOp op, const Vec& a) {
  const size_t m = a.n;
  Vec o = make_vec(op == ExprOp::IsNull || op == ExprOp::NotNull ? T::Bool : a.type, m, false, a.scalar);
  switch (op) {
    case ExprOp::IsNull:
    case ExprOp::NotNull: {
      uint8_t* r = o.mut<uint8_t>();
      const uint8_t want = op == ExprOp::NotNull;
      if (a.type == T::Float64) for (size_t i = 0; i < m; ++i) r[i] = (!std::isnan(a.as<double>()[i])) == want;
      else for (size_t i = 0; i < m; ++i) r[i] = a.ok(i) == want;
      return o;
    }
    case ExprOp::Not:
      if (a.type == T::Bool) for (size_t i = 0; i < m; ++i) o.mut<uint8_t>()[i] = !a.as<uint8_t>()[i];
      else for (size_t i = 0; i < m; ++i) o.mut<int64_t>()[i] = ~a.as<int64_t>()[i];
      break;
    case ExprOp::Neg:
    case ExprOp::Abs:
      if (a.type == T::Float64) {
        for (size_t i = 0; i < m; ++i) o.mut<double>()[i] = op == ExprOp::Neg ? -a.as<double>()[i] : std::fabs(a.as<double>()[i]);
      } else {
        for (size_t i = 0; i < m; ++i) {
          const int64_t x = a.as<int64_t>()[i];
          o.mut<int64_t>()[i] = op == ExprOp::Neg || x < 0 ? wrap_sub(0, x) : x;
        }
      }
      break;
    default: bad("unary");
  }
  if (a.valid) {
    o.valid = a.valid;
    o.own_valid = a.own_valid;
  }
  return o;
}

// The rows of `a` with its nulls replaced by the scalar `b`.
Vec fill_null(const Vec& a, const Vec& b) {
  if (a.type == T::Float64) {
    Vec o = make_vec(T::Float64, a.n, false, a.scalar);
    const double v = b.as<double>()[0];
    for (size_t i = 0; i < a.n; ++i) o.mut<double>()[i] = std::isnan(a.as<double>()[i]) ? v : a.as<double>()[i];
    return o;
  }
  if (!a.valid || !b.ok(0)) return a;
  Vec o = make_vec(a.type, a.n, false, a.scalar);
  const size_t w = value_width(a.type);
  std::memcpy(o.own_data->data(), a.data, a.n * w);
  if (a.type == T::String) {
    // The fill value joins the dictionary as its last entry.
    std::vector<std::string_view> entries;
    for (uint64_t k = 0; k < a.dict->count; ++k) entries.push_back(a.dict->at(k));
    entries.push_back(b.dict->at(static_cast<uint64_t>(b.as<int32_t>()[0])));
    o.dict = StringDict::of_strings(entries);
    const int32_t code = static_cast<int32_t>(a.dict->count);
    for (size_t i = 0; i < a.n; ++i) if (!a.valid[i]) o.mut<int32_t>()[i] = code;
    return o;
  }
  for (size_t i = 0; i < a.n; ++i)
    if (!a.valid[i]) std::memcpy(static_cast<uint8_t*>(static_cast<void*>(o.own_data->data())) + i * w, b.data, w);
  return o;
}

Vec cast(const Vec& a, T to) {
  if (a.type == to) return a;
  if (to == T::String) {
    // int64 or bool to its decimal / Python spelling, one entry per row's value.
    std::vector<std::string> text(a.n);
    for (size_t i = 0; i < a.n; ++i)
      if (a.ok(i)) text[i] = a.type == T::Bool ? (a.as<uint8_t>()[i] ? "True" : "False") : std::to_string(a.as<int64_t>()[i]);
    std::unordered_map<std::string_view, int32_t> codes;
    std::vector<std::string_view> entries;
    Vec o = make_vec(T::String, a.n, false, a.scalar);
    for (size_t i = 0; i < a.n; ++i) {
      if (!a.ok(i)) continue;
      auto [it, added] = codes.emplace(text[i], static_cast<int32_t>(entries.size()));
      if (added) entries.push_back(text[i]);
      o.mut<int32_t>()[i] = it->second;
    }
    o.dict = StringDict::of_strings(entries);
    o.valid = a.valid;
    o.own_valid = a.own_valid;
    return o;
  }
  if (to == T::Bool) {
    Vec o = make_vec(T::Bool, a.n, false, a.scalar);
    if (a.type == T::Float64) for (size_t i = 0; i < a.n; ++i) o.mut<uint8_t>()[i] = a.as<double>()[i] != 0;  // NaN is true, as numpy
    else for (size_t i = 0; i < a.n; ++i) o.mut<uint8_t>()[i] = a.as<int64_t>()[i] != 0;
    o.valid = a.valid;
    o.own_valid = a.own_valid;
    return o;
  }
  if (to == T::Int64 && a.type == T::Float64) {
    Vec o = make_vec(T::Int64, a.n, false, a.scalar);
    for (size_t i = 0; i < a.n; ++i) {
      const double x = a.as<double>()[i];
      if (!std::isfinite(x)) throw Error("VALUE_ERROR", "Cannot convert non-finite values (NA or inf) to integer", "fill or drop the missing values first: .fillna(0).astype('int64')");
      if (!(x >= -9.2233720368547758e18 && x < 9.2233720368547758e18)) throw Error("VALUE_ERROR", "a float is out of the int64 range", "");
      o.mut<int64_t>()[i] = static_cast<int64_t>(x);
    }
    return o;
  }
  if (to == T::Int64 && a.type != T::Bool) {  // timestamp/timedelta as their ns
    Vec o = a;
    o.type = T::Int64;
    return o;
  }
  return as_type(a, to);
}

Vec is_in(const Vec& a, const std::vector<const Vec*>& values) {
  Vec o = make_vec(T::Bool, a.n, false, a.scalar);
  uint8_t* r = o.mut<uint8_t>();
  if (a.type == T::String) {
    std::unordered_set<std::string_view> set;
    for (const Vec* v : values) if (v->ok(0)) set.insert(v->dict->at(static_cast<uint64_t>(v->as<int32_t>()[0])));
    std::vector<uint8_t> per_entry(a.dict->count);
    for (uint64_t k = 0; k < a.dict->count; ++k) per_entry[k] = set.count(a.dict->at(k)) != 0;
    for (size_t i = 0; i < a.n; ++i) r[i] = a.ok(i) && per_entry[static_cast<size_t>(a.as<int32_t>()[i])];
    return o;
  }
  if (a.type == T::Float64) {
    std::vector<double> set;
    for (const Vec* v : values) set.push_back(v->as<double>()[0]);
    for (size_t i = 0; i < a.n; ++i) {
      const double x = a.as<double>()[i];
      r[i] = 0;
      for (double s : set) r[i] |= x == s;
    }
    return o;
  }
  const size_t w = value_width(a.type);
  std::unordered_set<int64_t> set;
  for (const Vec* v : values) {
    if (!v->ok(0)) continue;
    set.insert(w == 1 ? v->as<uint8_t>()[0] : v->as<int64_t>()[0]);
  }
  for (size_t i = 0; i < a.n; ++i) r[i] = a.ok(i) && set.count(w == 1 ? a.as<uint8_t>()[i] : a.as<int64_t>()[i]) != 0;
  return o;
}

Vec where(const Vec& c, const Vec& a, const Vec& b, size_t n) {
  Vec o = make_vec(a.type, n, a.valid || b.valid, false);
  const size_t w = value_width(a.type);
  uint8_t* out = reinterpret_cast<uint8_t*>(o.own_data->data());
  std::shared_ptr<const StringDict> dict;
  int32_t b_offset = 0;
  if (a.type == T::String) {
    std::vector<std::string_view> entries;
    for (uint64_t k = 0; k < a.dict->count; ++k) entries.push_back(a.dict->at(k));
    for (uint64_t k = 0; k < b.dict->count; ++k) entries.push_back(b.dict->at(k));
    o.dict = StringDict::of_strings(entries);
    b_offset = static_cast<int32_t>(a.dict->count);
  }
  for (size_t i = 0; i < n; ++i) {
    const bool take_a = c.ok(i) && c.as<uint8_t>()[c.at(i)];
    const Vec& s = take_a ? a : b;
    std::memcpy(out + i * w, static_cast<const uint8_t*>(s.data) + s.at(i) * w, w);
    if (a.type == T::String && !take_a) reinterpret_cast<int32_t*>(out)[i] += b_offset;
    if (o.valid) o.mut_valid()[i] = s.ok(i);
  }
  return o;
}

// date_trunc: the timestamp at the start of its year, quarter, month, ISO week (Monday), day, hour,
// minute or second.
Vec truncate_time(const Vec& a, DtUnit unit) {
  constexpr int64_t kSecond = 1000000000LL, kDay = 86400LL * kSecond;
  Vec o = make_vec(T::Timestamp, a.n, false, a.scalar);
  for (size_t i = 0; i < a.n; ++i) {
    if (!a.ok(i)) continue;
    const int64_t ns = a.as<int64_t>()[i];
    const int64_t day = floor_div(ns, kDay) * kDay;
    const CivilTime c = civil_time(ns);
    int64_t v = ns;
    switch (unit) {
      case DtUnit::Year: v = days_from_civil(c.year, 1, 1) * kDay; break;
      case DtUnit::Quarter: v = days_from_civil(c.year, (c.month - 1) / 3 * 3 + 1, 1) * kDay; break;
      case DtUnit::Month: v = days_from_civil(c.year, c.month, 1) * kDay; break;
      case DtUnit::Week: v = day - static_cast<int64_t>(c.weekday) * kDay; break;
      case DtUnit::Day: v = day; break;
      case DtUnit::Hour: v = day + floor_div(ns - day, 3600 * kSecond) * 3600 * kSecond; break;
      case DtUnit::Minute: v = day + floor_div(ns - day, 60 * kSecond) * 60 * kSecond; break;
      case DtUnit::Second: v = floor_div(ns, kSecond) * kSecond; break;
    }
    o.mut<int64_t>()[i] = v;
  }
  o.valid = a.valid;
  o.own_valid = a.own_valid;
  return o;
}

Vec datetime_field(ExprOp op, const Vec& a) {
  if (op == ExprOp::DtTotalSeconds) {
    Vec o = make_vec(T::Float64, a.n, false, a.scalar);
    for (size_t i = 0; i < a.n; ++i) o.mut<double>()[i] = a.ok(i) ? static_cast<double>(a.as<int64_t>()[i]) / 1e9 : std::numeric_limits<double>::quiet_NaN();
    return o;
  }
  Vec o = make_vec(T::Int64, a.n, false, a.scalar);
  for (size_t i = 0; i < a.n; ++i) {
    if (!a.ok(i)) continue;
    const CivilTime c = civil_time(a.as<int64_t>()[i]);
    int64_t v = 0;
    switch (op) {
      case ExprOp::DtYear: v = c.year; break;
      case ExprOp::DtMonth: v = c.month; break;
      case ExprOp::DtDay: v = c.day; break;
      case ExprOp::DtHour: v = c.hour; break;
      case ExprOp::DtMinute: v = c.minute; break;
      case ExprOp::DtSecond: v = c.second; break;
      case ExprOp::DtDayOfWeek: v = c.weekday; break;
      case ExprOp::DtDayOfYear: v = c.yearday; break;
      default: v = (c.month - 1) / 3 + 1; break;  // quarter
    }
    o.mut<int64_t>()[i] = v;
  }
  o.valid = a.valid;
  o.own_valid = a.own_valid;
  return o;
}

Vec literal(const ExprNode& n) {
  Vec v = make_vec(n.type, 1, n.null, true);
  if (n.null) {
    v.mut_valid()[0] = 0;
    if (n.type == T::Float64) v.mut<double>()[0] = std::numeric_limits<double>::quiet_NaN();
    if (n.type == T::String) v.dict = StringDict::of_strings({});
    return v;
  }
  switch (n.type) {
    case T::Float64: v.mut<double>()[0] = n.f; break;
    case T::Bool: v.mut<uint8_t>()[0] = n.i != 0; break;
    case T::String: v.dict = StringDict::of_strings({n.s}); break;
    default: v.mut<int64_t>()[0] = n.i; break;
  }
  return v;
}

}  // namespace

std::vector<Vec> evaluate(const Program& p, const TableView& t) {
  const size_t n = static_cast<size_t>(t.nrows());
  std::vector<Vec> r;
  r.reserve(p.nodes.size());
  for (const ExprNode& node : p.nodes) {
    auto arg = [&](size_t k) -> const Vec& { return r[static_cast<size_t>(node.args[k])]; };
    Vec v;
    if (node.op == ExprOp::Column) {
      const ColumnView& c = t.column(static_cast<size_t>(node.i0));
      if (c.type != node.type) bad("an input column has another type than planned");
      v = view_column(c, n);
    } else if (node.op == ExprOp::Literal) {
      v = literal(node);
    } else if (is_arith(node.op)) {
      v = arith(node.op, arg(0), arg(1), node.type);
    } else if (is_compare(node.op)) {
      v = compare(node.op, arg(0), arg(1));
    } else if (is_logic(node.op)) {
      v = logic(node.op, arg(0), arg(1), node.type);
    } else if (is_str(node.op)) {
      v = expr_ops::string_method(node, arg(0));
    } else if (is_dt(node.op) || node.op == ExprOp::DtTotalSeconds) {
      v = datetime_field(node.op, arg(0));
    } else if (node.op == ExprOp::DtTrunc) {
      v = truncate_time(arg(0), static_cast<DtUnit>(node.i0));
    } else {
      switch (node.op) {
        case ExprOp::FillNull: v = fill_null(arg(0), arg(1)); break;
        case ExprOp::Cast: v = cast(arg(0), node.type); break;
        case ExprOp::IsIn: {
          std::vector<const Vec*> values;
          for (size_t k = 1; k < node.args.size(); ++k) values.push_back(&arg(k));
          v = is_in(arg(0), values);
          break;
        }
        case ExprOp::Where: v = where(arg(0), arg(1), arg(2), n); break;
        default: v = unary(node.op, arg(0)); break;
      }
    }
    v.type = node.type;
    r.push_back(std::move(v));
  }
  return r;
}

std::vector<uint32_t> selection(const Vec& mask, size_t nrows) {
  std::vector<uint32_t> rows;
  const uint8_t* m = mask.as<uint8_t>();
  if (mask.scalar) {
    if (mask.ok(0) && m[0]) for (size_t i = 0; i < nrows; ++i) rows.push_back(static_cast<uint32_t>(i));
    return rows;
  }
  rows.reserve(nrows / 4);
  for (size_t i = 0; i < nrows; ++i)
    if (m[i] && mask.ok(i)) rows.push_back(static_cast<uint32_t>(i));
  return rows;
}

}  // namespace tessera::table
