// Elementwise kernels: arithmetic with numpy's integer rules (wrapping, floor division and
// modulo with the divisor's sign, integer powers), comparisons, math functions (the float64 ones
// in vector code, exp_log.h and trig.h), logical and bitwise ops, where, casts and fills.
// Part of ops_impl.h: included inside its per-level anonymous namespace (see there), never alone.

#define TS_UNARY(NAME, EXPR)                                                    \
  template <class T> void NAME(void* o_, const void* a_, int64_t n) {            \
    T* __restrict o = static_cast<T*>(o_);                                      \
    const T* __restrict a = static_cast<const T*>(a_);                          \
    for (int64_t i = 0; i < n; ++i) { T x = a[i]; (void)x; o[i] = (EXPR); }     \
  }

#define TS_BINARY(NAME, EXPR)                                                          \
  template <class T> void NAME(void* o_, const void* a_, const void* b_, int64_t n) {   \
    T* __restrict o = static_cast<T*>(o_);                                             \
    const T* __restrict pa = static_cast<const T*>(a_);                                \
    const T* __restrict pb = static_cast<const T*>(b_);                                \
    for (int64_t i = 0; i < n; ++i) { T a = pa[i], b = pb[i]; o[i] = (EXPR); }         \
  }

#define TS_COMPARE(NAME, EXPR)                                                         \
  template <class T> void NAME(void* o_, const void* a_, const void* b_, int64_t n) {   \
    int64_t* __restrict o = static_cast<int64_t*>(o_);                                 \
    const T* __restrict pa = static_cast<const T*>(a_);                                \
    const T* __restrict pb = static_cast<const T*>(b_);                                \
    for (int64_t i = 0; i < n; ++i) { T a = pa[i], b = pb[i]; o[i] = (EXPR) ? 1 : 0; } \
  }

