// Discrete Fourier transforms of any length, as numpy.fft defines them (X[k] = sum x[j] e^{-2 pi i
// jk/n}, the inverse with +i), computed in double precision: a mixed-radix Stockham transform
// (radices 4, 2, 3, 5, 7) for lengths with no other prime factor, run on kFftLanes lines at once
// by the SIMD level's fft_lanes (kernels/simd/fft_lanes.h), and Bluestein's chirp-z algorithm
// (three power-of-two transforms) for every other length. A long line of the first two kinds (2^16 values and more,
// beyond the L2 cache) goes through Bailey's four-step algorithm instead: the line as an n1 x n2
// matrix, n2 transforms of length n1, a twiddle, n1 of length n2 and cache-blocked transposes
// between them, so each pass runs in cache (2^24 values: 3.4 -> ~0.6 s). Complex values are
// interleaved (re, im) pairs, as numpy lays them out.
// A Plan holds one length's twiddles and is built once per task, then used for every line.
#pragma once
#include <complex>
#include <cstdint>
#include <memory>
#include <vector>

#include "../store/chunk_memory.h"
#include "op_table.h"

namespace tessera::fft {

using cd = std::complex<double>;

enum class LineOp;

// e^{-2 pi i m / n} for m < count as two tables of about sqrt(count) roots each: with
// m = q * split + r, the root is coarse[q] * fine[r] (one product, as pocketfft's).
struct RootTables {
  int64_t split = 0;
  std::vector<cd> fine, coarse;
  void build(int64_t n, int64_t count);
  cd at(int64_t q, int64_t r) const;
  cd operator()(int64_t m) const { return at(m / split, m % split); }
};

class Plan {
 public:
  // `half_only`: the plan serves lines that by_half() takes (real lines of an even length), which
  // go through a plan of half the length; it builds no tables of its own length.
  explicit Plan(int64_t n, bool half_only = false);
  ~Plan();
  int64_t size() const { return n_; }
  // In place: the forward transform (sign -1), or with `inverse` the unnormalised backward one (sign +1).
  void transform(cd* data, bool inverse) const;
  // The same for `count` lines of n values at once (any count): kFftLanes lines share each pass of
  // the vectorised stages. A line's result is the same whichever lines it is transformed with.
  void transform_many(cd* const* lines, int64_t count, bool inverse) const;

 private:
  friend struct LineBatch;
  void smooth_many(cd* const* lines, int count, bool inverse) const;  // n_ of radices 2, 3, 4, 5, 7: up to kFftLanes lines
  // The stages over the lanes' planes (x: lanes_'s first two); returns whether the result is in y (the last two).
  bool run_stages() const;
  void four_step(cd* data) const;  // forward, n_ = n1 x n2 (the sub-plans first_ and second_)
  void bluestein(cd* data) const;  // forward, any n_, through inner_
  struct Stage {
    int r;                   // the radix
    int64_t m;               // the length left after it, over r
    std::vector<double> w;   // the radix's roots e^{-2 pi i k / r}, (re, im) pairs; exact for 2 and 4
    std::vector<double> tw;  // e^{-2 pi i p u / (r m)} at [p * (r - 1) + u - 1], (re, im) pairs
  };
  int64_t n_;
  std::vector<Stage> stages_;   // smooth lengths: the stages in order
  mutable LargeVector<double> lanes_;  // smooth lengths: four planes of n_ x kFftLanes values
  std::unique_ptr<Plan> inner_; // Bluestein: the power-of-two transform of length >= 2n - 1
  LargeVector<cd> chirp_;       // Bluestein: e^{-pi i k^2 / n}, k < n
  LargeVector<cd> kernel_;      // Bluestein: the forward transform of the conjugate chirp, wrapped
  // Real lines of an even length n: the plan of n/2 that transforms them as n/2 complex values, and
  // e^{-2 pi i k / n} (k < n/2) as fine and coarse tables; made at the first real transform.
  friend struct RealByHalf;
  mutable std::unique_ptr<Plan> half_;
  mutable RootTables half_roots_;
  bool half_only_ = false;
  std::unique_ptr<Plan> first_, second_;  // four-step: the transforms of length n1, then n2
  RootTables roots_;                      // four-step: e^{-2 pi i m / n}, m < n
  mutable LargeVector<cd> work_;
};

// What a line transform reads and makes (the fft task kind's ops).
enum class LineOp {
  Forward = 0,           // c2c: n_in complex -> n complex
  Backward = 1,          // c2c, the backward transform
  RealHalf = 2,          // r2c: n_in real -> n/2 + 1 complex (rfft)
  RealOut = 3,           // c2r: n/2 + 1 complex (of n_in) -> n real (irfft)
  RealForward = 4,       // a real line's whole spectrum: n_in real -> n complex (fft of a real array)
  RealBackward = 5,      // the same, backward (ifft of a real array)
};

// Whether transform_lines takes lines of this op and lengths through a transform of half the
// length: real lines (or a real output) of an even length of 64 and more (a shorter real input of
// odd length would end in half a complex value).
bool by_half(LineOp op, int64_t n, int64_t n_in);

// `count` lines: line l reads in + l * in_step (n_in values, complex as (re, im) pairs) and writes
// out + l * out_step. A shorter line is zero-padded and a longer one cropped to the transform length
// `plan.size()` (RealOut: to n/2 + 1 complex inputs, the imaginary parts of the first and, for an
// even n, the middle ignored, as numpy's irfft does). Every output is multiplied by `scale`. A
// real line's spectrum is exactly real at frequency 0 and n/2, as numpy's.
void transform_lines(const Plan& plan, LineOp op, const double* in, int64_t in_step, int64_t n_in, double* out, int64_t out_step,
                     int64_t count, double scale);

}  // namespace tessera::fft
