// See fft.h. Twiddles are computed directly (one cos and sin each, arguments reduced exactly where
// they grow: k^2 mod 2n for the chirp), so a transform's error is a few ulps times log2(n) of its
// largest value, as numpy's pocketfft.
#include "fft.h"

#include <algorithm>
#include <cmath>

#include "../common/error.h"

namespace tessera::fft {

namespace {

constexpr double kPi = 3.14159265358979323846;

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

Plan::Plan(int64_t n, bool half_only) : n_(n), half_only_(half_only) {
  if (n <= 1 || half_only) return;
  const std::vector<int> rs = radices(n);
  if (n >= kFourStepFrom && !rs.empty()) {
    const int64_t n1 = balanced_divisor(n);
    if (n1 >= 16) {
      first_ = std::make_unique<Plan>(n1);
      second_ = std::make_unique<Plan>(n / n1);
      roots_.build(n, n);
      work_.resize(n);
      return;
    }
  }
  if (!rs.empty()) {
    int64_t rest = n;
    for (int r : rs) {
      Stage st{r, rest / r, {}, {}};
      st.w.resize(2 * r);
      for (int k = 0; k < r; ++k) { const cd v = root(k, r); st.w[2 * k] = v.real(); st.w[2 * k + 1] = v.imag(); }
      st.w[0] = 1; st.w[1] = 0;
      if (r == 2) { st.w[2] = -1; st.w[3] = 0; }
      if (r == 4) { st.w[2] = 0; st.w[3] = -1; st.w[4] = -1; st.w[5] = 0; st.w[6] = 0; st.w[7] = 1; }
      st.tw.resize(static_cast<size_t>(2 * st.m * (r - 1)));
      for (int64_t p = 0; p < st.m; ++p)
        for (int u = 1; u < r; ++u) {
          const cd v = root((p * u) % rest, rest);
          st.tw[2 * (p * (r - 1) + u - 1)] = v.real();
          st.tw[2 * (p * (r - 1) + u - 1) + 1] = v.imag();
        }
      stages_.push_back(std::move(st));
      rest /= r;
    }
    lanes_.resize(static_cast<size_t>(4 * n * kFftLanes));
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

bool Plan::run_stages() const {
  const int64_t n = n_;
  double* xr = lanes_.data();
  double* xi = xr + n * kFftLanes;
  FftStage view[64];  // a length below 2^63 has fewer stages
  for (size_t g = 0; g < stages_.size(); ++g) view[g] = FftStage{stages_[g].r, stages_[g].m, stages_[g].w.data(), stages_[g].tw.data()};
  return op_table().fft_lanes(view, static_cast<int>(stages_.size()), n, xr, xi, xi + n * kFftLanes, xi + 2 * n * kFftLanes);
}

// Up to kFftLanes lines into the lanes' planes (conjugated for the backward transform, as the
// conjugate of the forward transform of the conjugate), the stages, and back. Lanes without a
// line hold zeros.
void Plan::smooth_many(cd* const* lines, int count, bool inverse) const {
  constexpr int L = kFftLanes;
  const int64_t n = n_;
  double* xr = lanes_.data();
  double* xi = xr + n * L;
  double* yr = xi + n * L;
  double* yi = yr + n * L;
  const double sign = inverse ? -1.0 : 1.0;
  for (int l = 0; l < L; ++l) {
    const cd* line = l < count ? lines[l] : nullptr;
    for (int64_t k = 0; k < n; ++k) {
      xr[k * L + l] = line ? line[k].real() : 0.0;
      xi[k * L + l] = line ? sign * line[k].imag() : 0.0;
    }
  }
  const bool in_y = run_stages();
  const double* zr = in_y ? yr : xr;
  const double* zi = in_y ? yi : xi;
  for (int l = 0; l < count; ++l)
    for (int64_t k = 0; k < n; ++k) lines[l][k] = cd(zr[k * L + l], sign * zi[k * L + l]);
}

void RootTables::build(int64_t n, int64_t count) {
  split = 1;
  while (split * split < count) split <<= 1;
  fine.resize(static_cast<size_t>(split));
  for (int64_t r = 0; r < split; ++r) fine[r] = root(r, n);
  coarse.resize(static_cast<size_t>((count + split - 1) / split));
  for (int64_t q = 0; q < static_cast<int64_t>(coarse.size()); ++q) coarse[q] = root(q * split, n);
}

cd RootTables::at(int64_t q, int64_t r) const { return r == 0 ? coarse[q] : q == 0 ? fine[r] : mul(coarse[q], fine[r]); }

// x[j1 n2 + j2] -> X[k1 + n1 k2] = sum_j2 W_n^(j2 k1) W_n2^(j2 k2) sum_j1 x[j1 n2 + j2] W_n1^(j1 k1).
void Plan::four_step(cd* data) const {
  const int64_t n1 = first_->size(), n2 = second_->size();
  cd* t = work_.data();
  std::vector<cd*> rows(static_cast<size_t>(std::max(n1, n2)));
  transpose(data, n1, n2, t);  // t[j2][j1]
  for (int64_t j2 = 0; j2 < n2; ++j2) rows[j2] = t + j2 * n1;
  first_->transform_many(rows.data(), n2, false);  // t[j2][k1]
  for (int64_t j2 = 1; j2 < n2; ++j2)  // the unit twiddles (j2 = 0 or k1 = 0) multiply nothing
    for (int64_t k1 = 1; k1 < n1; ++k1) t[j2 * n1 + k1] = mul(t[j2 * n1 + k1], roots_((j2 * k1) % n_));
  transpose(t, n2, n1, data);  // data[k1][j2]
  for (int64_t k1 = 0; k1 < n1; ++k1) rows[k1] = data + k1 * n2;
  second_->transform_many(rows.data(), n1, false);  // data[k1][k2]
  transpose(data, n1, n2, t);  // t[k2][k1] = X[k1 + n1 k2]
  std::copy(t, t + n_, data);
}

void Plan::bluestein(cd* data) const {
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

void Plan::transform(cd* data, bool inverse) const { transform_many(&data, 1, inverse); }

void Plan::transform_many(cd* const* lines, int64_t count, bool inverse) const {
  if (n_ <= 1) return;
  if (half_only_) throw Error("INTERNAL", "an FFT plan made for real lines was given complex ones", "this is a bug, please report it");
  if (!stages_.empty()) {
    for (int64_t l0 = 0; l0 < count; l0 += kFftLanes) smooth_many(lines + l0, static_cast<int>(std::min<int64_t>(kFftLanes, count - l0)), inverse);
    return;
  }
  for (int64_t l = 0; l < count; ++l) {
    cd* data = lines[l];
    // The backward transform is the conjugate of the forward one of the conjugate.
    if (inverse) for (int64_t k = 0; k < n_; ++k) data[k] = std::conj(data[k]);
    if (first_) four_step(data);
    else bluestein(data);
    if (inverse) for (int64_t k = 0; k < n_; ++k) data[k] = std::conj(data[k]);
  }
}

namespace {

// The ops that take the backward transform, and those that read real lines.
bool is_backward(LineOp op) { return op == LineOp::Backward || op == LineOp::RealOut || op == LineOp::RealBackward; }
bool reads_real(LineOp op) { return op == LineOp::RealHalf || op == LineOp::RealForward || op == LineOp::RealBackward; }

// A real line's spectrum is real at frequency 0 and, for an even length, n/2: exactly +0 there, as
// numpy's, where rounding would leave a tiny imaginary part of either sign (and flip an angle by 2 pi).
void real_bins(double* out, int64_t n) {
  out[1] = 0;
  if (n % 2 == 0) out[n + 1] = 0;
}

// One line into its buffer of n values, as its op reads it.
void load(LineOp op, int64_t n, const double* in, int64_t n_in, cd* buffer) {
  if (op == LineOp::RealOut) {
    const int64_t half = n / 2, take = std::min(half + 1, n_in);
    for (int64_t k = 0; k < take; ++k) buffer[k] = cd(in[2 * k], in[2 * k + 1]);
    std::fill(buffer + take, buffer + half + 1, cd(0, 0));
    buffer[0].imag(0);
    if (n % 2 == 0) buffer[half].imag(0);
    for (int64_t k = half + 1; k < n; ++k) buffer[k] = std::conj(buffer[n - k]);
    return;
  }
  const bool real = reads_real(op);
  const int64_t take = std::min(n, n_in);
  if (real) for (int64_t k = 0; k < take; ++k) buffer[k] = cd(in[k], 0);
  else for (int64_t k = 0; k < take; ++k) buffer[k] = cd(in[2 * k], in[2 * k + 1]);
  std::fill(buffer + take, buffer + n, cd(0, 0));
}

// One transformed line out of its buffer, scaled.
void store(LineOp op, int64_t n, const cd* buffer, double scale, double* out) {
  if (op == LineOp::RealOut) {
    for (int64_t k = 0; k < n; ++k) out[k] = buffer[k].real() * scale;
    return;
  }
  const int64_t count = op == LineOp::RealHalf ? n / 2 + 1 : n;
  for (int64_t k = 0; k < count; ++k) {
    out[2 * k] = buffer[k].real() * scale;
    out[2 * k + 1] = buffer[k].imag() * scale;
  }
  if (reads_real(op)) real_bins(out, n);
}

}  // namespace

// A smooth plan's lines go straight between the task's chunks and the lanes' planes (no buffer of
// pairs between): the data movement around the stages was as long as the stages themselves.
struct LineBatch {
  static bool run(const Plan& plan, LineOp op, const double* in, int64_t in_step, int64_t n_in, double* out, int64_t out_step,
                  int64_t count, double scale) {
    if (plan.stages_.empty()) return false;
    constexpr int L = kFftLanes;
    const int64_t n = plan.n_;
    double* xr = plan.lanes_.data();
    double* xi = xr + n * L;
    const bool real_in = reads_real(op);
    const double sign = is_backward(op) ? -1.0 : 1.0;  // the backward transform: the conjugate of the forward one of the conjugate
    for (int64_t l0 = 0; l0 < count; l0 += L) {
      const int c = static_cast<int>(std::min<int64_t>(L, count - l0));
      for (int l = 0; l < L; ++l) {
        const double* line = l < c ? in + (l0 + l) * in_step : nullptr;
        if (!line) {
          for (int64_t k = 0; k < n; ++k) { xr[k * L + l] = 0; xi[k * L + l] = 0; }
        } else if (op == LineOp::RealOut) {  // n/2 + 1 of a Hermitian line, the rest its mirror
          const int64_t half = n / 2, take = std::min(half + 1, n_in);
          for (int64_t k = 0; k <= half; ++k) {
            xr[k * L + l] = k < take ? line[2 * k] : 0.0;
            xi[k * L + l] = k < take && k != 0 && !(n % 2 == 0 && k == half) ? sign * line[2 * k + 1] : 0.0;
          }
          for (int64_t k = half + 1; k < n; ++k) { xr[k * L + l] = xr[(n - k) * L + l]; xi[k * L + l] = -xi[(n - k) * L + l]; }
        } else {
          const int64_t take = std::min(n, n_in);
          for (int64_t k = 0; k < take; ++k) {
            xr[k * L + l] = real_in ? line[k] : line[2 * k];
            xi[k * L + l] = real_in ? 0.0 : sign * line[2 * k + 1];
          }
          for (int64_t k = take; k < n; ++k) { xr[k * L + l] = 0; xi[k * L + l] = 0; }
        }
      }
      const bool in_y = plan.run_stages();
      const double* zr = in_y ? xi + n * L : xr;
      const double* zi = zr + n * L;
      for (int l = 0; l < c; ++l) {
        double* o = out + (l0 + l) * out_step;
        if (op == LineOp::RealOut) {
          for (int64_t k = 0; k < n; ++k) o[k] = zr[k * L + l] * scale;
          continue;
        }
        const int64_t m = op == LineOp::RealHalf ? n / 2 + 1 : n;
        for (int64_t k = 0; k < m; ++k) {
          o[2 * k] = zr[k * L + l] * scale;
          o[2 * k + 1] = sign * zi[k * L + l] * scale;
        }
        if (real_in) real_bins(o, n);
      }
    }
    return true;
  }
};

// Real lines of an even length from this long on are transformed as half as many complex values.
constexpr int64_t kRealByHalfFrom = 64;

bool by_half(LineOp op, int64_t n, int64_t n_in) {
  if (n % 2 != 0 || n < kRealByHalfFrom) return false;
  return op == LineOp::RealOut || (reads_real(op) && !(n_in < n && n_in % 2 != 0));
}

// A real line x of even length n read as n/2 complex values z[j] = x[2j] + i x[2j + 1] (as it lies
// in memory): Z, their transform of length h = n/2, holds the spectra of the even and the odd
// samples, E[k] = (Z[k] + conj Z[h - k]) / 2 and O[k] = (Z[k] - conj Z[h - k]) / 2i, and
// X[k] = E[k] + e^{-2 pi i k / n} O[k] for k <= h; the rest of a real line's spectrum is its mirror,
// X[n - k] = conj X[k]; the backward transform of a real line is the conjugate of the forward one.
// Half the passes of transforming the line as complex values with zero imaginary parts.
// A real output (irfft) the other way: from the Hermitian half X[0..h], 2E[k] = X[k] + conj X[h - k]
// and 2O[k] = (X[k] - conj X[h - k]) e^{+2 pi i k / n}; the backward transform of length h of
// 2E + 2iO holds the even samples in its real parts and the odd ones in its imaginary parts.
struct RealByHalf {
  static bool run(const Plan& plan, LineOp op, const double* in, int64_t in_step, int64_t n_in, double* out, int64_t out_step,
                  int64_t count, double scale) {
    const int64_t n = plan.n_;
    if (!by_half(op, n, n_in)) return false;
    const int64_t h = n / 2;
    tables(plan);
    if (op == LineOp::RealOut) return real_out(plan, in, in_step, n_in, out, out_step, count, scale);
    const RootTables& roots = plan.half_roots_;
    const bool backward = op == LineOp::RealBackward;
    const bool mirror = op != LineOp::RealHalf;
    // Lines in batches of about 1 MiB of half spectra (at least one line).
    const int64_t batch = std::max<int64_t>(1, (int64_t{1} << 16) / h);
    LargeVector<double> z(static_cast<size_t>(2 * h * std::min(batch, count)));
    for (int64_t l0 = 0; l0 < count; l0 += batch) {
      const int64_t c = std::min(batch, count - l0);
      transform_lines(*plan.half_, LineOp::Forward, in + l0 * in_step, in_step, std::min(n_in, n) / 2, z.data(), 2 * h, c, 1.0);
      for (int64_t l = 0; l < c; ++l) {
        const double* zl = z.data() + 2 * h * l;
        double* o = out + (l0 + l) * out_step;
        const double sign = backward ? -scale : scale;  // the imaginary parts' factor
        auto put = [&](int64_t k, cd x) { o[2 * k] = x.real() * scale; o[2 * k + 1] = x.imag() * sign; };
        // k = q split + r, counted without a division per bin.
        for (int64_t k = 1, q = 0, r = 1; k < h; ++k) {
          const cd w = roots.at(q, r);
          const cd a(zl[2 * k], zl[2 * k + 1]), b(zl[2 * (h - k)], -zl[2 * (h - k) + 1]);
          const cd e = (a + b) * 0.5, d = (a - b) * 0.5;
          const cd x = e + mul(w, cd(d.imag(), -d.real()));
          put(k, x);
          if (mirror) put(n - k, std::conj(x));
          if (++r == roots.split) { r = 0; ++q; }
        }
        o[0] = (zl[0] + zl[1]) * scale;
        o[2 * h] = (zl[0] - zl[1]) * scale;
        real_bins(o, n);
      }
    }
    return true;
  }

  // The half-length plan and the roots e^{-2 pi i k / n}, k < n/2 (fine and coarse tables), made once.
  static void tables(const Plan& plan) {
    if (plan.half_) return;
    const int64_t n = plan.n_, h = n / 2;
    plan.half_ = std::make_unique<Plan>(h);
    plan.half_roots_.build(n, h);
  }

  static bool real_out(const Plan& plan, const double* in, int64_t in_step, int64_t n_in, double* out, int64_t out_step, int64_t count,
                       double scale) {
    const int64_t n = plan.n_, h = n / 2;
    const RootTables& roots = plan.half_roots_;
    const int64_t take = std::min(h + 1, n_in);  // bins past the input's end are zero
    // X[k] as numpy's irfft reads it: the imaginary parts at 0 and at h ignored.
    auto bin = [&](const double* line, int64_t k) {
      if (k >= take) return cd(0, 0);
      return cd(line[2 * k], k == 0 || k == h ? 0.0 : line[2 * k + 1]);
    };
    const int64_t batch = std::max<int64_t>(1, (int64_t{1} << 16) / h);
    LargeVector<double> z(static_cast<size_t>(2 * h * std::min(batch, count))), y(z.size());
    for (int64_t l0 = 0; l0 < count; l0 += batch) {
      const int64_t c = std::min(batch, count - l0);
      for (int64_t l = 0; l < c; ++l) {
        const double* line = in + (l0 + l) * in_step;
        double* zl = z.data() + 2 * h * l;
        for (int64_t k = 0, q = 0, r = 0; k < h; ++k) {
          const cd w = roots.at(q, r);
          const cd a = bin(line, k), b = std::conj(bin(line, h - k));
          const cd e2 = a + b, o2 = mul(a - b, std::conj(w));
          zl[2 * k] = e2.real() - o2.imag();  // 2E + i 2O
          zl[2 * k + 1] = e2.imag() + o2.real();
          if (++r == roots.split) { r = 0; ++q; }
        }
      }
      transform_lines(*plan.half_, LineOp::Backward, z.data(), 2 * h, h, y.data(), 2 * h, c, 1.0);
      for (int64_t l = 0; l < c; ++l) {
        const double* yl = y.data() + 2 * h * l;
        double* o = out + (l0 + l) * out_step;
        for (int64_t k = 0; k < n; ++k) o[k] = yl[k] * scale;  // even samples real parts, odd ones imaginary: as they lie
      }
    }
    return true;
  }
};

void transform_lines(const Plan& plan, LineOp op, const double* in, int64_t in_step, int64_t n_in, double* out, int64_t out_step,
                     int64_t count, double scale) {
  const int64_t n = plan.size();
  if (n == 0 || count == 0) return;
  if (RealByHalf::run(plan, op, in, in_step, n_in, out, out_step, count, scale)) return;
  if (LineBatch::run(plan, op, in, in_step, n_in, out, out_step, count, scale)) return;
  // Four-step and Bluestein plans transform one line at a time: one line's buffer.
  const bool inverse = is_backward(op);
  LargeVector<cd> buffer(static_cast<size_t>(n));
  cd* line = buffer.data();
  for (int64_t l = 0; l < count; ++l) {
    load(op, n, in + l * in_step, n_in, line);
    plan.transform_many(&line, 1, inverse);
    store(op, n, line, scale, out + l * out_step);
  }
}

}  // namespace tessera::fft
