// The generators: Philox4x32-10 streams keyed by (seed, element index), uniform and normal
// (Box-Muller, normal_transform.h) draws in interleaved batches, and arange.
// Part of ops_impl.h: included inside its per-level anonymous namespace (see there), never alone.
// Element i of a random array comes from Philox4x32-10 (key = seed, counter = (c, stream, 0)):
// with i = 32*B + j, the counter is c = 16*B + (j % 16), and element i takes the low 64 bits of
// the output for j < 16 and the high 64 bits for j >= 16. A block of 32 aligned elements is thus
// 16 consecutive counters, one SIMD batch with no shuffling, and every element is still a pure
// function of (seed, i): any chunking and any worker count give the same numbers.
// Uniform: 53 random bits -> [0, 1) as numpy builds doubles. Normal: Box-Muller on the pair of
// uniforms of one counter (u1 from the low, u2 from the high bits): cos for j < 16, sin for j >= 16
// (normal_transform.h: the same arithmetic at every level, vectorised).

inline double unit(uint64_t bits) { return static_cast<double>(static_cast<int64_t>(bits >> 11)) * (1.0 / 9007199254740992.0); }

// The 32 normal values of one block of 16 counters' words: cos values first, then sin values.
inline void normal_block(const uint32_t (&w)[4][kLanes], double* __restrict o) {
  double u1[kLanes], u2[kLanes];
  for (int l = 0; l < kLanes; ++l) {
    u1[l] = unit(static_cast<uint64_t>(w[1][l]) << 32 | w[0][l]);
    u2[l] = unit(static_cast<uint64_t>(w[3][l]) << 32 | w[2][l]);
  }
  for (int l = 0; l < kLanes; ++l) box_muller(u1[l], u2[l], o[l], o[kLanes + l]);
}

