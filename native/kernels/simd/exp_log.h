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
// extensions do. Accuracy: faithfully rounded over the whole range, subnormals included, with
// numpy's special values. Each result is a sum whose high part is exact and whose small tail
// carries the rounding errors, rounded once at the end: error bounds from that analysis 0.75 ulp
// (exp) and 0.8 (log, log1p), measured at most 0.61, 0.67 and 0.68 against long double
// (test/native-kernels.test.ts).
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

constexpr double kShift52 = 6755399441055744.0;      // 1.5 * 2^52: adding it rounds to an integer
constexpr double kSplit26 = 100663296.0;              // 1.5 * 2^26: (f + it) - it rounds f to k 2^-26
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3FE62E42FEE00000: 32 significant bits
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
constexpr double kInf = std::numeric_limits<double>::infinity();

// c[0] x^(N-1) + c[1] x^(N-2) + ... + c[N-1], by Horner's rule, for T a double or a vf64.
template <class T, size_t N> inline T horner(const T& x, const double (&c)[N]) {
  T p = x * c[0] + c[1];
  for (size_t k = 2; k < N; ++k) p = p * x + c[k];
  return p;
}

// The same polynomial of 11 coefficients by Estrin's scheme: a chain of 5 steps instead of 10,
// for the vector kernels whose throughput waits on that chain (exp, pow).
inline vf64 estrin11(const vf64& x, const double (&c)[11]) {
  const vf64 x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
  const vf64 b0 = c[10] + c[9] * x, b1 = c[8] + c[7] * x, b2 = c[6] + c[5] * x, b3 = c[4] + c[3] * x, b4 = c[2] + c[1] * x;
  return ((b0 + b1 * x2) + (b2 + b3 * x2) * x4) + (b4 + c[0] * x2) * x8;
}

inline double abs_of(double x) { return std::fabs(x); }
inline vf64 abs_of(const vf64& x) { return (vf64)((vu64)x & 0x7fffffffffffffffull); }

// Whether any lane of a comparison's result is set (a branch around rarely needed lanes: every
// lane still gets the same operations, so the bits do not depend on its neighbours).
inline bool any_lane(const vi64& m) {
#if defined(__AVX512F__)
  return _mm512_test_epi64_mask((__m512i)m, (__m512i)m) != 0;
#elif defined(__AVX2__)
  return _mm256_movemask_pd((__m256d)m) != 0;
#elif defined(__SSE2__)
  return _mm_movemask_pd((__m128d)m) != 0;
#else
  long long acc = 0;
  for (int l = 0; l < kVec; ++l) acc |= m[l];
  return acc != 0;
#endif
}

// log(1 + f) = 2 atanh(s), s = f / (2 + f), |s| <= 0.1716 for 1 + f in (sqrt(1/2), sqrt(2)]:
// 2 atanh(s) = 2s + s R, R = z L(z), z = s^2, L the minimax polynomial of degree 6 (relative error
// of s R below 2^-59 of the logarithm; coefficients from scripts/minimax.py, Remez exchange in
// 256-bit mpmath).
constexpr double kLogSeries[] = {0.14795785876573345, 0.15314069483019055, 0.18183563482919216,
                                 0.22222198591450598, 0.28571428742189403, 0.3999999999941566,
                                 0.6666666666666734};

// log(m) for m in (sqrt(1/2), sqrt(2)] in plain precision, T a double or a vf64 (the normal
// generator's Box-Muller: a few ulp): f - s (f - R), as 2s = f - s f.
template <class T> inline T log_near_one(const T& m) {
  const T f = m - 1.0;
  const T s = f / (2.0 + f);
  const T z = s * s;
  return f - s * (f - z * horner(z, kLogSeries));
}

// 2^j for integer-valued j in [-1022, 1023]: j + 1023 read from the low bits of (j + 1023 + 1.5 * 2^52)
// and shifted into the exponent field.
inline vf64 exp2_int(const vf64& j) {
  const vf64 biased = j + (1023.0 + kShift52);
  const vu64 e = ((vu64)biased - 0x4338000000000000ull) << 52;
  return (vf64)e;
}

// exp(r) = 1 + r + r^2 P(r) for |r| <= ln(2)/2, P the minimax polynomial of degree 10 (relative
// error below 2^-60; scripts/minimax.py).
constexpr double kExpSeries[] = {2.0826625979440835e-09, 2.5112036846296947e-08, 2.755758185170526e-07,
                                 2.7557234861908357e-06, 2.4801586926629245e-05, 0.00019841269896383817,
                                 0.001388888888911563, 0.008333333333317034, 0.041666666666666095,
                                 0.16666666666666682, 0.5};

