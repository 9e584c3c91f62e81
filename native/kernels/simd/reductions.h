// Reductions: compensated float sums over kLanes accumulators, means, variances (two passes
// per piece, merged by Chan's formula), products, min/max, arg-min/max, any/all, counts; each
// with a whole-block (scalar) and a per-slot (vector) form.
// Part of ops_impl.h: included inside its per-level anonymous namespace (see there), never alone.
// Float sums: kLanes partial sums over the block, combined pairwise, then added to the slot with
// Neumaier compensation (planes: sum, compensation). The block is small (kBlock elements), so
// the error is that of a pairwise sum over the whole chunk.

inline double lanes_total(double (&acc)[kLanes]) {
  for (int w = kLanes / 2; w >= 1; w /= 2)
    for (int l = 0; l < w; ++l) acc[l] += acc[l + w];
  return acc[0];
}

// Lane l accumulates elements i with i % 16 == l (whole 16-element groups, then the tail into
// lanes 0, 1, ...); lanes_total adds them pairwise. The SIMD builds keep the 16 lanes in
// registers (2 zmm or 4 ymm) with exactly this order, so every level gives the same bits.
template <class F> inline double lanes_reduce(const double* __restrict v, int64_t n, F term) {
  alignas(64) double acc[kLanes] = {};
  int64_t i = 0;
#if defined(__AVX512F__)
  __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
  for (; i + kLanes <= n; i += kLanes) {
    a0 = _mm512_add_pd(a0, term(_mm512_loadu_pd(v + i)));
    a1 = _mm512_add_pd(a1, term(_mm512_loadu_pd(v + i + 8)));
  }
  _mm512_store_pd(acc, a0);
  _mm512_store_pd(acc + 8, a1);
#elif defined(__AVX2__)
  __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd(), a2 = _mm256_setzero_pd(), a3 = _mm256_setzero_pd();
  for (; i + kLanes <= n; i += kLanes) {
    a0 = _mm256_add_pd(a0, term(_mm256_loadu_pd(v + i)));
    a1 = _mm256_add_pd(a1, term(_mm256_loadu_pd(v + i + 4)));
    a2 = _mm256_add_pd(a2, term(_mm256_loadu_pd(v + i + 8)));
    a3 = _mm256_add_pd(a3, term(_mm256_loadu_pd(v + i + 12)));
  }
  _mm256_store_pd(acc, a0);
  _mm256_store_pd(acc + 4, a1);
  _mm256_store_pd(acc + 8, a2);
  _mm256_store_pd(acc + 12, a3);
#else
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) acc[l] += term(v[i + l]);
#endif
  for (int l = 0; i < n && l < kLanes; ++i, ++l) acc[l] += term(v[i]);  // fewer than kLanes left
  return lanes_total(acc);
}

// How far ahead (elements) a streaming loop asks for memory: a loop that does more than a sum's
// arithmetic per byte keeps too few loads in flight to stream at a thread's full speed without
// the hint (the variance was 20% slower than a sum). A prefetch never faults; the address is made
// from an integer so one past the end of the data is never formed as a pointer.
constexpr int64_t kPrefetchAhead = 512;
inline void prefetch_ahead(const double* base, int64_t element) {
  const uintptr_t at = reinterpret_cast<uintptr_t>(base) + static_cast<uintptr_t>(element) * sizeof(double);
  __builtin_prefetch(reinterpret_cast<const void*>(at));
  __builtin_prefetch(reinterpret_cast<const void*>(at + 64));
}