template <class T> T wrap_neg(T x) {
  if constexpr (is_float<T>) return -x;
  else return static_cast<T>(0 - static_cast<uint64_t>(x));
}
template <class T> T wrap_abs(T x) {
  if constexpr (std::is_unsigned<T>::value) return x;
  else if constexpr (is_float<T>) return std::fabs(x);
  else return x < 0 ? wrap_neg(x) : x;
}
template <class T> T wrap_add(T a, T b) {
  if constexpr (is_float<T>) return a + b;
  else return static_cast<T>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
template <class T> T wrap_sub(T a, T b) {
  if constexpr (is_float<T>) return a - b;
  else return static_cast<T>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
template <class T> T wrap_mul(T a, T b) {
  if constexpr (is_float<T>) return a * b;
  else return static_cast<T>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}
// numpy's npy_floor_divide / npy_remainder: Python semantics (the result takes the divisor's sign).
template <class T> T floor_div(T a, T b) {
  if constexpr (is_float<T>) {
    if (b == 0) return a / b;
    T mod = std::fmod(a, b);
    T div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
    if (div != 0) {
      T fl = std::floor(div);
      if (div - fl > T(0.5)) fl += 1;
      return fl;
    }
    return std::copysign(T(0), a / b);
  } else if constexpr (std::is_unsigned<T>::value) {
    return b == 0 ? 0 : a / b;
  } else {
    if (b == 0) return 0;
    if (b == -1) return wrap_neg(a);
    T q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  }
}
template <class T> T py_mod(T a, T b) {
  if constexpr (is_float<T>) {
    if (b == 0) return std::fmod(a, b);
    T m = std::fmod(a, b);
    if (m != 0) {
      if ((b < 0) != (m < 0)) m += b;
    } else {
      m = std::copysign(T(0), b);
    }
    return m;
  } else if constexpr (std::is_unsigned<T>::value) {
    return b == 0 ? 0 : a % b;
  } else {
    if (b == 0 || b == -1) return 0;
    T m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    return m;
  }
}
[[noreturn, gnu::noinline, gnu::cold]] void negative_integer_power() {
  throw Error("VALUE_ERROR", "integers to negative integer powers are not allowed",
              "an exponent array holds a negative value: use a float exponent, e.g. x ** e.astype('float64')");
}
// Data-dependent errors of numpy's composite functions, raised where a task meets them: the
// planner builds the condition (a slice of NaNs only, weights that sum to zero) and a Check of it,
// whose value is 0 and is added to the result, so the check runs wherever the result is computed.
[[noreturn, gnu::noinline, gnu::cold]] void failed_check(int64_t code) {
  switch (code) {
    case 1: throw Error("VALUE_ERROR", "All-NaN slice encountered",
                        "nanargmin/nanargmax have no answer for a slice of NaNs only: use nanmin/nanmax (NaN there), or fill the NaNs first");
    case 2: throw Error("ZERO_DIVISION", "Weights sum to zero, can't be normalized",
                        "give average() weights whose sum along the axis is not zero");
    case 3: throw Error("EMPTY_REDUCTION", "zero-size array to reduction operation which has no identity",
                        "the mask selects no element: min and max of nothing are undefined");
    case 4: throw Error("VALUE_ERROR", "autodetected range is not finite",
                        "histogram() found NaN or inf in the data: give range=(lo, hi), or drop them first");
    default: throw Error("INTERNAL", "unknown check " + std::to_string(code), "this is a planner bug, please report it");
  }
}
template <class T> void k_check(void* o_, const void* a_, const void* b_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const T* __restrict a = static_cast<const T*>(a_);
  const T* __restrict b = static_cast<const T*>(b_);
  for (int64_t i = 0; i < n; ++i) {
    if (a[i] != 0) failed_check(static_cast<int64_t>(b[i]));
    o[i] = 0;
  }
}
template <class T> T power(T a, T b) {
  if constexpr (is_float<T>) {
    return std::pow(a, b);
  } else {
    if constexpr (!std::is_unsigned<T>::value) {
      // numpy raises for a negative integer exponent; the planner rejects literal ones, this
      // catches those that come from an array.
      if (b < 0) negative_integer_power();
    }
    uint64_t base = static_cast<uint64_t>(a), e = static_cast<uint64_t>(b), r = 1;
    while (e) { if (e & 1) r *= base; base *= base; e >>= 1; }
    return static_cast<T>(r);
  }
}
template <class T> T nan_min(T a, T b) {
  if constexpr (is_float<T>) return (a < b || a != a) ? a : b;
  else return a < b ? a : b;
}
template <class T> T nan_max(T a, T b) {
  if constexpr (is_float<T>) return (a > b || a != a) ? a : b;
  else return a > b ? a : b;
}
template <class T> T sign_of(T x) {
  if constexpr (is_float<T>) return x != x ? x : static_cast<T>((x > 0) - (x < 0));
  else if constexpr (std::is_unsigned<T>::value) return x > 0 ? 1 : 0;
  else return static_cast<T>((x > 0) - (x < 0));
}
template <class T> T round_even(T x) {
  if constexpr (is_float<T>) return std::nearbyint(x);
  else return x;
}
template <class T> T floor_of(T x) { if constexpr (is_float<T>) return std::floor(x); else return x; }
template <class T> T ceil_of(T x) { if constexpr (is_float<T>) return std::ceil(x); else return x; }
template <class T> T math1(T x, double (*f)(double), float (*g)(float)) {
  if constexpr (std::is_same<T, float>::value) return g(x);
  else return static_cast<T>(f(static_cast<double>(x)));
}

TS_UNARY(k_neg, wrap_neg(x))
TS_UNARY(k_abs, wrap_abs(x))
TS_UNARY(k_sqrt, math1<T>(x, std::sqrt, std::sqrt))
// Through exp_log.h and trig.h: float64 as it is, float32 widened to float64 and rounded back
// once (libm's single-precision functions are scalar calls: 1.0-3.6x slower here, level with
// the vector code at AVX2 only for expf and logf).
#define TS_VECTOR_UNARY(NAME, VECTOR) \
  template <class T> void NAME(void* o, const void* a, int64_t n) { k_vector_unary<VECTOR, T>(o, a, n); }
TS_VECTOR_UNARY(k_exp, exp_v)
TS_VECTOR_UNARY(k_log, log_v)
TS_VECTOR_UNARY(k_log1p, log1p_v)
TS_VECTOR_UNARY(k_sin, sin_v)
TS_VECTOR_UNARY(k_cos, cos_v)
TS_VECTOR_UNARY(k_tan, tan_v)
// libm's double functions, one value at a time (the same call at every level; glibc's are within
// an ulp); float32 through them too and rounded once, since glibc's log10f is not always the
// nearest float32 and a later difference can magnify an ulp. numpy's own loops for these are
// within 1-3 ulp of glibc's here (its AVX-512 SVML ones).
template <class T, double (*F)(double)> T via_double(T x) { return static_cast<T>(F(static_cast<double>(x))); }
TS_UNARY(k_log2, (via_double<T, std::log2>(x)))
TS_UNARY(k_log10, (via_double<T, std::log10>(x)))
TS_UNARY(k_exp2, (via_double<T, std::exp2>(x)))
TS_UNARY(k_expm1, (via_double<T, std::expm1>(x)))
template <class T, double (*F)(double, double)> T via_double2(T a, T b) { return static_cast<T>(F(static_cast<double>(a), static_cast<double>(b))); }
TS_UNARY(k_floor, floor_of(x))
TS_UNARY(k_ceil, ceil_of(x))
TS_UNARY(k_round, round_even(x))
TS_UNARY(k_sign, sign_of(x))
TS_BINARY(k_add, wrap_add(a, b))
TS_BINARY(k_sub, wrap_sub(a, b))
TS_BINARY(k_mul, wrap_mul(a, b))
TS_BINARY(k_div, a / b)
TS_BINARY(k_floordiv, floor_div(a, b))
TS_BINARY(k_mod, py_mod(a, b))
TS_BINARY(k_pow_scalar, power(a, b))
// float64 through pow.h (2x libm at AVX-512, level with it at AVX2); float32 keeps glibc's powf
// (through pow_v it was 2.3x slower at AVX2); the integers' powers exact.
template <class T> void k_pow(void* o, const void* a, const void* b, int64_t n) {
  if constexpr (std::is_same<T, double>::value) k_vector_binary<pow_v>(o, a, b, n);
  else k_pow_scalar<T>(o, a, b, n);
}
TS_BINARY(k_atan2, (via_double2<T, std::atan2>(a, b)))
// hypot (and the absolute value of a complex number) without libm's call, so that it vectorizes:
// 1.0 against 17.7 ns a value here. float32 through double: the squares are exact there and the
// result is as good as correctly rounded. float64: scaled by a power of two (exact) into the range
// where both squares are normal, then sqrt(x*x + y*y): within 1 ulp of glibc's hypot (11% of 20M
// pairs over every exponent were 1 ulp off, none more; none off at 0, inf, nan or subnormals).
// With no fused multiply-add, every SIMD level rounds alike.
template <class T> T hypot_of(T a, T b) {
  const double x = std::fabs(static_cast<double>(a)), y = std::fabs(static_cast<double>(b));
  double r;
  if constexpr (std::is_same<T, float>::value) {
    r = std::sqrt(x * x + y * y);
  } else {
    const double hi = x > y ? x : y, lo = x > y ? y : x;
    const double s = hi > 0x1p500 ? 0x1p-600 : (hi < 0x1p-500 ? 0x1p600 : 1.0);
    const double h = hi * s, l = lo * s;
    r = std::sqrt(h * h + l * l) / s;
  }
  // An infinite part wins over nan (C99, numpy); nan otherwise spreads through the arithmetic.
  return static_cast<T>(x == HUGE_VAL || y == HUGE_VAL ? HUGE_VAL : r);
}
TS_BINARY(k_hypot, hypot_of(a, b))
TS_BINARY(k_minimum, nan_min(a, b))
TS_BINARY(k_maximum, nan_max(a, b))
TS_COMPARE(k_eq, a == b)
TS_COMPARE(k_ne, a != b)
TS_COMPARE(k_lt, a < b)
TS_COMPARE(k_le, a <= b)
TS_COMPARE(k_gt, a > b)
TS_COMPARE(k_ge, a >= b)

// Logical ops produce 0/1 in int64; bitwise ops on integers. Both only exist for integer types.
template <class T> void k_not(void* o_, const void* a_, int64_t n) {
  int64_t* __restrict o = static_cast<int64_t*>(o_);
  const T* __restrict a = static_cast<const T*>(a_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] == 0 ? 1 : 0;
}
template <class T> void k_isnan(void* o_, const void* a_, int64_t n) {
  int64_t* __restrict o = static_cast<int64_t*>(o_);
  const T* __restrict a = static_cast<const T*>(a_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] != a[i] ? 1 : 0;
}
template <class T> void k_invert(void* o_, const void* a_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const T* __restrict a = static_cast<const T*>(a_);
  for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(~static_cast<uint64_t>(a[i]));
}
template <class T> void k_and(void* o_, const void* a_, const void* b_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const T* __restrict a = static_cast<const T*>(a_); const T* __restrict b = static_cast<const T*>(b_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] & b[i];
}
template <class T> void k_or(void* o_, const void* a_, const void* b_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const T* __restrict a = static_cast<const T*>(a_); const T* __restrict b = static_cast<const T*>(b_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] | b[i];
}
template <class T> void k_xor(void* o_, const void* a_, const void* b_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const T* __restrict a = static_cast<const T*>(a_); const T* __restrict b = static_cast<const T*>(b_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] ^ b[i];
}
template <class T> void k_where(void* o_, const void* c_, const void* a_, const void* b_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const int64_t* __restrict c = static_cast<const int64_t*>(c_);
  const T* __restrict a = static_cast<const T*>(a_); const T* __restrict b = static_cast<const T*>(b_);
  for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? a[i] : b[i];
}
template <class To, class From> void k_cast(void* o_, const void* a_, int64_t n) {
  To* __restrict o = static_cast<To*>(o_);
  const From* __restrict a = static_cast<const From*>(a_);
  for (int64_t i = 0; i < n; ++i) o[i] = convert_number<To, From>(a[i]);
}
template <class T> void k_fill(void* o_, const void* v, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  T x;
  std::memcpy(&x, v, sizeof(T));
  for (int64_t i = 0; i < n; ++i) o[i] = x;
}