// exp(x) = 2^k exp(r), k = nearest(x / ln 2), r = x - k ln 2 in [-0.347, 0.347], carried as r + rl
// (k ln2_hi is exact and so is x - k ln2_hi; rl is the rounding error of subtracting k ln2_lo).
// exp(r + rl) = s + e + (q + rl (1 + r + q)), q = r^2 P(r), with s + e = 1 + r exactly, so the only rounding
// that matters is the last addition; the tail's own errors add up to at most 0.25 ulp (at r near
// -0.35, where the result's ulp is smallest relative to it). For |k| <= 1021 the result is a
// normal number and 2^k an exact scaling; vectors with a lane beyond that (or inf, NaN) take
// exp_edge.
// exp(x + xl), xl a low part below an ulp of x (pow's product; 0 for exp itself), before scaling:
// 2^k (s + tail). xl joins rl, the reduced argument's low part, which can then be ~2^-44: hence
// rl times exp(r) (1 + r + q), not just 1 + r.
struct ExpParts { vf64 k, s, tail; };
inline ExpParts exp_parts(const vf64& x, const vf64& xl) {
  const vf64 k = (x * 1.4426950408889634 + kShift52) - kShift52;
  const vf64 hi = x - k * kLn2Hi;  // exact
  const vf64 lo = k * kLn2Lo;
  const vf64 r = hi - lo;
  const vf64 rl = ((hi - r) - lo) + xl;
  const vf64 s = 1.0 + r;
  const vf64 e = (1.0 - s) + r;    // exact: s + e = 1 + r
  const vf64 q = (r * r) * estrin11(r, kExpSeries);
  return {k, s, e + (q + rl * (s + q))};
}
inline vf64 exp_edge(const vf64& x, const vf64& k, const vf64& s, const vf64& tail);
inline vf64 exp_v(const vf64& x) {
  const ExpParts p = exp_parts(x, vf64{});
  const vi64 edge = ~(abs_of(p.k) <= 1021.0);
  if (any_lane(edge)) return exp_edge(x, p.k, p.s, p.tail);
  return (p.s + p.tail) * exp2_int(p.k);
}

// The same sum scaled by 2^k in two exact halves (k up to 1024). Where the result is below 2^-1022
// (k <= -1022) it is scaled first and rounded once at the subnormal's own precision (1 + v rounds
// v < 1 to a multiple of 2^-52, i.e. the result to 2^-1074), not once as a normal number and again
// when scaled. Then overflow, underflow and NaN.
inline vf64 exp_edge(const vf64& x, const vf64& k, const vf64& s, const vf64& tail) {
  const vf64 k1 = (k * 0.5 + kShift52) - kShift52;
  vf64 y = ((s + tail) * exp2_int(k1)) * exp2_int(k - k1);
  const vf64 zero = {}, inf = zero + kInf;
  const vi64 tiny = k < -1021.0;
  const vf64 scale = exp2_int(tiny ? k + 1022.0 : zero);
  const vf64 sv = s * scale, tv = tail * scale;  // exact (normal numbers)
  const vf64 w = 1.0 + sv;
  const vf64 ew = (1.0 - w) + sv;                // exact: w + ew = 1 + sv
  const vf64 sub = ((w + (ew + tv)) - 1.0) * 2.2250738585072014e-308;  // 2^-1022, exact
  y = (tiny & (y < 2.2250738585072014e-308)) ? sub : y;
  y = x > 709.782712893384 ? inf : y;      // overflow (and +inf)
  y = x < -745.1332191019412 ? zero : y;   // underflow below half the least subnormal (and -inf)
  return x != x ? x : y;
}

