// sin, cos and tan of float64, kVec values at a time (GCC vector extensions, see exp_log.h), and
// the polynomials the normal generator's Box-Muller shares (normal_transform.h).
//
// x = k pi/2 + (r + rl) with k = nearest(x 2/pi), r in [-pi/4, pi/4] and rl below about an ulp of
// r: the reduced argument is carried in two parts, accurate to ~2^-100 of r for |x| <= 2^14, next
// to multiples of pi/2 too (the nearest double there is 2^-60.5 from 29 pi/2). sin and cos of
// r + rl come out as unevaluated sums hi + lo whose high parts are exact and whose low parts (below
// 0.02) carry all the rounding errors, so each result is rounded once, at the end; tan is their
// quotient with the first quotient's remainder computed exactly (tan_v). The quadrant k mod 4 swaps
// and negates. Error bounds from that analysis: 0.55 ulp for the sine of r, 0.65 for the cosine
// (so 0.65 for sin x and cos x, which use both), 0.8 for tan x; measured at most 0.60, 0.58 and
// 0.60 against long double (test/native-kernels.test.ts). Beyond 2^14 the values go
// to libm one by one (the same call at every level, so still the same bits everywhere; glibc's
// sin, cos and tan are faithfully rounded too).
//
// Included only from ops_impl.h, after exp_log.h, inside its per-level anonymous namespace.

constexpr double kTwoOverPi = 6.36619772367581382433e-01;
// pi/2 in four parts: the first three have 31, 32 and 28 significant bits, so k times each is
// exact for |k| < 2^21; the fourth is the rest, rounded.
constexpr double kPio2_1 = 1.57079632673412561417e+00;
constexpr double kPio2_2 = 6.07710050630396597660e-11;
constexpr double kPio2_3 = 2.02226624871116645580e-21;
constexpr double kPio2_3t = 8.47842766036889956997e-32;
constexpr double kTrigVectorMax = 16384.0;               // 2^14: beyond it, libm
constexpr double kSplit13 = 824633720832.0;              // 1.5 * 2^39: (r + it) - it rounds r to k 2^-13
// -1/6 = kSin3Hi + kSin3Lo, kSin3Hi with 14 significant bits, so kSin3Hi a^3 is exact for a of 13 bits.
constexpr double kSin3Hi = -0.1666717529296875;  // -10923 / 2^16
constexpr double kSin3Lo = 1.0 / 196608.0;        // 1 / (3 2^16)

// sin(a) = a - a^3/6 + a^5 P(z), z = a^2, |a| <= pi/4: P the minimax polynomial of degree 5
// (relative error below 2^-62 of sin a). cos(a) = 1 - z/2 + z^2 Q(z): Q of degree 5 (error below
// 2^-59.6 of cos a). Coefficients: scripts/minimax.py (Remez exchange in 256-bit mpmath).
constexpr double kSinSeries[] = {-7.581584870228619e-13, 1.605843143463894e-10, -2.5052105487327256e-08,
                                 2.7557319216749377e-06, -0.00019841269841260962, 0.00833333333333333};
constexpr double kCosSeries[] = {-1.1358525224420842e-11, 2.0875700628796096e-09, -2.7557314177766633e-07,
                                 2.4801587288846547e-05, -0.001388888888887305, 0.041666666666666595};

// c[0] z^5 + c[1] z^4 + ... + c[5] given z2 = z^2, in Estrin's order (three independent pairs, then
// two steps in z2): half the dependent chain of Horner's rule, the same number of operations.
template <class T> inline T estrin6(const T& z, const T& z2, const double (&c)[6]) {
  return ((c[0] * z + c[1]) * z2 + (c[2] * z + c[3])) * z2 + (c[4] * z + c[5]);
}

// The same series in plain precision for T a double or a vf64 (the normal generator: a few ulp).
template <class T> inline T sin_poly(const T& a, const T& z) {
  return a + a * z * (z * horner(z, kSinSeries) - 1.0 / 6.0);
}
template <class T> inline T cos_poly(const T& z) { return 1.0 - z * (0.5 - z * horner(z, kCosSeries)); }

// Rotates (cos a, sin a) by the quarter turn q in 0..3: (C, S) = (cos q pi/2, sin q pi/2) are
// |q - 2| - 1 and 1 - |q - 1|, and products with 0 and +-1 are exact.
template <class T> inline void rotate_quarter(const T& q, const T& sa, const T& ca, T& sine, T& cosine) {
  const T C = abs_of(q - 2.0) - 1.0, S = 1.0 - abs_of(q - 1.0);
  cosine = ca * C - sa * S;
  sine = sa * C + ca * S;
}

// x = k pi/2 + (r + rl), |x| <= 2^14; the two lowest bits of kbits are k mod 4. r1 = x - k P1 is
// exact (Sterbenz); each later part is subtracted with its rounding error kept (Fast2Sum: either
// the larger operand comes first, or the difference is exact and the error 0).
inline void reduce_quarter(const vf64& x, vf64& r, vf64& rl, vu64& kbits) {
  const vf64 kb = x * kTwoOverPi + kShift52;
  kbits = (vu64)kb;  // 1.5 * 2^52 + k: k in the low bits, two's complement
  const vf64 k = kb - kShift52;
  const vf64 r1 = x - k * kPio2_1;
  const vf64 p2 = k * kPio2_2;
  const vf64 t = r1 - p2;
  const vf64 e1 = (r1 - t) - p2;
  const vf64 p3 = k * kPio2_3;
  r = t - p3;
  const vf64 e2 = (t - r) - p3;
  rl = (e1 + e2) - k * kPio2_3t;
}

