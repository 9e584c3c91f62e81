// Discrete Fourier transforms of any length, as numpy.fft defines them (X[k] = sum x[j] e^{-2 pi i
// jk/n}, the inverse with +i), computed in double precision: an iterative radix-2 Cooley-Tukey
// transform for powers of two, a mixed-radix Stockham transform (radices 4, 2, 3, 5, 7) for
// lengths with no other prime factor, and Bluestein's chirp-z algorithm (three power-of-two
// transforms) for every other length. Complex values are interleaved (re, im) pairs, as numpy lays them out.
// A Plan holds one length's twiddles and is built once per task, then used for every line.
#pragma once
#include <complex>
#include <cstdint>
#include <memory>
#include <vector>

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
  struct Stage {
    int r;                  // the radix
    int64_t m;              // the length left after it, over r
    std::vector<cd> tw;     // e^{-2 pi i p u / (r m)}: [p * (r - 1) + u - 1]
  };
  int64_t n_;
  bool pow2_;
  std::vector<Stage> stages_;   // mixed radix: the stages in order
  std::vector<cd> twiddles_;    // pow2: e^{-2 pi i k / n}, k < n / 2
  std::unique_ptr<Plan> inner_; // Bluestein: the power-of-two transform of length >= 2n - 1
  std::vector<cd> chirp_;       // Bluestein: e^{-pi i k^2 / n}, k < n
  std::vector<cd> kernel_;      // Bluestein: the forward transform of the conjugate chirp, wrapped
  mutable std::vector<cd> work_;
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