// Two lanes_reduce at once over two arrays of the same length, a multiple of kLanes: the same
// bits as two separate calls (each array keeps its own 16 lanes in the same order), in one loop,
// so a pass over memory and a pass over L1 overlap instead of taking turns.
template <class F, class G>
inline void lanes_reduce_pair(const double* __restrict a, F fa, double& ra, const double* __restrict b, G fb, double& rb, int64_t n) {
  alignas(64) double acc_a[kLanes] = {}, acc_b[kLanes] = {};
  int64_t i = 0;
#if defined(__AVX512F__)
  __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd(), b0 = _mm512_setzero_pd(), b1 = _mm512_setzero_pd();
  for (; i + kLanes <= n; i += kLanes) {
    prefetch_ahead(a, i + kPrefetchAhead);
    a0 = _mm512_add_pd(a0, fa(_mm512_loadu_pd(a + i)));
    a1 = _mm512_add_pd(a1, fa(_mm512_loadu_pd(a + i + 8)));
    b0 = _mm512_add_pd(b0, fb(_mm512_loadu_pd(b + i)));
    b1 = _mm512_add_pd(b1, fb(_mm512_loadu_pd(b + i + 8)));
  }
  _mm512_store_pd(acc_a, a0); _mm512_store_pd(acc_a + 8, a1);
  _mm512_store_pd(acc_b, b0); _mm512_store_pd(acc_b + 8, b1);
#elif defined(__AVX2__)
  __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd(), a2 = _mm256_setzero_pd(), a3 = _mm256_setzero_pd();
  __m256d b0 = _mm256_setzero_pd(), b1 = _mm256_setzero_pd(), b2 = _mm256_setzero_pd(), b3 = _mm256_setzero_pd();
  for (; i + kLanes <= n; i += kLanes) {
    prefetch_ahead(a, i + kPrefetchAhead);
    a0 = _mm256_add_pd(a0, fa(_mm256_loadu_pd(a + i)));
    a1 = _mm256_add_pd(a1, fa(_mm256_loadu_pd(a + i + 4)));
    a2 = _mm256_add_pd(a2, fa(_mm256_loadu_pd(a + i + 8)));
    a3 = _mm256_add_pd(a3, fa(_mm256_loadu_pd(a + i + 12)));
    b0 = _mm256_add_pd(b0, fb(_mm256_loadu_pd(b + i)));
    b1 = _mm256_add_pd(b1, fb(_mm256_loadu_pd(b + i + 4)));
    b2 = _mm256_add_pd(b2, fb(_mm256_loadu_pd(b + i + 8)));
    b3 = _mm256_add_pd(b3, fb(_mm256_loadu_pd(b + i + 12)));
  }
  _mm256_store_pd(acc_a, a0); _mm256_store_pd(acc_a + 4, a1); _mm256_store_pd(acc_a + 8, a2); _mm256_store_pd(acc_a + 12, a3);
  _mm256_store_pd(acc_b, b0); _mm256_store_pd(acc_b + 4, b1); _mm256_store_pd(acc_b + 8, b2); _mm256_store_pd(acc_b + 12, b3);
#else
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) { acc_a[l] += fa(a[i + l]); acc_b[l] += fb(b[i + l]); }
#endif
  ra = lanes_total(acc_a);
  rb = lanes_total(acc_b);
}

struct Identity {
  double operator()(double x) const { return x; }
#if defined(__AVX512F__)
  __m512d operator()(__m512d x) const { return x; }
#elif defined(__AVX2__)
  __m256d operator()(__m256d x) const { return x; }
#endif
};

// x - shift: the variance's first pass sums each piece shifted by the block's first element, so
// equal elements give a mean of exactly that element and a variance of exactly 0 (an unshifted
// mean of n equal values can be an ulp off, and then so are all the deviations).
struct Shifted {
  double shift;
  double operator()(double x) const { return x - shift; }
#if defined(__AVX512F__)
  __m512d operator()(__m512d x) const { return _mm512_sub_pd(x, _mm512_set1_pd(shift)); }
#elif defined(__AVX2__)
  __m256d operator()(__m256d x) const { return _mm256_sub_pd(x, _mm256_set1_pd(shift)); }
#endif
};

// (x - mean)^2, for the second pass of a block's variance.
struct SquaredDeviation {
  double mean;
  double operator()(double x) const { double d = x - mean; return d * d; }
#if defined(__AVX512F__)
  __m512d operator()(__m512d x) const { __m512d d = _mm512_sub_pd(x, _mm512_set1_pd(mean)); return _mm512_mul_pd(d, d); }
#elif defined(__AVX2__)
  __m256d operator()(__m256d x) const { __m256d d = _mm256_sub_pd(x, _mm256_set1_pd(mean)); return _mm256_mul_pd(d, d); }
#endif
};