// Philox4x32-10 on 16 consecutive counters (c0 + l), in four arrays of 16 output words.
#if defined(__AVX512F__)
// G batches of 16 counters at once: each round is a chain of dependent multiplies, so
// independent batches interleaved keep the vector units busy instead of waiting on latency.
// Layout: each 64-bit lane holds one 32-bit word in its low half (8 counters per vector), so
// vpmuludq gives the 64-bit products directly; high halves carry junk that vpmuludq never reads,
// and the low halves are packed back (vpmovqd) at the end.
template <int G>
void philox16xG(uint64_t counter0, uint32_t stream, uint64_t seed, uint32_t (*w)[4][kLanes]) {
  constexpr int H = 2 * G;  // half-batches of 8 counters
  __m512i c0[H], c1[H], c2[H], c3[H];
  const __m512i iota = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
  for (int h = 0; h < H; ++h) {
    __m512i c = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(counter0 + 8 * h)), iota);
    c0[h] = c;                          // low 32 bits of the counter (high half: ignored)
    c1[h] = _mm512_srli_epi64(c, 32);   // high 32 bits
    c2[h] = _mm512_set1_epi64(stream);
    c3[h] = _mm512_setzero_si512();
  }
  const __m512i m0 = _mm512_set1_epi64(Philox4x32::M0), m1 = _mm512_set1_epi64(Philox4x32::M1);
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    const __m512i kk0 = _mm512_set1_epi64(k0), kk1 = _mm512_set1_epi64(k1);
    for (int h = 0; h < H; ++h) {
      __m512i p0 = _mm512_mul_epu32(c0[h], m0);
      __m512i p1 = _mm512_mul_epu32(c2[h], m1);
      c0[h] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), c1[h], kk0, 0x96);  // hi1 ^ c1 ^ k0
      c2[h] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), c3[h], kk1, 0x96);  // hi0 ^ c3 ^ k1
      c1[h] = p1;  // lo1 in the low half
      c3[h] = p0;  // lo0
    }
    k0 += Philox4x32::W0; k1 += Philox4x32::W1;
  }
  for (int g = 0; g < G; ++g) {
    const __m512i* words[4] = {c0, c1, c2, c3};
    for (int k = 0; k < 4; ++k) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[g][k]), _mm512_cvtepi64_epi32(words[k][2 * g]));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[g][k] + 8), _mm512_cvtepi64_epi32(words[k][2 * g + 1]));
    }
  }
}
void philox16(uint64_t counter0, uint32_t stream, uint64_t seed, uint32_t (&w)[4][kLanes]) {
  philox16xG<1>(counter0, stream, seed, &w);
}
// Joins word pairs (lo, hi) of lanes 0-7 or 8-15 into 64-bit values and makes [0, 1) doubles.
inline __m512d units8(__m512i lo, __m512i hi, bool upper) {
  const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i second = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  __m512i bits = _mm512_permutex2var_epi32(lo, upper ? second : first, hi);
  return _mm512_mul_pd(_mm512_cvtepi64_pd(_mm512_srli_epi64(bits, 11)), _mm512_set1_pd(1.0 / 9007199254740992.0));
}
#define TESSERA_HAVE_PHILOX_BATCH 1
constexpr int kPhiloxBlocks = 4;  // blocks of 32 elements per batch (4 interleaved Philox chains), uniform and normal
void uniform_batch(uint64_t counter0, uint32_t stream, uint64_t seed, double* out) {
  uint32_t w[kPhiloxBlocks][4][kLanes];
  philox16xG<kPhiloxBlocks>(counter0, stream, seed, w);
  for (int g = 0; g < kPhiloxBlocks; ++g) {
    __m512i w0 = _mm512_loadu_si512(w[g][0]), w1 = _mm512_loadu_si512(w[g][1]);
    __m512i w2 = _mm512_loadu_si512(w[g][2]), w3 = _mm512_loadu_si512(w[g][3]);
    double* o = out + 32 * g;
    _mm512_storeu_pd(o, units8(w0, w1, false));
    _mm512_storeu_pd(o + 8, units8(w0, w1, true));
    _mm512_storeu_pd(o + 16, units8(w2, w3, false));
    _mm512_storeu_pd(o + 24, units8(w2, w3, true));
  }
}
void normal_batch(uint64_t counter0, uint32_t stream, uint64_t seed, double* out) {
  uint32_t w[kPhiloxBlocks][4][kLanes];
  philox16xG<kPhiloxBlocks>(counter0, stream, seed, w);
  for (int g = 0; g < kPhiloxBlocks; ++g) normal_block(w[g], out + 32 * g);
}
#elif defined(__AVX2__)
// 8 counters per vector, one 32-bit word per lane: a round's 32x32 -> 64-bit products are two
// vpmuludq (even and odd lanes) blended back into high and low words. G batches of 16 counters
// (2G vectors per word) are interleaved so each round's dependent multiplies overlap.
template <int G>
void philox16xG(uint64_t counter0, uint32_t stream, uint64_t seed, uint32_t (*w)[4][kLanes]) {
  constexpr int H = 2 * G;  // half-batches of 8 counters
  __m256i c0[H], c1[H], c2[H], c3[H];
  for (int h = 0; h < H; ++h) {
    alignas(32) uint32_t lo[8], hi[8];
    for (int l = 0; l < 8; ++l) { const uint64_t c = counter0 + 8 * h + l; lo[l] = static_cast<uint32_t>(c); hi[l] = static_cast<uint32_t>(c >> 32); }
    c0[h] = _mm256_load_si256(reinterpret_cast<const __m256i*>(lo));
    c1[h] = _mm256_load_si256(reinterpret_cast<const __m256i*>(hi));
    c2[h] = _mm256_set1_epi32(static_cast<int>(stream));
    c3[h] = _mm256_setzero_si256();
  }
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(Philox4x32::M0)), m1 = _mm256_set1_epi32(static_cast<int>(Philox4x32::M1));
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    const __m256i kk0 = _mm256_set1_epi32(static_cast<int>(k0)), kk1 = _mm256_set1_epi32(static_cast<int>(k1));
    for (int h = 0; h < H; ++h) {
      const __m256i e0 = _mm256_mul_epu32(c0[h], m0), o0 = _mm256_mul_epu32(_mm256_srli_epi64(c0[h], 32), m0);
      const __m256i e1 = _mm256_mul_epu32(c2[h], m1), o1 = _mm256_mul_epu32(_mm256_srli_epi64(c2[h], 32), m1);
      const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(e0, 32), o0, 0xAA), lo0 = _mm256_blend_epi32(e0, _mm256_slli_epi64(o0, 32), 0xAA);
      const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(e1, 32), o1, 0xAA), lo1 = _mm256_blend_epi32(e1, _mm256_slli_epi64(o1, 32), 0xAA);
      c0[h] = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[h]), kk0);
      c2[h] = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[h]), kk1);
      c1[h] = lo1;
      c3[h] = lo0;
    }
    k0 += Philox4x32::W0; k1 += Philox4x32::W1;
  }
  for (int g = 0; g < G; ++g) {
    const __m256i* words[4] = {c0, c1, c2, c3};
    for (int k = 0; k < 4; ++k) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[g][k]), words[k][2 * g]);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[g][k] + 8), words[k][2 * g + 1]);
    }
  }
}
void philox16(uint64_t counter0, uint32_t stream, uint64_t seed, uint32_t (&w)[4][kLanes]) {
  philox16xG<1>(counter0, stream, seed, &w);
}
// 4 doubles in [0, 1) from word pairs (lo, hi) at p: the same value as unit() (53 bits, exactly).
// AVX2 has no int64 -> double conversion: the 53 bits are split into 21 high and 32 low ones,
// each made a double exactly through the 2^52 exponent trick, and joined exactly by an FMA.
inline __m256d units4(const uint32_t* lo, const uint32_t* hi) {
  const __m256i l = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(lo)));
  const __m256i h = _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(hi)));
  const __m256i bits = _mm256_srli_epi64(_mm256_or_si256(_mm256_slli_epi64(h, 32), l), 11);  // < 2^53
  const __m256i magic = _mm256_set1_epi64x(0x4330000000000000);                              // 2^52
  const __m256d two52 = _mm256_set1_pd(4503599627370496.0);
  const __m256d low = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi64x(0xffffffff)), magic)), two52);
  const __m256d high = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 32), magic)), two52);
  return _mm256_mul_pd(_mm256_fmadd_pd(high, _mm256_set1_pd(4294967296.0), low), _mm256_set1_pd(1.0 / 9007199254740992.0));
}
#define TESSERA_HAVE_PHILOX_BATCH 1
constexpr int kPhiloxBlocks = 2;  // blocks of 32 elements per batch (2 interleaved Philox chains of 2 vectors per word)
void uniform_batch(uint64_t counter0, uint32_t stream, uint64_t seed, double* out) {
  uint32_t w[kPhiloxBlocks][4][kLanes];
  philox16xG<kPhiloxBlocks>(counter0, stream, seed, w);
  for (int g = 0; g < kPhiloxBlocks; ++g) {
    double* o = out + 32 * g;
    for (int q = 0; q < 4; ++q) {
      _mm256_storeu_pd(o + 4 * q, units4(w[g][0] + 4 * q, w[g][1] + 4 * q));
      _mm256_storeu_pd(o + 16 + 4 * q, units4(w[g][2] + 4 * q, w[g][3] + 4 * q));
    }
  }
}
void normal_batch(uint64_t counter0, uint32_t stream, uint64_t seed, double* out) {
  uint32_t w[kPhiloxBlocks][4][kLanes];
  philox16xG<kPhiloxBlocks>(counter0, stream, seed, w);
  for (int g = 0; g < kPhiloxBlocks; ++g) normal_block(w[g], out + 32 * g);
}
#else
void philox16(uint64_t counter0, uint32_t stream, uint64_t seed, uint32_t (&w)[4][kLanes]) {
  for (int l = 0; l < kLanes; ++l) {
    uint64_t c = counter0 + l;
    uint32_t c0 = static_cast<uint32_t>(c), c1 = static_cast<uint32_t>(c >> 32), c2 = stream, c3 = 0;
    philox_block(c0, c1, c2, c3, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
    w[0][l] = c0; w[1][l] = c1; w[2][l] = c2; w[3][l] = c3;
  }
}
#endif

// One element by itself (heads, tails and strided reads): the same mapping, one counter.
inline double draw_one(uint64_t i, uint32_t stream, uint64_t seed, bool normal) {
  uint64_t counter = ((i >> 5) << 4) | (i & 15);
  bool upper = (i >> 4) & 1;
  uint32_t c0 = static_cast<uint32_t>(counter), c1 = static_cast<uint32_t>(counter >> 32), c2 = stream, c3 = 0;
  philox_block(c0, c1, c2, c3, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  uint64_t low = static_cast<uint64_t>(c1) << 32 | c0, high = static_cast<uint64_t>(c3) << 32 | c2;
  if (!normal) return unit(upper ? high : low);
  double from_cos, from_sin;
  box_muller(unit(low), unit(high), from_cos, from_sin);
  return upper ? from_sin : from_cos;
}

template <bool Normal>
void k_generate(double* out, uint64_t seed, int64_t index0, int64_t stride, int64_t n) {
  const uint32_t stream = Normal ? 1 : 0;
  int64_t j = 0;
  if (stride == 1) {
    for (; j < n && ((index0 + j) & 31); ++j) out[j] = draw_one(static_cast<uint64_t>(index0 + j), stream, seed, Normal);
    uint32_t w[4][kLanes];
#ifdef TESSERA_HAVE_PHILOX_BATCH
    for (; n - j >= 32 * kPhiloxBlocks; j += 32 * kPhiloxBlocks) {
      const uint64_t counter0 = (static_cast<uint64_t>(index0 + j) >> 5) << 4;
      if constexpr (Normal) normal_batch(counter0, stream, seed, out + j);
      else uniform_batch(counter0, stream, seed, out + j);
    }
#endif
    for (; n - j >= 32; j += 32) {
      uint64_t block = static_cast<uint64_t>(index0 + j) >> 5;
      double* __restrict o = out + j;
      philox16(block << 4, stream, seed, w);
      if constexpr (Normal) {
        normal_block(w, o);
      } else {
        for (int l = 0; l < kLanes; ++l) {
          o[l] = unit(static_cast<uint64_t>(w[1][l]) << 32 | w[0][l]);
          o[kLanes + l] = unit(static_cast<uint64_t>(w[3][l]) << 32 | w[2][l]);
        }
      }
    }
  }
  for (; j < n; ++j) out[j] = draw_one(static_cast<uint64_t>(index0 + j * stride), stream, seed, Normal);
}

template <class T> void k_arange(void* o_, double start, double step, int64_t index0, int64_t stride, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  if constexpr (is_float<T>) {
    // numpy computes first + i * delta in the dtype itself (float32 rounds at each step).
    const T first = static_cast<T>(start), delta = static_cast<T>(step);
    for (int64_t j = 0; j < n; ++j) o[j] = first + static_cast<T>(index0 + j * stride) * delta;
  } else {
    int64_t s = static_cast<int64_t>(start), st = static_cast<int64_t>(step);
    for (int64_t j = 0; j < n; ++j) o[j] = static_cast<T>(s + (index0 + j * stride) * st);
  }
}