// sin(r + rl) = sh + sl and cos(r + rl) = ch + cl for |r| <= pi/4. With a = r rounded to a multiple
// of 2^-13 (13 bits) and b = r - a: ch = 1 - a^2/2 is exact, and cl = -(r^2 - a^2)/2 + z^2 Q(z) - r rl
// (r^2 - a^2 = b (r + a)); sh = r + kSin3Hi a^3 rounded with its error kept, and sl adds
// kSin3Lo a^3 - (r^3 - a^3)/6 + r^5 P(z) + rl (1 - z/2) (r^3 - a^3 = b (r^2 + r a + a^2)).
inline void sincos_parts(const vf64& r, const vf64& rl, vf64& sh, vf64& sl, vf64& ch, vf64& cl) {
  const vf64 a = (r + kSplit13) - kSplit13;
  const vf64 b = r - a;
  const vf64 a2 = a * a, a3 = a2 * a;  // exact
  const vf64 z = r * r;
  const vf64 z2 = z * z;
  ch = 1.0 - 0.5 * a2;
  cl = z2 * estrin6(z, z2, kCosSeries) - (0.5 * (b * (r + a)) + r * rl);
  const vf64 p = kSin3Hi * a3;
  sh = r + p;
  const vf64 cube_rest = b * ((z + r * a) + a2);
  sl = ((r - sh) + p) +
       ((kSin3Lo * a3 - cube_rest * (1.0 / 6.0)) + ((r * z2) * estrin6(z, z2, kSinSeries) + rl * (1.0 - 0.5 * z)));
}

// The lanes beyond the reduction's range, through libm.
template <double (*Libm)(double)> inline vf64 large_by_libm(const vf64& x, const vf64& reduced) {
  const vi64 large = abs_of(x) > kTrigVectorMax;
  vf64 y = reduced;
  if (any_lane(large))
    for (int l = 0; l < kVec; ++l)
      if (large[l]) y[l] = Libm(x[l]);
  return y;
}

// Lanes where k is odd (kb: trig's kbits). SSE2 has no 64-bit integer comparison (GCC would test
// lane by lane): there the bit becomes the last bit of 1.0's significand and a double comparison.
inline vi64 odd_lanes(const vu64& kb) {
#if defined(__AVX2__)
  return (kb & 1) != 0;
#else
  return (vf64)((kb & 1) | 0x3ff0000000000000ull) > 1.0;
#endif
}

inline vf64 with_sign(const vf64& v, const vu64& sign) { return (vf64)((vu64)v ^ sign); }

// sin x: (sin, cos, -sin, -cos) of r for k mod 4 = (0, 1, 2, 3).
inline vf64 sin_v(const vf64& x) {
  vf64 r, rl, sh, sl, ch, cl;
  vu64 kb;
  reduce_quarter(x, r, rl, kb);
  sincos_parts(r, rl, sh, sl, ch, cl);
  const vi64 odd = odd_lanes(kb);
  vf64 y = with_sign((odd ? ch : sh) + (odd ? cl : sl), (kb & 2) << 62);
  y = x == 0.0 ? x : y;  // sin(-0) is -0
  return large_by_libm<std::sin>(x, y);
}

// cos x: (cos, -sin, -cos, sin) of r for k mod 4 = (0, 1, 2, 3).
inline vf64 cos_v(const vf64& x) {
  vf64 r, rl, sh, sl, ch, cl;
  vu64 kb;
  reduce_quarter(x, r, rl, kb);
  sincos_parts(r, rl, sh, sl, ch, cl);
  const vi64 odd = odd_lanes(kb);
  const vf64 y = with_sign((odd ? sh : ch) + (odd ? sl : cl), ((kb + 1) & 2) << 62);
  return large_by_libm<std::cos>(x, y);
}

// tan x: sin/cos of r for even k, -cos/sin for odd k, as n/d with n = nh + nl and d = d0 + d1. The
// quotient q = nh (1/d) cut to its leading 21 bits (the low 32 bits of its encoding cleared), q',
// makes q' d0' exact for d0' = d0 cut the same way, so n - q' d = (nh - q' d0') + (nl - q' (d0 - d0'
// + d1)) with the first difference exact (Sterbenz); tan = q' + (n - q' d)/d, the correction below
// 3% of the result and computed to ~2^-51 of itself: one rounding at the end.
inline vf64 tan_v(const vf64& x) {
  vf64 r, rl, sh, sl, ch, cl;
  vu64 kb;
  reduce_quarter(x, r, rl, kb);
  sincos_parts(r, rl, sh, sl, ch, cl);
  const vi64 odd = odd_lanes(kb);
  const vf64 nh = odd ? ch : sh, nl = odd ? cl : sl, d0 = odd ? sh : ch, d1 = odd ? sl : cl;
  const vf64 inv = 1.0 / (d0 + d1);
  const vf64 q = (vf64)((vu64)(nh * inv) & 0xffffffff00000000ull);
  const vf64 d0h = (vf64)((vu64)d0 & 0xffffffff00000000ull);
  const vf64 rest = ((nh - q * d0h) + (nl - q * ((d0 - d0h) + d1))) * inv;
  vf64 y = with_sign(q + rest, (kb & 1) << 63);
  y = x == 0.0 ? x : y;  // tan(-0) is -0
  return large_by_libm<std::tan>(x, y);
}
