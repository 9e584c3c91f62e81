// exp, log and log1p of float64 in GCC vector extensions (a C-style cast between two of these
// vector types reinterprets the bits), as wide as the level's registers: eight values (zmm) at
// AVX-512, four (ymm) at AVX2, two (xmm) at SSE2 and scalar. Every operation is lane by lane, so a
// value's result does not depend on the width, and with -ffp-contract=off every level rounds each
// step the same way and gives the same bits. (Wider-than-register vectors made GCC split their
// comparisons and selects into scalar code at AVX2 and SSE2.)
//
// Why not libm: std::exp and std::log are scalar calls, ~100 M values/s per thread here against
// Debian numpy's 215-297 (its AVX-512 loops). Bit casts between the exponent and the value are what
// make these fast, and the loop vectoriser does not map a scalar bit cast to vector code; vector
// extensions do. Accuracy: within 1 ulp of V8's Math.exp and Math.log on values over the whole
// range, subnormals included, and the same special values as numpy (tested).
//
// Included only from ops_impl.h, inside its per-level anonymous namespace.

// The functions below return vectors (and take them by reference); GCC warns that such a
// signature's ABI differs between targets. They have internal linkage and are inlined into this
// level's kernels: no call crosses a level boundary.
#pragma GCC diagnostic ignored "-Wpsabi"

#if defined(__AVX512F__)
constexpr int kVec = 8;
#elif defined(__AVX2__)
constexpr int kVec = 4;
#else
constexpr int kVec = 2;
#endif
typedef double vf64 __attribute__((vector_size(8 * kVec)));
typedef long long vi64 __attribute__((vector_size(8 * kVec)));
typedef unsigned long long vu64 __attribute__((vector_size(8 * kVec)));

constexpr double kShift52 = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3FE62E42FEE00000: 32 trailing zeros
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInf = std::numeric_limits<double>::infinity();

// c[0] x^(N-1) + c[1] x^(N-2) + ... + c[N-1], by Horner's rule, for T a double or a vf64. Every
// series below goes through here, so each runs the same operations in the same order.
template <class T, size_t N> inline T horner(const T& x, const double (&c)[N]) {
  T p = x * c[0] + c[1];
  for (size_t k = 2; k < N; ++k) p = p * x + c[k];
  return p;
}

inline double abs_of(double x) { return std::fabs(x); }
inline vf64 abs_of(const vf64& x) { return (vf64)((vu64)x & 0x7fffffffffffffffull); }

// log(m) for m in (sqrt(1/2), sqrt(2)], T a double or a vf64: 2 atanh(s), s = (m - 1) / (m + 1),
// |s| < 0.172, as 2 (s + s^3/3 + ... + s^23/23) (the next term is below 2^-60 of the sum), with
// the leading 2s taken as f - s f (s (2 + f) = f) to avoid the error of a rounded 2s.
constexpr double kAtanhSeries[] = {2.0 / 23.0, 2.0 / 21.0, 2.0 / 19.0, 2.0 / 17.0, 2.0 / 15.0, 2.0 / 13.0,
                                   2.0 / 11.0, 2.0 / 9.0, 2.0 / 7.0, 2.0 / 5.0, 2.0 / 3.0};
template <class T> inline T log_near_one(const T& m) {
  const T f = m - 1.0;
  const T s = f / (2.0 + f);
  const T z = s * s;
  return f - s * (f - z * horner(z, kAtanhSeries));
}

// 2^j for integer-valued j in [-1022, 1023]: j + 1023 read from the low bits of (j + 1023 + 1.5 * 2^52)
// and shifted into the exponent field.
inline vf64 exp2_int(const vf64& j) {
  const vf64 biased = j + (1023.0 + kShift52);
  const vu64 e = ((vu64)biased - 0x4338000000000000ull) << 52;
  return (vf64)e;
}

