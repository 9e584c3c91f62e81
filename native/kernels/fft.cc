// See fft.h. Twiddles are computed directly (one cos and sin each, arguments reduced exactly where
// they grow: k^2 mod 2n for the chirp), so a transform's error is a few ulps times log2(n) of its
// largest value, as numpy's pocketfft.
#include "fft.h"

#include <algorithm>
#include <cmath>

namespace tessera::fft {

namespace {

constexpr double kPi = 3.14159265358979323846;

bool is_pow2(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// The plain product (std::complex's operator* goes through __muldc3's inf/nan recovery, which
// costs ten times as much; an FFT's twiddles are finite, and numpy's pocketfft multiplies plainly too).
inline cd mul(cd a, cd b) { return cd(a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()); }

int64_t next_pow2(int64_t n) {
  int64_t m = 1;
  while (m < n) m <<= 1;
  return m;
}

// n's radices, 4s first, if it has no prime factor above 7; else none.
std::vector<int> radices(int64_t n) {
  std::vector<int> out;
  while (n % 4 == 0) { out.push_back(4); n /= 4; }
  for (int r : {2, 3, 5, 7}) while (n % r == 0) { out.push_back(r); n /= r; }
  if (n != 1) out.clear();
  return out;
}

cd root(int64_t num, int64_t den) {
  const double a = -2.0 * kPi * static_cast<double>(num) / static_cast<double>(den);
  return cd(std::cos(a), std::sin(a));
}

// Lines from this long on (16 bytes a value: 1 MiB, an L2 cache) take the four-step path.
constexpr int64_t kFourStepFrom = int64_t{1} << 16;

// The largest divisor of n at most sqrt(n) (n of radices 2, 3, 5, 7 only: its divisors are few).
int64_t balanced_divisor(int64_t n) {
  int64_t best = 1;
  for (int64_t d = 2; d * d <= n; ++d)
    if (n % d == 0) best = d;
  return best;
}

// out (cols x rows) = the transpose of in (rows x cols), in tiles that stay in L1.
void transpose(const cd* in, int64_t rows, int64_t cols, cd* out) {
  constexpr int64_t T = 32;
  for (int64_t i0 = 0; i0 < rows; i0 += T)
    for (int64_t j0 = 0; j0 < cols; j0 += T) {
      const int64_t i1 = std::min(rows, i0 + T), j1 = std::min(cols, j0 + T);
      for (int64_t i = i0; i < i1; ++i)
        for (int64_t j = j0; j < j1; ++j) out[j * rows + i] = in[i * cols + j];
    }
}

}  // namespace

Plan::Plan(int64_t n) : n_(n), pow2_(is_pow2(n)) {
  if (n <= 1) return;
  const std::vector<int> rs = pow2_ ? std::vector<int>() : radices(n);
  if (n >= kFourStepFrom && (pow2_ || !rs.empty())) {
    const int64_t n1 = balanced_divisor(n);
    if (n1 >= 16) {
      first_ = std::make_unique<Plan>(n1);
      second_ = std::make_unique<Plan>(n / n1);
      split_ = 1;
      while (split_ * split_ < n) split_ <<= 1;
      fine_.resize(split_);
      for (int64_t r = 0; r < split_; ++r) fine_[r] = root(r, n);
      coarse_.resize((n + split_ - 1) / split_);
      for (int64_t q = 0; q < static_cast<int64_t>(coarse_.size()); ++q) coarse_[q] = root(q * split_, n);
      work_.resize(n);
      return;
    }
  }
  if (!rs.empty()) {
    int64_t rest = n;
    for (int r : rs) {
      Stage st{r, rest / r, {}};
      st.tw.resize(static_cast<size_t>(st.m * (r - 1)));
      for (int64_t p = 0; p < st.m; ++p)
        for (int u = 1; u < r; ++u) st.tw[p * (r - 1) + u - 1] = root((p * u) % rest, rest);
      stages_.push_back(std::move(st));
      rest /= r;
    }
    work_.resize(n);
    return;
  }
  if (pow2_) {
    twiddles_.resize(n / 2);
    for (int64_t k = 0; k < n / 2; ++k) twiddles_[k] = root(k, n);
    return;
  }
  const int64_t m = next_pow2(2 * n - 1);
  inner_ = std::make_unique<Plan>(m);
  chirp_.resize(n);
  for (int64_t k = 0; k < n; ++k) {
    // e^{-pi i k^2 / n}, with k^2 mod 2n keeping the angle small (and exact) however large k is.
    const int64_t q = static_cast<int64_t>((static_cast<unsigned __int128>(k) * static_cast<unsigned __int128>(k)) % static_cast<unsigned __int128>(2 * n));
    chirp_[k] = root(q, 2 * n);
  }
  kernel_.assign(m, cd(0, 0));
  kernel_[0] = std::conj(chirp_[0]);
  for (int64_t k = 1; k < n; ++k) kernel_[k] = kernel_[m - k] = std::conj(chirp_[k]);
  inner_->transform(kernel_.data(), false);
  work_.resize(m);
}

Plan::~Plan() = default;

void Plan::radix2(cd* data) const {
  const int64_t n = n_;
  for (int64_t i = 1, j = 0; i < n; ++i) {  // bit-reversal permutation
    int64_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(data[i], data[j]);
  }
  // The butterflies on plain doubles (std::complex's arithmetic keeps GCC from scheduling them
  // well: five times slower here), each value's parts interleaved as in std::complex.
  double* d = reinterpret_cast<double*>(data);
  const double* tw = reinterpret_cast<const double*>(twiddles_.data());
  for (int64_t len = 2; len <= n; len <<= 1) {
    const int64_t half = len / 2, step = n / len;
    for (int64_t start = 0; start < n; start += len) {
      double* a = d + 2 * start;
      double* b = a + 2 * half;
      for (int64_t k = 0; k < half; ++k) {
        const double wr = tw[2 * k * step], wi = tw[2 * k * step + 1];
        const double br = b[2 * k], bi = b[2 * k + 1];
        // The unit twiddle multiplies nothing (an inf times its zero part would make a nan).
        const double vr = k ? br * wr - bi * wi : br, vi = k ? br * wi + bi * wr : bi;
        const double ar = a[2 * k], ai = a[2 * k + 1];
        a[2 * k] = ar + vr;
        a[2 * k + 1] = ai + vi;
        b[2 * k] = ar - vr;
        b[2 * k + 1] = ai - vi;
      }
    }
  }
}

// The autosorting (Stockham) decimation-in-frequency transform: each stage reads x in strides and
// writes y in order, so no bit reversal; stage lengths shrink by the radix.
void Plan::stockham(cd* data) const {
  cd* x = data;
  cd* y = work_.data();
  int64_t s = 1;
  for (const Stage& st : stages_) {
    const int r = st.r;
    const int64_t m = st.m;
    cd w[7];  // the radix's roots, e^{-2 pi i k / r}; exact for 2 and 4
    for (int k = 0; k < r; ++k) w[k] = root(k, r);
    w[0] = cd(1, 0);
    if (r == 4) { w[1] = cd(0, -1); w[2] = cd(-1, 0); w[3] = cd(0, 1); }
    if (r == 2) w[1] = cd(-1, 0);
    cd c[7][7];  // c[u][t] = w^(t u)
    for (int u = 0; u < r; ++u) for (int t = 0; t < r; ++t) c[u][t] = w[(t * u) % r];
    for (int64_t p = 0; p < m; ++p) {
      const cd* tw = st.tw.data() + p * (r - 1);
      for (int64_t q = 0; q < s; ++q) {
        double ar[7] = {}, ai[7] = {};
        for (int t = 0; t < r; ++t) { const cd v = x[q + s * (p + t * m)]; ar[t] = v.real(); ai[t] = v.imag(); }
        double yr[7], yi[7];
        if (r == 2) {
          yr[0] = ar[0] + ar[1]; yi[0] = ai[0] + ai[1];
          yr[1] = ar[0] - ar[1]; yi[1] = ai[0] - ai[1];
        } else if (r == 4) {  // multiplications by -i, -1 and i are exact: none made
          const double s0r = ar[0] + ar[2], s0i = ai[0] + ai[2], d0r = ar[0] - ar[2], d0i = ai[0] - ai[2];
          const double s1r = ar[1] + ar[3], s1i = ai[1] + ai[3], d1r = ar[1] - ar[3], d1i = ai[1] - ai[3];
          yr[0] = s0r + s1r; yi[0] = s0i + s1i;
          yr[1] = d0r + d1i; yi[1] = d0i - d1r;
          yr[2] = s0r - s1r; yi[2] = s0i - s1i;
          yr[3] = d0r - d1i; yi[3] = d0i + d1r;
        } else {
          yr[0] = ar[0]; yi[0] = ai[0];
          for (int t = 1; t < r; ++t) { yr[0] += ar[t]; yi[0] += ai[t]; }  // the unit roots: sums only
          for (int u = 1; u < r; ++u) {
            double sr = ar[0], si = ai[0];
            for (int t = 1; t < r; ++t) {
              sr += ar[t] * c[u][t].real() - ai[t] * c[u][t].imag();
              si += ar[t] * c[u][t].imag() + ai[t] * c[u][t].real();
            }
            yr[u] = sr; yi[u] = si;
          }
        }
        cd* out = y + q + s * r * p;
        out[0] = cd(yr[0], yi[0]);
        for (int u = 1; u < r; ++u) out[s * u] = p ? mul(cd(yr[u], yi[u]), tw[u - 1]) : cd(yr[u], yi[u]);
      }
    }
    std::swap(x, y);
    s *= r;
  }
  if (x != data) std::copy(x, x + n_, data);
}

cd Plan::four_step_twiddle(int64_t m) const {
  const int64_t q = m / split_, r = m % split_;
  return r == 0 ? coarse_[q] : q == 0 ? fine_[r] : mul(coarse_[q], fine_[r]);
}

// x[j1 n2 + j2] -> X[k1 + n1 k2] = sum_j2 W_n^(j2 k1) W_n2^(j2 k2) sum_j1 x[j1 n2 + j2] W_n1^(j1 k1).
void Plan::four_step(cd* data) const {
  const int64_t n1 = first_->size(), n2 = second_->size();
  cd* t = work_.data();
  transpose(data, n1, n2, t);  // t[j2][j1]
  for (int64_t j2 = 0; j2 < n2; ++j2) {
    cd* row = t + j2 * n1;
    first_->transform(row, false);  // row[k1]
    // The unit twiddles (j2 = 0 or k1 = 0) multiply nothing, as in radix2.
    for (int64_t k1 = 1; j2 > 0 && k1 < n1; ++k1) row[k1] = mul(row[k1], four_step_twiddle((j2 * k1) % n_));
  }
  transpose(t, n2, n1, data);  // data[k1][j2]
  for (int64_t k1 = 0; k1 < n1; ++k1) second_->transform(data + k1 * n2, false);  // data[k1][k2]
  transpose(data, n1, n2, t);  // t[k2][k1] = X[k1 + n1 k2]
  std::copy(t, t + n_, data);
}

void Plan::transform(cd* data, bool inverse) const {
  if (n_ <= 1) return;
  // The backward transform is the conjugate of the forward one of the conjugate.
  if (inverse) for (int64_t k = 0; k < n_; ++k) data[k] = std::conj(data[k]);
  if (first_) {
    four_step(data);
  } else if (pow2_) {
    radix2(data);
  } else if (!stages_.empty()) {
    stockham(data);
  } else {
    const int64_t m = inner_->size();
    cd* w = work_.data();
    for (int64_t k = 0; k < n_; ++k) w[k] = mul(data[k], chirp_[k]);
    std::fill(w + n_, w + m, cd(0, 0));
    inner_->transform(w, false);
    for (int64_t k = 0; k < m; ++k) w[k] = mul(w[k], kernel_[k]);
    inner_->transform(w, true);
    const double inv_m = 1.0 / static_cast<double>(m);
    for (int64_t k = 0; k < n_; ++k) data[k] = mul(w[k] * inv_m, chirp_[k]);
  }
  if (inverse) for (int64_t k = 0; k < n_; ++k) data[k] = std::conj(data[k]);
}

// A real line's spectrum is real at frequency 0 and, for an even length, n/2: exactly +0 there, as
// numpy's, where rounding would leave a tiny imaginary part of either sign (and flip an angle by 2 pi).
static void real_bins(double* out, int64_t n) {
  if (n > 0) out[1] = 0;
  if (n > 0 && n % 2 == 0) out[n + 1] = 0;
}

// The first `count` transformed values, scaled, as (re, im) pairs.
static void store_pairs(const cd* buffer, int64_t count, double scale, double* out) {
  for (int64_t k = 0; k < count; ++k) {
    out[2 * k] = buffer[k].real() * scale;
    out[2 * k + 1] = buffer[k].imag() * scale;
  }
}

void c2c(const Plan& plan, const double* in, int64_t n_in, double* out, bool inverse, double scale, cd* buffer) {
  const int64_t n = plan.size(), take = std::min(n, n_in);
  for (int64_t k = 0; k < take; ++k) buffer[k] = cd(in[2 * k], in[2 * k + 1]);
  std::fill(buffer + take, buffer + n, cd(0, 0));
  plan.transform(buffer, inverse);
  store_pairs(buffer, n, scale, out);
}

void r2c(const Plan& plan, const double* in, int64_t n_in, double* out, bool inverse, bool half, double scale, cd* buffer) {
  const int64_t n = plan.size(), take = std::min(n, n_in);
  for (int64_t k = 0; k < take; ++k) buffer[k] = cd(in[k], 0);
  std::fill(buffer + take, buffer + n, cd(0, 0));
  plan.transform(buffer, inverse);
  store_pairs(buffer, half ? n / 2 + 1 : n, scale, out);
  real_bins(out, n);
}

void c2r(const Plan& plan, const double* in, int64_t n_in, double* out, double scale, cd* buffer) {
  const int64_t n = plan.size(), half = n / 2, take = std::min(half + 1, n_in);
  for (int64_t k = 0; k < take; ++k) buffer[k] = cd(in[2 * k], in[2 * k + 1]);
  std::fill(buffer + take, buffer + half + 1, cd(0, 0));
  if (n > 0) buffer[0].imag(0);
  if (n % 2 == 0 && n > 0) buffer[half].imag(0);
  for (int64_t k = half + 1; k < n; ++k) buffer[k] = std::conj(buffer[n - k]);
  plan.transform(buffer, true);
  for (int64_t k = 0; k < n; ++k) out[k] = buffer[k].real() * scale;
}

}  // namespace tessera::fft