// log(x) for x = 2^k m with m in (sqrt(1/2), sqrt(2)], f = m - 1 (exact):
//   log(x) = k ln2_hi + (f - f^2/2) + (s (f^2/2 + R) + k ln2_lo),
// with f^2/2 = hh + hl, hh = a^2/2 for a = f rounded to a multiple of 2^-26 (exact, and so is
// f - hh), and k ln2_hi + (f - hh) summed with its rounding error kept (Fast2Sum: |k ln2_hi| > |f - hh|
// unless k = 0). The tail is below 0.02 and its errors below 0.3 ulp of the result (mostly s's own
// rounding, scaled by s (f^2/2 + R)); the last addition is the only other rounding.
// Edge: x may also be subnormal (scaled by 2^54 first), zero, negative, inf or NaN; without it, x
// is positive and normal. OnePlus (log1p): x = 1 + x1 rounded and the result is log(1 + x1): where
// k = 0, f is x1 itself (and the rounding error of f - hh, which x1 < 0 can make inexact, joins the
// tail), elsewhere the rounding error c = (1 + x1) - x joins the tail as c/x (log(x + c) - log(x) - c/x
// is below 2^-100 of the result).
template <bool Edge, bool OnePlus> inline vf64 log_kernel(const vf64& x, const vf64& x1) {
  const vi64 sub = x < 2.2250738585072014e-308;
  const vf64 xs = Edge ? (sub ? x * 18014398509481984.0 : x) : x;  // 2^54
  const vu64 bits = (vu64)xs;
  const vu64 ebits = (bits >> 52) | 0x4330000000000000ull;  // 2^52 + biased exponent
  vf64 k = (vf64)ebits - (4503599627370496.0 + 1023.0);
  if (Edge) k = sub ? k - 54.0 : k;
  const vu64 mbits = (bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
  vf64 m = (vf64)mbits;  // [1, 2)
  const vi64 high = m > 1.4142135623730951;
  m = high ? m * 0.5 : m;
  k = high ? k + 1.0 : k;
  vf64 f = m - 1.0;  // exact
  vf64 extra = {};
  if (OnePlus) {
    const vi64 big = abs_of(x1) > 1.0;
    const vf64 c = big ? (x1 - x) + 1.0 : (1.0 - x) + x1;  // exact (the larger addend first)
    const vi64 near = k == 0.0;
    f = near ? x1 : f;
    extra = near ? extra : c / x;
  }
  const vf64 s = f / (2.0 + f);
  const vf64 z = s * s;
  const vf64 R = z * horner(z, kLogSeries);
  const vf64 a = (f + kSplit26) - kSplit26;
  const vf64 b = f - a;
  const vf64 hh = 0.5 * (a * a);        // exact
  const vf64 hl = 0.5 * (b * (f + a));  // f^2/2 - hh
  const vf64 hk = k * kLn2Hi;           // exact
  const vf64 fh = f - hh;
  if (OnePlus) extra = extra + ((f - fh) - hh);  // f - hh's rounding error (x1 < 0 may cross a binade)
  const vf64 head = hk + fh;
  const vf64 eh = (hk - head) + fh;
  const vf64 tail = eh + (((s * ((hh + hl) + R) - hl) + k * kLn2Lo) + extra);
  vf64 y = head + tail;
  if (Edge) {
    const vf64 zero = {};
    y = x == zero + kInf ? x : y;
    y = x == zero ? zero - kInf : y;
    y = x < zero ? zero + std::numeric_limits<double>::quiet_NaN() : y;
    y = x != x ? x : y;
  }
  return y;
}

inline vf64 log_v(const vf64& x) {
  const vi64 edge = ~((x >= 2.2250738585072014e-308) & (x < kInf));
  return any_lane(edge) ? log_kernel<true, false>(x, x) : log_kernel<false, false>(x, x);
}

// log1p(x) = log(u) for u = 1 + x (log_kernel's OnePlus). For x in (-1, inf), u is positive and
// normal. Below 2^-54, log1p(x) rounds to x itself.
inline vf64 log1p_v(const vf64& x) {
  const vf64 u = 1.0 + x;
  const vi64 edge = ~((x > -1.0) & (x < kInf) & (abs_of(x) >= 5.551115123125783e-17));  // 2^-54
  if (!any_lane(edge)) return log_kernel<false, true>(u, x);
  vf64 y = log_kernel<true, true>(u, x);  // -inf at x = -1, NaN below, inf at inf
  y = abs_of(x) < 5.551115123125783e-17 ? x : y;  // and +-0
  return x != x ? x : y;
}

// kVec values of T (double, or float widened exactly) as float64 lanes, and float64 lanes stored
// back as T (a float rounded once): the kernels below compute in float64 whatever they read.
typedef float vf32 __attribute__((vector_size(4 * kVec)));
template <class T> inline vf64 load_lanes(const T* p) {
  if constexpr (std::is_same<T, double>::value) {
    vf64 v;
    std::memcpy(&v, p, sizeof v);
    return v;
  } else {
    vf32 v;
    std::memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, vf64);
  }
}
template <class T> inline void store_lanes(T* p, const vf64& v, int64_t count) {
  if constexpr (std::is_same<T, double>::value) {
    std::memcpy(p, &v, static_cast<size_t>(count) * sizeof(double));
  } else {
    const vf32 r = __builtin_convertvector(v, vf32);
    std::memcpy(p, &r, static_cast<size_t>(count) * sizeof(float));
  }
}
// The last count < kVec values padded with 1.0, so a value's result does not depend on where in
// a block it falls.
template <class T> inline vf64 load_tail(const T* p, int64_t count) {
  T pad[kVec];
  for (int l = 0; l < kVec; ++l) pad[l] = T(1);
  std::memcpy(pad, p, static_cast<size_t>(count) * sizeof(T));
  return load_lanes(pad);
}

// A unary kernel over n values of T, kVec at a time in float64: float64 as it is; float32 widened
// and the result rounded once. The float64 functions are within 0.8 ulp of their own precision,
// so a float32 result is correctly rounded but where the exact value lies within 2^-28 of a
// float32 ulp from a tie (faithful there). numpy's float32 loops are within about 1 ulp.
template <vf64 (*F)(const vf64&), class T> void k_vector_unary(void* o_, const void* a_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const T* __restrict a = static_cast<const T*>(a_);
  int64_t i = 0;
  for (; i + kVec <= n; i += kVec) store_lanes(o + i, F(load_lanes(a + i)), kVec);
  if (i < n) store_lanes(o + i, F(load_tail(a + i, n - i)), n - i);
}
