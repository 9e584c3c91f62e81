// sin, cos and tan of float64, kVec values at a time (GCC vector extensions, see exp_log.h), and
// the polynomials the normal generator's Box-Muller shares (normal_transform.h).
//
// x = k pi/2 + r with k = nearest(x 2/pi) and r in [-pi/4, pi/4]; sin and cos of r by their Taylor
// series (to r^19 and r^18: within 1e-17), the quadrant k mod 4 by exact products with 0 and +-1.
// The reduction subtracts k pi/2 in four parts of pi/2 (33, 33, 33 and 53 bits; the first three
// products are exact for |k| < 2^20), which keeps r accurate to ~2^-118 absolute for |x| < 2^14;
// beyond that the values go to libm one by one (the same call at every level, so still the same
// bits everywhere). Accuracy: within 2 ulp (sin, cos) and 3 ulp (tan) of V8's Math functions,
// next to multiples of pi/2 too (test/native-kernels.test.ts).
//
// Included only from ops_impl.h, after exp_log.h, inside its per-level anonymous namespace.

constexpr double kTwoOverPi = 6.36619772367581382433e-01;
constexpr double kPio2_1 = 1.57079632673412561417e+00;   // pi/2: first 33 bits
constexpr double kPio2_2 = 6.07710050630396597660e-11;   // next 33 bits
constexpr double kPio2_3 = 2.02226624871116645580e-21;   // next 33 bits
constexpr double kPio2_3t = 8.47842766036889956997e-32;  // the rest
constexpr double kTrigVectorMax = 16384.0;               // 2^14: beyond it, libm

// sin(a) for |a| <= pi/4, z = a^2: a + a z (-1/3! + z/5! - ... - z^8/19!).
constexpr double kSinSeries[] = {-1.0 / 121645100408832000.0, 1.0 / 355687428096000.0, -1.0 / 1307674368000.0,
                                 1.0 / 6227020800.0, -1.0 / 39916800.0, 1.0 / 362880.0, -1.0 / 5040.0, 1.0 / 120.0,
                                 -1.0 / 6.0};
template <class T> inline T sin_poly(const T& a, const T& z) { return a + a * z * horner(z, kSinSeries); }

// cos(a) for |a| <= pi/4, z = a^2: 1 - z (1/2 - z (1/4! - z/6! + ... - z^7/18!)); the table is the
// negated inner series.
constexpr double kCosSeries[] = {1.0 / 6402373705728000.0, -1.0 / 20922789888000.0, 1.0 / 87178291200.0,
                                 -1.0 / 479001600.0, 1.0 / 3628800.0, -1.0 / 40320.0, 1.0 / 720.0, -1.0 / 24.0};
template <class T> inline T cos_poly(const T& z) { return 1.0 - z * (0.5 + z * horner(z, kCosSeries)); }

// Rotates (cos a, sin a) by the quarter turn q in 0..3: (C, S) = (cos q pi/2, sin q pi/2) are
// |q - 2| - 1 and 1 - |q - 1|, and products with 0 and +-1 are exact.
template <class T> inline void rotate_quarter(const T& q, const T& sa, const T& ca, T& sine, T& cosine) {
  const T C = abs_of(q - 2.0) - 1.0, S = 1.0 - abs_of(q - 1.0);
  cosine = ca * C - sa * S;
  sine = sa * C + ca * S;
}

inline void sincos_v(const vf64& x, vf64& sine, vf64& cosine) {
  const vf64 k = (x * kTwoOverPi + kShift52) - kShift52;
  vf64 r = x - k * kPio2_1;
  r = r - k * kPio2_2;
  r = r - k * kPio2_3;
  r = r - k * kPio2_3t;
  const vf64 z = r * r;
  // k mod 4 in 0..3 (k may be negative): k - 4 nearest(k/4) is in -2..2.
  vf64 q = k - 4.0 * ((k * 0.25 + kShift52) - kShift52);
  q = q < 0.0 ? q + 4.0 : q;
  rotate_quarter(q, sin_poly(r, z), cos_poly(z), sine, cosine);
  sine = x == 0.0 ? x : sine;  // sin(-0) is -0
}

// The lanes beyond the reduction's range, through libm.
template <double (*Libm)(double)> inline vf64 large_by_libm(const vf64& x, const vf64& reduced) {
  const vi64 large = abs_of(x) > kTrigVectorMax;
  vf64 y = reduced;
  for (int l = 0; l < kVec; ++l)
    if (large[l]) y[l] = Libm(x[l]);
  return y;
}

inline vf64 sin_v(const vf64& x) {
  vf64 s, c;
  sincos_v(x, s, c);
  return large_by_libm<std::sin>(x, s);
}
inline vf64 cos_v(const vf64& x) {
  vf64 s, c;
  sincos_v(x, s, c);
  return large_by_libm<std::cos>(x, c);
}
inline vf64 tan_v(const vf64& x) {
  vf64 s, c;
  sincos_v(x, s, c);
  return large_by_libm<std::tan>(x, s / c);
}
