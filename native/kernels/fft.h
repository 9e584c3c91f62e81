// Discrete Fourier transforms of any length, as numpy.fft defines them (X[k] = sum x[j] e^{-2 pi i
// jk/n}, the inverse with +i), computed in double precision: an iterative radix-2 Cooley-Tukey
// transform for powers of two, a mixed-radix Stockham transform (radices 4, 2, 3, 5, 7) for
// lengths with no other prime factor, and Bluestein's chirp-z algorithm (three power-of-two
// transforms) for every other length. A long line of the first two kinds (2^16 values and more,
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

namespace tessera::fft {

using cd = std::complex<double>;

class Plan {
 public:
  explicit Plan(int64_t n);
  ~Plan();
  int64_t size() const { return n_; }
  // In place: the forward transform (sign -1), or with `inverse` the unnormalised backward one (sign +1).
  void transform(cd* data, bool inverse) const;

 private:
  void radix2(cd* data) const;    // forward, n_ a power of two
  void stockham(cd* data) const;  // forward, n_ of radices 2, 3, 4, 5, 7
  void four_step(cd* data) const; // forward, n_ = n1 x n2 (the sub-plans rows_ and cols_)
  cd four_step_twiddle(int64_t m) const;  // e^{-2 pi i m / n}, m < n, from the two tables
  struct Stage {
    int r;                  // the radix
    int64_t m;              // the length left after it, over r
    std::vector<cd> tw;     // e^{-2 pi i p u / (r m)}: [p * (r - 1) + u - 1]
  };
  int64_t n_;
  bool pow2_;
  std::vector<Stage> stages_;   // mixed radix: the stages in order
  LargeVector<cd> twiddles_;    // pow2: e^{-2 pi i k / n}, k < n / 2
  std::unique_ptr<Plan> inner_; // Bluestein: the power-of-two transform of length >= 2n - 1
  LargeVector<cd> chirp_;       // Bluestein: e^{-pi i k^2 / n}, k < n
  LargeVector<cd> kernel_;      // Bluestein: the forward transform of the conjugate chirp, wrapped
  std::unique_ptr<Plan> first_, second_;  // four-step: the transforms of length n1, then n2
  int64_t split_ = 0;                     // four-step: the tables' split, e^{-2 pi i (q split + r) / n}
  std::vector<cd> fine_, coarse_;         // four-step: e^{-2 pi i r / n} (r < split), e^{-2 pi i q split / n}
  mutable LargeVector<cd> work_;
};

// One line: `in` holds n_in values (complex for c2c and c2r, real for r2c); a shorter line is
// zero-padded and a longer one cropped to the transform length `plan.size()` (c2r: to n/2 + 1
// complex inputs, the imaginary parts of the first and, for an even n, the middle ignored, as
// numpy's irfft does). Every output is multiplied by `scale`. `buffer`: plan.size() complex values.
void c2c(const Plan& plan, const double* in, int64_t n_in, double* out, bool inverse, double scale, cd* buffer);
// A real line's spectrum: with `half`, its n/2 + 1 values (rfft), else all n (numpy's fft or ifft
// of a real array, `inverse` for the latter).
void r2c(const Plan& plan, const double* in, int64_t n_in, double* out, bool inverse, bool half, double scale, cd* buffer);
void c2r(const Plan& plan, const double* in, int64_t n_in, double* out, double scale, cd* buffer);   // out: n real

}  // namespace tessera::fft
