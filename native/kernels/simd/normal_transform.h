// The Box-Muller transform of the normal generator, in plain arithmetic the vectoriser maps to
// any width: r = sqrt(-2 log(1 - u1)), (r cos 2 pi u2, r sin 2 pi u2).
//
// Why not libm: log, sin and cos from libm are scalar calls (the generator ran at 30 M values/s
// per thread, below numpy's ziggurat at 42-50), and their results may differ between libm versions. These
// versions are additions, multiplications, one division, one square root and selects; with
// -ffp-contract=off every SIMD level rounds each step the same way, so a value is the same bits at
// every level, in a head or tail element and in a SIMD batch, on any machine. Accuracy: a normal value is within
// 1e-14 of Box-Muller through V8's Math functions on the same Philox words (worst seen 1.8e-15;
// test/native-kernels.test.ts), i.e. a few ulp.
//
// Included only from ops_impl.h, inside its per-level anonymous namespace.

// log(x) for x in [2^-60, 1] (here x = 1 - u1, in [2^-53, 1]), as plain arithmetic per value (the
// loop over a block vectorises): x = m 2^-k with m in (sqrt(1/2), sqrt(2)], k found by six exact
// scalings by 2^32 .. 2^1 (the exponent's bits, highest first) and selects; then log_near_one
// (exp_log.h). k ln2_hi is exact.
inline double log_unit(double x) {
  double k = 0.0;
  const auto step = [&](double bits, double scale) {  // scale = 2^bits
    const double scaled = x * scale;
    x = scaled < 2.0 ? scaled : x;
    k = scaled < 2.0 ? k + bits : k;
  };
  step(32.0, 4294967296.0);
  step(16.0, 65536.0);
  step(8.0, 256.0);
  step(4.0, 16.0);
  step(2.0, 4.0);
  step(1.0, 2.0);
  // x in [1, 2) now; fold into (sqrt(1/2), sqrt(2)].
  const bool high = x > 1.4142135623730951;
  const double m = high ? x * 0.5 : x;
  k = high ? k - 1.0 : k;
  return (log_near_one(m) - k * kLn2Lo) - k * kLn2Hi;
}

// sin and cos of 2 pi u for u in [0, 1): u - q/4 (q = the nearest quarter turn) is exact, so the
// reduction adds no error; the reduced angle a is in [-pi/4, pi/4], where trig.h's series are
// within 1e-17; the quarter turn swaps and negates.
inline void sincos_turn(double u, double& sine, double& cosine) {
  // Round to nearest by adding and removing 2^52 (exact for 0 <= 4u < 2^52; no libm call, which
  // the SSE2 level would otherwise make).
  const double q = (u * 4.0 + 4503599627370496.0) - 4503599627370496.0;  // 0..4
  const double a = kTwoPi * (u - q * 0.25);
  const double z = a * a;
  // The quarter turn k (4 is 0 again) rotates (cos a, sin a) (trig.h).
  const double k = q >= 3.5 ? q - 4.0 : q;
  rotate_quarter(k, sin_poly(a, z), cos_poly(z), sine, cosine);
}

// The pair of normal values of one Philox counter, from its two uniform draws.
inline void box_muller(double u1, double u2, double& from_cos, double& from_sin) {
  const double r = std::sqrt(-2.0 * log_unit(1.0 - u1));
  double s, c;
  sincos_turn(u2, s, c);
  from_cos = r * c;
  from_sin = r * s;
}