inline double block_sum(const double* __restrict v, int64_t n) { return lanes_reduce(v, n, Identity{}); }

inline double block_sq_dev(const double* __restrict v, int64_t n, double mean) { return lanes_reduce(v, n, SquaredDeviation{mean}); }

template <class A> A* P(ReduceSlots s, int k) { return static_cast<A*>(s.plane[k]); }

// i0 + j * is in wrapping arithmetic: exact for a plan's indices, defined for any input.
inline int64_t wrap_index(int64_t i0, int64_t j, int64_t is) {
  return static_cast<int64_t>(static_cast<uint64_t>(i0) + static_cast<uint64_t>(j) * static_cast<uint64_t>(is));
}

template <class A> void r_sum_scalar(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const A* v = static_cast<const A*>(v_);
  if constexpr (is_float<A>) {
    neumaier(P<double>(s, 0)[slot], P<double>(s, 1)[slot], block_sum(v, n));
  } else {
    uint64_t acc[kLanes] = {};
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
      for (int l = 0; l < kLanes; ++l) acc[l] += static_cast<uint64_t>(v[i + l]);
    for (; i < n; ++i) acc[0] += static_cast<uint64_t>(v[i]);
    uint64_t t = 0;
    for (int l = 0; l < kLanes; ++l) t += acc[l];
    P<A>(s, 0)[slot] = static_cast<A>(static_cast<uint64_t>(P<A>(s, 0)[slot]) + t);
  }
}
template <class A> void r_sum_vector(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const A* __restrict v = static_cast<const A*>(v_);
  if constexpr (is_float<A>) {
    double* __restrict sum = P<double>(s, 0) + slot;
    double* __restrict comp = P<double>(s, 1) + slot;
    for (int64_t j = 0; j < n; ++j) {
      double a = sum[j], x = v[j], t = a + x;
      double corr = std::fabs(a) >= std::fabs(x) ? (a - t) + x : (x - t) + a;
      comp[j] += std::isfinite(t) ? corr : 0.0;
      sum[j] = t;
    }
  } else {
    A* __restrict sum = P<A>(s, 0) + slot;
    for (int64_t j = 0; j < n; ++j) sum[j] = wrap_add(sum[j], v[j]);
  }
}
template <class A> void r_mean_scalar(ReduceSlots s, int64_t slot, const void* v, int64_t n, int64_t i0, int64_t is) {
  r_sum_scalar<double>(s, slot, v, n, i0, is);
  P<double>(s, 2)[slot] += static_cast<double>(n);
}
template <class A> void r_mean_vector(ReduceSlots s, int64_t slot, const void* v, int64_t n, int64_t i0, int64_t is) {
  r_sum_vector<double>(s, slot, v, n, i0, is);
  double* __restrict cnt = P<double>(s, 2) + slot;
  for (int64_t j = 0; j < n; ++j) cnt[j] += 1.0;
}
// Variance state (count, mean, M2); blocks merge by Chan et al.'s parallel formula.
inline void chan_merge(double& na, double& ma, double& m2a, double nb, double mb, double m2b) {
  if (nb == 0) return;
  // Into an empty state, copy: d * d of a mean near 1e300 is inf, and inf * 0 would be NaN.
  if (na == 0) { na = nb; ma = mb; m2a = m2b; return; }
  double n = na + nb, d = mb - ma;
  ma = ma + d * (nb / n);
  m2a = m2a + m2b + d * d * (na * nb / n);
  na = n;
}
// Two passes per piece of kVarPiece elements (16 KB): the mean, then (x - mean)^2 from L1 while
// the piece is still there; pieces merge by Chan's formula. The second pass over a piece runs in
// the same loop as the first pass over the next one, so memory keeps streaming: the variance
// then reads memory as fast as a sum does (one 128 KB block's second pass, from L2 and in turn,
// cost a quarter of the speed).
constexpr int64_t kVarPiece = 2048;
template <class A> void r_var_scalar(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const double* v = static_cast<const double*>(v_);
  double& cnt = P<double>(s, 0)[slot];
  double& mean = P<double>(s, 1)[slot];
  double& m2 = P<double>(s, 2)[slot];
  const double len = static_cast<double>(kVarPiece);
  const int64_t whole = n / kVarPiece;  // full pieces; the rest is one short piece
  if (n == 0) return;
  // (No shift by a non-finite or huge first element: x - shift could overflow where x alone does not.)
  const Shifted shifted{std::isfinite(v[0]) && std::fabs(v[0]) <= 1e300 ? v[0] : 0.0};
  const auto piece_mean = [&](double shifted_sum, double count) { return shifted.shift + shifted_sum / count; };
  if (whole > 0) {
    // prev_mean belongs to the piece before `piece`, whose second pass has not run yet.
    double prev_mean = piece_mean(lanes_reduce(v, kVarPiece, shifted), len);
    for (int64_t p = 1; p < whole; ++p) {
      const double* piece = v + p * kVarPiece;
      double sum, m2_prev;
      lanes_reduce_pair(piece, shifted, sum, piece - kVarPiece, SquaredDeviation{prev_mean}, m2_prev, kVarPiece);
      chan_merge(cnt, mean, m2, len, prev_mean, m2_prev);
      prev_mean = piece_mean(sum, len);
    }
    chan_merge(cnt, mean, m2, len, prev_mean, block_sq_dev(v + (whole - 1) * kVarPiece, kVarPiece, prev_mean));
  }
  const int64_t rest = n - whole * kVarPiece;
  if (rest > 0) {
    const double* tail = v + whole * kVarPiece;
    double mb = piece_mean(lanes_reduce(tail, rest, shifted), static_cast<double>(rest));
    chan_merge(cnt, mean, m2, static_cast<double>(rest), mb, block_sq_dev(tail, rest, mb));
  }
}
template <class A> void r_var_vector(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const double* __restrict v = static_cast<const double*>(v_);
  double* __restrict cnt = P<double>(s, 0) + slot;
  double* __restrict mean = P<double>(s, 1) + slot;
  double* __restrict m2 = P<double>(s, 2) + slot;
  for (int64_t j = 0; j < n; ++j) {  // Welford, one element per slot
    double c = cnt[j] + 1.0, d = v[j] - mean[j];
    double m = mean[j] + d / c;
    m2[j] += d * (v[j] - m);
    mean[j] = m;
    cnt[j] = c;
  }
}
// Float products are compensated (planes: product, error; see compensated_sum.h).
template <class A> void r_prod_scalar(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const A* v = static_cast<const A*>(v_);
  A acc = P<A>(s, 0)[slot];
  if constexpr (is_float<A>) {
    double err = P<double>(s, 1)[slot];
    for (int64_t i = 0; i < n; ++i) compensated_mul(acc, err, v[i]);
    P<double>(s, 1)[slot] = err;
  } else {
    for (int64_t i = 0; i < n; ++i) acc = wrap_mul(acc, v[i]);
  }
  P<A>(s, 0)[slot] = acc;
}
template <class A> void r_prod_vector(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const A* __restrict v = static_cast<const A*>(v_);
  A* __restrict p = P<A>(s, 0) + slot;
  if constexpr (is_float<A>) {
    double* __restrict err = P<double>(s, 1) + slot;
    for (int64_t j = 0; j < n; ++j) compensated_mul(p[j], err[j], v[j]);
  } else {
    for (int64_t j = 0; j < n; ++j) p[j] = wrap_mul(p[j], v[j]);
  }
}
// min/max: NaN wins (numpy propagates it). A lane keeps NaN once it has seen one, so the loop is
// compare-and-blend only and vectorises.
template <class A, bool Max> inline A pick(A x, A acc) {
  // Bitwise | (not ||): no short circuit, so the compiler can if-convert to compare + blend.
  if constexpr (is_float<A>) return ((Max ? x > acc : x < acc) | (x != x)) ? x : acc;
  else return (Max ? x > acc : x < acc) ? x : acc;
}
// min/max of a block of doubles, starting from `cur` (not NaN). Returns NaN if any value is NaN.
// Keeps the first of equal values, like the scalar loop, so every level gives the same bits.
template <bool Max> double minmax_f64(const double* __restrict v, int64_t n, double cur) {
  int64_t i = 0;
#if defined(__AVX512F__)
  __m512d acc[4];
  __mmask8 nan = 0;
  for (int k = 0; k < 4; ++k) acc[k] = _mm512_set1_pd(cur);
  for (; i + 32 <= n; i += 32) {
    prefetch_ahead(v, i + kPrefetchAhead);
    prefetch_ahead(v, i + kPrefetchAhead + 16);
    for (int k = 0; k < 4; ++k) {
      __m512d x = _mm512_loadu_pd(v + i + 8 * k);
      __mmask8 better = _mm512_cmp_pd_mask(x, acc[k], Max ? _CMP_GT_OQ : _CMP_LT_OQ);
      nan |= _mm512_cmp_pd_mask(x, x, _CMP_UNORD_Q);
      acc[k] = _mm512_mask_mov_pd(acc[k], better, x);
    }
  }
  if (nan) return std::numeric_limits<double>::quiet_NaN();
  alignas(64) double lanes[32];
  for (int k = 0; k < 4; ++k) _mm512_store_pd(lanes + 8 * k, acc[k]);
  for (double x : lanes) cur = pick<double, Max>(x, cur);
#elif defined(__AVX2__)
  __m256d acc[4], nan = _mm256_setzero_pd();
  for (int k = 0; k < 4; ++k) acc[k] = _mm256_set1_pd(cur);
  for (; i + 16 <= n; i += 16) {
    prefetch_ahead(v, i + kPrefetchAhead);
    for (int k = 0; k < 4; ++k) {
      __m256d x = _mm256_loadu_pd(v + i + 4 * k);
      __m256d better = _mm256_cmp_pd(x, acc[k], Max ? _CMP_GT_OQ : _CMP_LT_OQ);
      nan = _mm256_or_pd(nan, _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
      acc[k] = _mm256_blendv_pd(acc[k], x, better);
    }
  }
  if (_mm256_movemask_pd(nan)) return std::numeric_limits<double>::quiet_NaN();
  alignas(32) double lanes[16];
  for (int k = 0; k < 4; ++k) _mm256_store_pd(lanes + 4 * k, acc[k]);
  for (double x : lanes) cur = pick<double, Max>(x, cur);
#endif
  for (; i < n; ++i) cur = pick<double, Max>(v[i], cur);
  return cur;
}

template <class A, bool Max> void r_minmax_scalar(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const A* __restrict v = static_cast<const A*>(v_);
  A cur = P<A>(s, 0)[slot];
  if constexpr (is_float<A>) {
    if (cur == cur) P<A>(s, 0)[slot] = minmax_f64<Max>(v, n, cur);
    return;
  } else {
    A acc[kLanes];
    for (int l = 0; l < kLanes; ++l) acc[l] = cur;
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
      for (int l = 0; l < kLanes; ++l) acc[l] = pick<A, Max>(v[i + l], acc[l]);
    for (; i < n; ++i) acc[0] = pick<A, Max>(v[i], acc[0]);
    for (int l = 0; l < kLanes; ++l) cur = pick<A, Max>(acc[l], cur);
    P<A>(s, 0)[slot] = cur;
  }
}
template <class A, bool Max> void r_minmax_vector(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const A* __restrict v = static_cast<const A*>(v_);
  A* __restrict m = P<A>(s, 0) + slot;
  for (int64_t j = 0; j < n; ++j) m[j] = Max ? nan_max(m[j], v[j]) : nan_min(m[j], v[j]);
}
// argmin/argmax state (value, index); index -1 = empty. The first occurrence wins, and the first
// NaN wins over everything (numpy's rule).
template <class A, bool Max> inline bool arg_better(A x, A best, bool best_is_nan) {
  if (best_is_nan) return false;
  if constexpr (is_float<A>) { if (x != x) return true; }
  return Max ? x > best : x < best;
}
template <class A, bool Max> void r_arg_scalar(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t i0, int64_t is) {
  const A* v = static_cast<const A*>(v_);
  A best = P<A>(s, 0)[slot];
  A idx = P<A>(s, 1)[slot];
  bool empty = idx == static_cast<A>(-1);  // -1, or the all-ones value for unsigned types
  bool best_nan = false;
  if constexpr (is_float<A>) best_nan = !empty && best != best;
  for (int64_t j = 0; j < n; ++j) {
    A x = v[j];
    if (empty || arg_better<A, Max>(x, best, best_nan)) {
      best = x;
      idx = static_cast<A>(wrap_index(i0, j, is));
      empty = false;
      if constexpr (is_float<A>) best_nan = x != x;
    }
  }
  P<A>(s, 0)[slot] = best;
  P<A>(s, 1)[slot] = idx;
}
template <class A, bool Max> void r_arg_vector(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t i0, int64_t is) {
  const A* v = static_cast<const A*>(v_);
  A* best = P<A>(s, 0) + slot;
  A* idx = P<A>(s, 1) + slot;
  for (int64_t j = 0; j < n; ++j) {
    bool empty = idx[j] == static_cast<A>(-1);
    bool best_nan = false;
    if constexpr (is_float<A>) best_nan = !empty && best[j] != best[j];
    if (empty || arg_better<A, Max>(v[j], best[j], best_nan)) { best[j] = v[j]; idx[j] = static_cast<A>(wrap_index(i0, j, is)); }
  }
}
// any / all / count_nonzero take 0/1 values (the planner compares with zero first).
template <class A> void r_any_scalar(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const int64_t* v = static_cast<const int64_t*>(v_);
  int64_t acc = 0;
  for (int64_t i = 0; i < n; ++i) acc |= v[i];
  P<int64_t>(s, 0)[slot] |= acc;
}
template <class A> void r_all_scalar(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const int64_t* v = static_cast<const int64_t*>(v_);
  int64_t acc = 1;
  for (int64_t i = 0; i < n; ++i) acc &= v[i];
  P<int64_t>(s, 0)[slot] &= acc;
}
template <class A> void r_count_scalar(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const int64_t* v = static_cast<const int64_t*>(v_);
  uint64_t acc = 0;  // wrapping: defined for any input, exact for the 0/1 values a plan gives
  for (int64_t i = 0; i < n; ++i) acc += static_cast<uint64_t>(v[i]);
  P<int64_t>(s, 0)[slot] = wrap_add(P<int64_t>(s, 0)[slot], static_cast<int64_t>(acc));
}
template <class A> void r_any_vector(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const int64_t* __restrict v = static_cast<const int64_t*>(v_);
  int64_t* __restrict a = P<int64_t>(s, 0) + slot;
  for (int64_t j = 0; j < n; ++j) a[j] |= v[j];
}
template <class A> void r_all_vector(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const int64_t* __restrict v = static_cast<const int64_t*>(v_);
  int64_t* __restrict a = P<int64_t>(s, 0) + slot;
  for (int64_t j = 0; j < n; ++j) a[j] &= v[j];
}
template <class A> void r_count_vector(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const int64_t* __restrict v = static_cast<const int64_t*>(v_);
  int64_t* __restrict a = P<int64_t>(s, 0) + slot;
  for (int64_t j = 0; j < n; ++j) a[j] = wrap_add(a[j], v[j]);
}

// The memory-bandwidth probe: ORs every 64-bit word, the cheapest loop that must load them all.
uint64_t read_probe(const uint64_t* __restrict v, int64_t n) {
  uint64_t acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) acc[l] |= v[i + l];
  for (; i < n; ++i) acc[0] |= v[i];
  uint64_t r = 0;
  for (int l = 0; l < kLanes; ++l) r |= acc[l];
  return r;
}
