// The Box-Muller transform of the normal generator, in plain arithmetic the vectoriser maps to
// any width: r = sqrt(-2 log(1 - u1)), (r cos 2 pi u2, r sin 2 pi u2).
//
// Why not libm: log, sin and cos from libm are scalar calls (the generator ran at 30 M values/s
// per thread, below numpy's 42), and their results may differ between libm versions. These
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
// reduction adds no error; the reduced angle a is in [-pi/4, pi/4], where Taylor series to a^19
// (sine) and a^18 (cosine) are within 1e-17; the quarter turn swaps and negates.
inline void sincos_turn(double u, double& sine, double& cosine) {
  // Round to nearest by adding and removing 2^52 (exact for 0 <= 4u < 2^52; no libm call, which
  // the SSE2 level would otherwise make).
  const double q = (u * 4.0 + 4503599627370496.0) - 4503599627370496.0;  // 0..4
  const double a = kTwoPi * (u - q * 0.25);
  const double z = a * a;
  double ps = -1.0 / 121645100408832000.0;   // -1/19!
  ps = ps * z + 1.0 / 355687428096000.0;     // 1/17!
  ps = ps * z - 1.0 / 1307674368000.0;       // 1/15!
  ps = ps * z + 1.0 / 6227020800.0;          // 1/13!
  ps = ps * z - 1.0 / 39916800.0;            // 1/11!
  ps = ps * z + 1.0 / 362880.0;              // 1/9!
  ps = ps * z - 1.0 / 5040.0;                // 1/7!
  ps = ps * z + 1.0 / 120.0;                 // 1/5!
  ps = ps * z - 1.0 / 6.0;                   // 1/3!
  const double sa = a + a * z * ps;
  double pc = 1.0 / 6402373705728000.0;      // 1/18!
  pc = pc * z - 1.0 / 20922789888000.0;      // 1/16!
  pc = pc * z + 1.0 / 87178291200.0;         // 1/14!
  pc = pc * z - 1.0 / 479001600.0;           // 1/12!
  pc = pc * z + 1.0 / 3628800.0;             // 1/10!
  pc = pc * z - 1.0 / 40320.0;               // 1/8!
  pc = pc * z + 1.0 / 720.0;                 // 1/6!
  pc = pc * z - 1.0 / 24.0;                  // 1/4!
  const double ca = 1.0 - z * (0.5 + z * pc);  // pc is minus the series after 1/2
  // The quarter turn k (4 is 0 again) rotates (cos a, sin a) by (C, S) = (cos k pi/2, sin k pi/2),
  // which are |k - 2| - 1 and 1 - |k - 1| for k = 0..3: products with 0 and +-1 are exact, so
  // this is the swap and negation, as arithmetic.
  const double k = q >= 3.5 ? q - 4.0 : q;
  const double C = std::fabs(k - 2.0) - 1.0, S = 1.0 - std::fabs(k - 1.0);
  cosine = ca * C - sa * S;
  sine = sa * C + ca * S;
}

// The pair of normal values of one Philox counter, from its two uniform draws.
inline void box_muller(double u1, double u2, double& from_cos, double& from_sin) {
  const double r = std::sqrt(-2.0 * log_unit(1.0 - u1));
  double s, c;
  sincos_turn(u2, s, c);
  from_cos = r * c;
  from_sin = r * s;
}