// exp(x) = 2^k exp(r), k = nearest(x / ln 2), r = x - k ln 2 in [-0.347, 0.347] (k ln2_hi is exact);
// exp(r) = 1 + (r + r^2 (1/2! + r/3! + ... + r^12/14!)), the last term below 2^-60. 2^k is applied
// in two exact halves, so results down to the subnormals round once.
inline vf64 exp_v(const vf64& x) {
  const vf64 k = (x * 1.4426950408889634 + kShift52) - kShift52;
  vf64 r = x - k * kLn2Hi;
  r = r - k * kLn2Lo;
  static constexpr double kExpSeries[] = {1.0 / 87178291200.0, 1.0 / 6227020800.0, 1.0 / 479001600.0,  // 1/14! ..
                                          1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
                                          1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5};  // .. 1/2!
  const vf64 er = 1.0 + (r + (r * r) * horner(r, kExpSeries));
  const vf64 k1 = (k * 0.5 + kShift52) - kShift52;
  vf64 y = (er * exp2_int(k1)) * exp2_int(k - k1);
  const vf64 zero = {}, inf = zero + kInf;
  y = x > 709.782712893384 ? inf : y;      // overflow (and +inf)
  y = x < -745.1332191019412 ? zero : y;   // underflow below the least subnormal (and -inf)
  return x != x ? x : y;
}

// log(x) = k ln 2 + log(m), x = 2^k m with m in (sqrt(1/2), sqrt(2)] (subnormals scaled by 2^54
// first); k ln2_hi is exact.
inline vf64 log_v(const vf64& x) {
  const vi64 sub = x < 2.2250738585072014e-308;
  const vf64 xs = sub ? x * 18014398509481984.0 : x;  // 2^54
  const vu64 bits = (vu64)xs;
  const vu64 ebits = (bits >> 52) | 0x4330000000000000ull;  // 2^52 + biased exponent
  vf64 k = (vf64)ebits - (4503599627370496.0 + 1023.0);
  k = sub ? k - 54.0 : k;
  const vu64 mbits = (bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
  vf64 m = (vf64)mbits;  // [1, 2)
  const vi64 high = m > 1.4142135623730951;
  m = high ? m * 0.5 : m;
  k = high ? k + 1.0 : k;
  vf64 y = k * kLn2Hi + (k * kLn2Lo + log_near_one(m));
  const vf64 zero = {};
  y = x == zero + kInf ? x : y;
  y = x == zero ? zero - kInf : y;
  y = x < zero ? zero + std::numeric_limits<double>::quiet_NaN() : y;
  return x != x ? x : y;
}

// log1p(x) = log(u) + c/u, u = 1 + x rounded and c = (1 + x) - u its rounding error (exact when
// the larger addend goes first); log(u + c) - log(u) - c/u is below 2^-100 of the result. Below
// 2^-54, log1p(x) rounds to x itself.
inline vf64 log1p_v(const vf64& x) {
  const vf64 u = 1.0 + x;
  const vi64 big = abs_of(x) > 1.0;
  const vf64 c = big ? (x - u) + 1.0 : (1.0 - u) + x;
  vf64 y = log_v(u) + c / u;
  const vf64 zero = {};
  y = abs_of(x) < 5.551115123125783e-17 ? x : y;  // 2^-54 (and +-0)
  y = u == zero ? zero - kInf : y;                  // x = -1
  y = x == zero + kInf ? x : y;
  y = x < -1.0 ? zero + std::numeric_limits<double>::quiet_NaN() : y;
  return x != x ? x : y;
}

// A unary kernel over n float64 values, kVec at a time; the tail is padded into one vector, so a
// value's result does not depend on where in a block it falls.
template <vf64 (*F)(const vf64&)> void k_vector_unary(void* o_, const void* a_, int64_t n) {
  double* __restrict o = static_cast<double*>(o_);
  const double* __restrict a = static_cast<const double*>(a_);
  int64_t i = 0;
  for (; i + kVec <= n; i += kVec) {
    vf64 v;
    std::memcpy(&v, a + i, sizeof v);
    v = F(v);
    std::memcpy(o + i, &v, sizeof v);
  }
  if (i < n) {
    double pad[kVec];
    for (int l = 0; l < kVec; ++l) pad[l] = 1.0;
    std::memcpy(pad, a + i, static_cast<size_t>(n - i) * sizeof(double));
    vf64 v;
    std::memcpy(&v, pad, sizeof v);
    v = F(v);
    std::memcpy(o + i, &v, static_cast<size_t>(n - i) * sizeof(double));
  }
}
