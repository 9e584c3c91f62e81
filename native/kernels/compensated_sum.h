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

}  // namespace
}  // namespace tessera
