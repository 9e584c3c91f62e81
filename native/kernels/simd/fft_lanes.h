// FFT stages over kFftLanes lines at once (kernels/fft.cc's plans of radices 2, 3, 4, 5, 7).
// Part of ops_impl.h: included inside its per-level anonymous namespace (see there), never alone.
// The autosorting (Stockham) decimation-in-frequency transform: each stage reads x in strides and
// writes y in order, so no bit reversal; stage lengths shrink by the radix. Values are split into
// real and imaginary planes, lane-minor (value k of line l at k * kFftLanes + l), so every
// butterfly is a loop over the lanes that the vectoriser maps to any width with the same
// operations per lane: one line's result does not depend on the level or on its neighbours.
// The unit twiddles (p = 0) multiply nothing: an inf times a twiddle's zero part would make a nan.
// One stage of radix R (a constant, so the butterfly's loops unroll and its values stay in
// registers): x -> y with stride s, m butterflies' groups.
template <int R>
void fft_stage(const FftStage& st, int64_t s, const double* __restrict xr, const double* __restrict xi, double* __restrict yr, double* __restrict yi) {
  constexpr int L = kFftLanes;
  const int64_t m = st.m;
  double cr[R][R], ci[R][R];  // c[u][t] = w^(t u), w the radix's roots
  for (int u = 0; u < R; ++u)
    for (int t = 0; t < R; ++t) { cr[u][t] = st.w[2 * ((t * u) % R)]; ci[u][t] = st.w[2 * ((t * u) % R) + 1]; }
  for (int64_t p = 0; p < m; ++p) {
    const double* tw = st.tw + 2 * p * (R - 1);
    for (int64_t q = 0; q < s; ++q) {
      double ar[R][L], ai[R][L], zr[R][L], zi[R][L];
      for (int t = 0; t < R; ++t) {
        const int64_t at = (q + s * (p + t * m)) * L;
        for (int l = 0; l < L; ++l) { ar[t][l] = xr[at + l]; ai[t][l] = xi[at + l]; }
      }
      if constexpr (R == 2) {
        for (int l = 0; l < L; ++l) {
          zr[0][l] = ar[0][l] + ar[1][l]; zi[0][l] = ai[0][l] + ai[1][l];
          zr[1][l] = ar[0][l] - ar[1][l]; zi[1][l] = ai[0][l] - ai[1][l];
        }
      } else if constexpr (R == 4) {  // multiplications by -i, -1 and i are exact: none made
        for (int l = 0; l < L; ++l) {
          const double s0r = ar[0][l] + ar[2][l], s0i = ai[0][l] + ai[2][l], d0r = ar[0][l] - ar[2][l], d0i = ai[0][l] - ai[2][l];
          const double s1r = ar[1][l] + ar[3][l], s1i = ai[1][l] + ai[3][l], d1r = ar[1][l] - ar[3][l], d1i = ai[1][l] - ai[3][l];
          zr[0][l] = s0r + s1r; zi[0][l] = s0i + s1i;
          zr[1][l] = d0r + d1i; zi[1][l] = d0i - d1r;
          zr[2][l] = s0r - s1r; zi[2][l] = s0i - s1i;
          zr[3][l] = d0r - d1i; zi[3][l] = d0i + d1r;
        }
      } else {
        for (int l = 0; l < L; ++l) { zr[0][l] = ar[0][l]; zi[0][l] = ai[0][l]; }
        for (int t = 1; t < R; ++t)  // the unit roots: sums only
          for (int l = 0; l < L; ++l) { zr[0][l] += ar[t][l]; zi[0][l] += ai[t][l]; }
        for (int u = 1; u < R; ++u) {
          for (int l = 0; l < L; ++l) { zr[u][l] = ar[0][l]; zi[u][l] = ai[0][l]; }
          for (int t = 1; t < R; ++t) {
            const double c = cr[u][t], d = ci[u][t];
            for (int l = 0; l < L; ++l) {
              zr[u][l] += ar[t][l] * c - ai[t][l] * d;
              zi[u][l] += ar[t][l] * d + ai[t][l] * c;
            }
          }
        }
      }
      const int64_t out = (q + s * R * p) * L;
      for (int l = 0; l < L; ++l) { yr[out + l] = zr[0][l]; yi[out + l] = zi[0][l]; }
      for (int u = 1; u < R; ++u) {
        const int64_t at = out + s * u * L;
        if (p == 0) {
          for (int l = 0; l < L; ++l) { yr[at + l] = zr[u][l]; yi[at + l] = zi[u][l]; }
        } else {
          const double wr = tw[2 * (u - 1)], wi = tw[2 * (u - 1) + 1];
          for (int l = 0; l < L; ++l) {
            yr[at + l] = zr[u][l] * wr - zi[u][l] * wi;
            yi[at + l] = zr[u][l] * wi + zi[u][l] * wr;
          }
        }
      }
    }
  }
}

bool fft_lanes(const FftStage* stages, int count, int64_t n, double* xr, double* xi, double* yr, double* yi) {
  (void)n;
  int64_t s = 1;
  bool in_y = false;
  for (int g = 0; g < count; ++g) {
    const FftStage& st = stages[g];
    switch (st.r) {
      case 2: fft_stage<2>(st, s, xr, xi, yr, yi); break;
      case 3: fft_stage<3>(st, s, xr, xi, yr, yi); break;
      case 4: fft_stage<4>(st, s, xr, xi, yr, yi); break;
      case 5: fft_stage<5>(st, s, xr, xi, yr, yi); break;
      default: fft_stage<7>(st, s, xr, xi, yr, yi); break;
    }
    std::swap(xr, yr);
    std::swap(xi, yi);
    in_y = !in_y;
    s *= st.r;
  }
  return in_y;
}
