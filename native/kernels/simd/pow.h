// pow(x, y) of float64, kVec values at a time (GCC vector extensions, see exp_log.h):
// exp(y log x) with log x carried to about 2^-64 of itself, so that the product's error, at most
// ~708 times that, stays near a third of an ulp of the result.
//
// log x = k ln 2 + log m, x = 2^k m, m in (sqrt(1/2), sqrt(2)], f = m - 1, s = f / (2 + f):
//   log m = 2 atanh s = 2s + (2/3) s^3 + s^5 Q(s^2),   |s| <= 0.1716.
// s is a double-double (the remainder of its quotient computed exactly), (2/3) s^3 is one too, and the
// s^5 term (below 2^-12.5 of log x) is a plain double from its Taylor series (11 terms: below
// 2^-53 of itself). The parts are summed with their rounding errors kept (two_sum), k ln 2 in two
// parts as in exp_log.h (the rest of ln 2 is below 2^-88). Then y times that as a double-double (two_prod, exact) goes to exp_parts
// with its low part: exp's own error (0.75 ulp) plus the argument's (under 0.35 ulp at |y log x|
// = 708) bound the result to about 1.1 ulp: not always faithfully rounded. Measured against long
// double: at most 1.07 ulp over 47,000 random pairs, and within 1.1 over the test's cases
// (test/native-kernels.test.ts).
//
// A product's rounding error is computed exactly, by a fused multiply-subtract where the level has
// one and by Dekker's split where it does not: the same exact value, so the bits are the same at
// every level (-ffp-contract=off keeps the compiler from fusing anything else).
//
// The vector path takes x positive and normal, |y| below 1e300 (Dekker's split overflows near
// 2^996) and |y log x| <= 708 (the result a normal number); every other lane (zero, negative, subnormal or special x, y infinite or NaN, overflow,
// underflow) is libm's pow, lane by lane: the same call at every level, with C99's special values,
// which are numpy's.
//
// Included only from ops_impl.h, after exp_log.h, inside its per-level anonymous namespace.

constexpr double kSplit27 = 134217729.0;  // 2^27 + 1: Dekker's splitter
// 2/3 = kTwoThirdsHi + kTwoThirdsLo
constexpr double kTwoThirdsHi = 0.66666666666666663;
constexpr double kTwoThirdsLo = 3.700743415417188e-17;
// 2 atanh(s) - 2s - (2/3) s^3 = s^5 (2/5 + 2/7 z + 2/9 z^2 + ...), z = s^2: the series' coefficients, highest power first.
constexpr double kAtanhTail[] = {2.0 / 25, 2.0 / 23, 2.0 / 21, 2.0 / 19, 2.0 / 17, 2.0 / 15,
                                 2.0 / 13, 2.0 / 11, 2.0 / 9,  2.0 / 7,  2.0 / 5};

// a + b = s + e exactly (any magnitudes).
inline void two_sum(const vf64& a, const vf64& b, vf64& s, vf64& e) {
  s = a + b;
  const vf64 bb = s - a;
  e = (a - (s - bb)) + (b - bb);
}

// a * b = p + e exactly: one fused multiply-subtract where the level has FMA (AVX2, AVX-512),
// Dekker's split elsewhere (no overflow for |a|, |b| below 2^996). Both give the exact error, so
// the levels agree; only where a product falls below ~2^-969 could Dekker's differ, and there it
// is far below what moves a result (pow's then lies within 2^-900 of 1).
inline void two_prod(const vf64& a, const vf64& b, vf64& p, vf64& e) {
  p = a * b;
#if defined(__AVX512F__)
  e = (vf64)_mm512_fmsub_pd((__m512d)a, (__m512d)b, (__m512d)p);
#elif defined(__FMA__)
  e = (vf64)_mm256_fmsub_pd((__m256d)a, (__m256d)b, (__m256d)p);
#else
  const vf64 ca = a * kSplit27, cb = b * kSplit27;
  const vf64 ah = ca - (ca - a), al = a - ah;
  const vf64 bh = cb - (cb - b), bl = b - bh;
  e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
#endif
}

