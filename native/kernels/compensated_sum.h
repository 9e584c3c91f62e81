// The compensated (Neumaier) addition every float sum uses, in the SIMD kernels (a block's lanes
// into a slot) and in the merge of partial sums (reduce_state.cc): one definition, so a sum is
// the same whichever path adds it. Internal linkage on purpose, as philox.h: each SIMD kernel
// file keeps its own copy.
#pragma once
#include <cmath>

namespace tessera {
namespace {

// Once the sum overflows to an infinity the correction would be inf - inf = NaN: skip it.
inline void neumaier(double& s, double& c, double x) {
  double t = s + x;
  double corr = std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;
  c += std::isfinite(t) ? corr : 0.0;
  s = t;
}

// The compensated product every float prod uses (Graillat's CompProd): p * x is h + l exactly
// (one FMA), and the running error e scales with the factors, so a product of n values is nearly
// correctly rounded (a plain product drifts by up to n/2 ulp). Past an infinity or NaN the error
// term means nothing and is dropped (l and 0 * inf would be NaN).
inline void compensated_mul(double& p, double& e, double x) {
  double h = p * x;
  if (!std::isfinite(h)) { p = h; e = 0.0; return; }
  e = std::fma(p, x, -h) + e * x;
  p = h;
}

// The merge of two compensated products (p, e) * (q, f).
inline void compensated_mul_merge(double& p, double& e, double q, double f) {
  double h = p * q;
  if (!std::isfinite(h)) { p = h; e = 0.0; return; }
  e = std::fma(p, q, -h) + (p * f + e * q);
  p = h;
}

// The value of a compensated product: an error of 0 leaves p alone (-0.0 + 0.0 would be +0.0).
inline double compensated_mul_value(double p, double e) { return e == 0.0 ? p : p + e; }

}  // namespace
}  // namespace tessera