// log x as hi + lo, accurate to about 2^-64 of it, for x positive and normal.
inline void log_dd(const vf64& x, vf64& hi, vf64& lo) {
  const vu64 bits = (vu64)x;
  const vu64 ebits = (bits >> 52) | 0x4330000000000000ull;  // 2^52 + biased exponent
  vf64 k = (vf64)ebits - (4503599627370496.0 + 1023.0);
  vf64 m = (vf64)((bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull);  // [1, 2)
  const vi64 high = m > 1.4142135623730951;
  m = high ? m * 0.5 : m;
  k = high ? k + 1.0 : k;
  const vf64 f = m - 1.0;  // exact
  // s = f / d, d = 2 + f = dh + dl exactly; sl = (f - sh d) / d with sh dh's product exact.
  // One division: sh need not be f / d correctly rounded, as sl is what remains of s beside it.
  const vf64 dh = 2.0 + f;
  const vf64 dl = (2.0 - dh) + f;
  const vf64 inv = 1.0 / dh;
  const vf64 sh = f * inv;
  vf64 p, pe;
  two_prod(sh, dh, p, pe);
  const vf64 sl = (((f - p) - pe) - sh * dl) * inv;
  // (2/3) s^3 = (2/3) (sh^2 sh + 3 sh^2 sl), sh^2 and sh^3 as double-doubles.
  vf64 z, ze, c, ce;
  two_prod(sh, sh, z, ze);
  two_prod(z, sh, c, ce);
  const vf64 cl = ce + ze * sh + 3.0 * (z * sl);
  vf64 t, te;
  two_prod(c, vf64{} + kTwoThirdsHi, t, te);
  const vf64 tl = te + (c * kTwoThirdsLo + cl * kTwoThirdsHi);
  const vf64 zz = z;
  const vf64 t5 = ((zz * zz) * sh) * estrin11(zz, kAtanhTail);
  // k ln2_hi + 2 sh + t: the large parts, each addition's error kept.
  vf64 a, e1, b, e2;
  two_sum(k * kLn2Hi, 2.0 * sh, a, e1);
  two_sum(a, t, b, e2);
  const vf64 rest = (e1 + e2) + (((k * kLn2Lo + 2.0 * sl) + tl) + t5);
  hi = b + rest;
  lo = (b - hi) + rest;
}

inline vf64 pow_v(const vf64& x, const vf64& y) {
  vf64 lh, ll;
  log_dd(x, lh, ll);
  vf64 ph, pe;
  two_prod(y, lh, ph, pe);
  const vf64 pl = pe + y * ll;
  const ExpParts e = exp_parts(ph, pl);
  vf64 r = (e.s + e.tail) * exp2_int(e.k);
  // The lanes the vector path does not take (y*lh may be inf or NaN there; those lanes are replaced).
  const vi64 fast = (x >= 2.2250738585072014e-308) & (x < kInf) & (abs_of(y) < 1e300) & (abs_of(ph) <= 708.0);
  const vi64 slow = ~fast;
  if (any_lane(slow))
    for (int l = 0; l < kVec; ++l)
      if (slow[l]) r[l] = std::pow(x[l], y[l]);
  return r;
}

// A binary kernel over n float64 pairs, kVec at a time; the tail is padded (pow(1, 1)), so a
// value's result does not depend on where in a block it falls.
template <vf64 (*F)(const vf64&, const vf64&)> void k_vector_binary(void* o_, const void* a_, const void* b_, int64_t n) {
  double* __restrict o = static_cast<double*>(o_);
  const double* __restrict a = static_cast<const double*>(a_);
  const double* __restrict b = static_cast<const double*>(b_);
  int64_t i = 0;
  for (; i + kVec <= n; i += kVec) store_lanes(o + i, F(load_lanes(a + i), load_lanes(b + i)), kVec);
  if (i < n) store_lanes(o + i, F(load_tail(a + i, n - i), load_tail(b + i, n - i)), n - i);
}
