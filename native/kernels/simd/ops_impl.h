// Block kernels, compiled once per SIMD level (see op_table.h). Include only from ops_<level>.cc,
// which defines TESSERA_LEVEL (a namespace name) and TESSERA_LEVEL_NAME first.
// Everything here has internal linkage (anonymous namespace, and the shared helpers it includes,
// philox.h and float_to_int.h, are internal too): otherwise the linker could keep an AVX-512 copy
// of a shared inline function and run it on a CPU without AVX-512.
// Loops are written so the vectoriser can map them to any vector width while keeping one fixed
// order of floating-point operations: reductions use kLanes explicit accumulators.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "../../common/error.h"
#include "../../common/float_to_int.h"
#include "../op_table.h"
#include "../philox.h"

namespace tessera {
namespace TESSERA_LEVEL {

namespace {

constexpr int kLanes = 16;
constexpr double kTwoPi = 6.283185307179586476925286766559;

template <class T> constexpr bool is_float = std::is_floating_point<T>::value;

#include "exp_log.h"
#include "trig.h"
#include "normal_transform.h"

// ---- elementwise -------------------------------------------------------------------------

#define TS_UNARY(NAME, EXPR)                                                    \
  template <class T> void NAME(void* o_, const void* a_, int64_t n) {            \
    T* __restrict o = static_cast<T*>(o_);                                      \
    const T* __restrict a = static_cast<const T*>(a_);                          \
    for (int64_t i = 0; i < n; ++i) { T x = a[i]; (void)x; o[i] = (EXPR); }     \
  }

#define TS_BINARY(NAME, EXPR)                                                          \
  template <class T> void NAME(void* o_, const void* a_, const void* b_, int64_t n) {   \
    T* __restrict o = static_cast<T*>(o_);                                             \
    const T* __restrict pa = static_cast<const T*>(a_);                                \
    const T* __restrict pb = static_cast<const T*>(b_);                                \
    for (int64_t i = 0; i < n; ++i) { T a = pa[i], b = pb[i]; o[i] = (EXPR); }         \
  }

#define TS_COMPARE(NAME, EXPR)                                                         \
  template <class T> void NAME(void* o_, const void* a_, const void* b_, int64_t n) {   \
    int64_t* __restrict o = static_cast<int64_t*>(o_);                                 \
    const T* __restrict pa = static_cast<const T*>(a_);                                \
    const T* __restrict pb = static_cast<const T*>(b_);                                \
    for (int64_t i = 0; i < n; ++i) { T a = pa[i], b = pb[i]; o[i] = (EXPR) ? 1 : 0; } \
  }

template <class T> T wrap_neg(T x) {
  if constexpr (is_float<T>) return -x;
  else return static_cast<T>(0 - static_cast<uint64_t>(x));
}
template <class T> T wrap_abs(T x) {
  if constexpr (std::is_unsigned<T>::value) return x;
  else if constexpr (is_float<T>) return std::fabs(x);
  else return x < 0 ? wrap_neg(x) : x;
}
template <class T> T wrap_add(T a, T b) {
  if constexpr (is_float<T>) return a + b;
  else return static_cast<T>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
template <class T> T wrap_sub(T a, T b) {
  if constexpr (is_float<T>) return a - b;
  else return static_cast<T>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
template <class T> T wrap_mul(T a, T b) {
  if constexpr (is_float<T>) return a * b;
  else return static_cast<T>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}
// numpy's npy_floor_divide / npy_remainder: Python semantics (the result takes the divisor's sign).
template <class T> T floor_div(T a, T b) {
  if constexpr (is_float<T>) {
    if (b == 0) return a / b;
    T mod = std::fmod(a, b);
    T div = (a - mod) / b;
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;
    if (div != 0) {
      T fl = std::floor(div);
      if (div - fl > T(0.5)) fl += 1;
      return fl;
    }
    return std::copysign(T(0), a / b);
  } else if constexpr (std::is_unsigned<T>::value) {
    return b == 0 ? 0 : a / b;
  } else {
    if (b == 0) return 0;
    if (b == -1) return wrap_neg(a);
    T q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  }
}
template <class T> T py_mod(T a, T b) {
  if constexpr (is_float<T>) {
    if (b == 0) return std::fmod(a, b);
    T m = std::fmod(a, b);
    if (m != 0) {
      if ((b < 0) != (m < 0)) m += b;
    } else {
      m = std::copysign(T(0), b);
    }
    return m;
  } else if constexpr (std::is_unsigned<T>::value) {
    return b == 0 ? 0 : a % b;
  } else {
    if (b == 0 || b == -1) return 0;
    T m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    return m;
  }
}
[[noreturn, gnu::noinline, gnu::cold]] void negative_integer_power() {
  throw Error("VALUE_ERROR", "integers to negative integer powers are not allowed",
              "an exponent array holds a negative value: use a float exponent, e.g. x ** e.astype('float64')");
}
template <class T> T power(T a, T b) {
  if constexpr (is_float<T>) {
    return std::pow(a, b);
  } else {
    if constexpr (!std::is_unsigned<T>::value) {
      // numpy raises for a negative integer exponent; the planner rejects literal ones, this
      // catches those that come from an array.
      if (b < 0) negative_integer_power();
    }
    uint64_t base = static_cast<uint64_t>(a), e = static_cast<uint64_t>(b), r = 1;
    while (e) { if (e & 1) r *= base; base *= base; e >>= 1; }
    return static_cast<T>(r);
  }
}
template <class T> T nan_min(T a, T b) {
  if constexpr (is_float<T>) return (a < b || a != a) ? a : b;
  else return a < b ? a : b;
}
template <class T> T nan_max(T a, T b) {
  if constexpr (is_float<T>) return (a > b || a != a) ? a : b;
  else return a > b ? a : b;
}
template <class T> T sign_of(T x) {
  if constexpr (is_float<T>) return x != x ? x : static_cast<T>((x > 0) - (x < 0));
  else if constexpr (std::is_unsigned<T>::value) return x > 0 ? 1 : 0;
  else return static_cast<T>((x > 0) - (x < 0));
}
template <class T> T round_even(T x) {
  if constexpr (is_float<T>) return std::nearbyint(x);
  else return x;
}
template <class T> T floor_of(T x) { if constexpr (is_float<T>) return std::floor(x); else return x; }
template <class T> T ceil_of(T x) { if constexpr (is_float<T>) return std::ceil(x); else return x; }
template <class T> T math1(T x, double (*f)(double), float (*g)(float)) {
  if constexpr (std::is_same<T, float>::value) return g(x);
  else return static_cast<T>(f(static_cast<double>(x)));
}

TS_UNARY(k_neg, wrap_neg(x))
TS_UNARY(k_abs, wrap_abs(x))
TS_UNARY(k_sqrt, math1<T>(x, std::sqrt, std::sqrt))
TS_UNARY(k_exp_libm, math1<T>(x, std::exp, std::exp))
TS_UNARY(k_sin_libm, math1<T>(x, std::sin, std::sin))
TS_UNARY(k_cos_libm, math1<T>(x, std::cos, std::cos))
TS_UNARY(k_tan_libm, math1<T>(x, std::tan, std::tan))
TS_UNARY(k_log_libm, math1<T>(x, std::log, std::log))
TS_UNARY(k_log1p_libm, math1<T>(x, std::log1p, std::log1p))
// float64 through exp_log.h and trig.h; float32 keeps libm's single-precision functions.
#define TS_VECTOR_F64(NAME, VECTOR, LIBM)                                          \
  template <class T> void NAME(void* o, const void* a, int64_t n) {                \
    if constexpr (std::is_same<T, double>::value) k_vector_unary<VECTOR>(o, a, n); \
    else LIBM<T>(o, a, n);                                                         \
  }
TS_VECTOR_F64(k_exp, exp_v, k_exp_libm)
TS_VECTOR_F64(k_log, log_v, k_log_libm)
TS_VECTOR_F64(k_log1p, log1p_v, k_log1p_libm)
TS_VECTOR_F64(k_sin, sin_v, k_sin_libm)
TS_VECTOR_F64(k_cos, cos_v, k_cos_libm)
TS_VECTOR_F64(k_tan, tan_v, k_tan_libm)
TS_UNARY(k_floor, floor_of(x))
TS_UNARY(k_ceil, ceil_of(x))
TS_UNARY(k_round, round_even(x))
TS_UNARY(k_sign, sign_of(x))
TS_BINARY(k_add, wrap_add(a, b))
TS_BINARY(k_sub, wrap_sub(a, b))
TS_BINARY(k_mul, wrap_mul(a, b))
TS_BINARY(k_div, a / b)
TS_BINARY(k_floordiv, floor_div(a, b))
TS_BINARY(k_mod, py_mod(a, b))
TS_BINARY(k_pow, power(a, b))
TS_BINARY(k_minimum, nan_min(a, b))
TS_BINARY(k_maximum, nan_max(a, b))
TS_COMPARE(k_eq, a == b)
TS_COMPARE(k_ne, a != b)
TS_COMPARE(k_lt, a < b)
TS_COMPARE(k_le, a <= b)
TS_COMPARE(k_gt, a > b)
TS_COMPARE(k_ge, a >= b)

// Logical ops produce 0/1 in int64; bitwise ops on integers. Both only exist for integer types.
template <class T> void k_not(void* o_, const void* a_, int64_t n) {
  int64_t* __restrict o = static_cast<int64_t*>(o_);
  const T* __restrict a = static_cast<const T*>(a_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] == 0 ? 1 : 0;
}
template <class T> void k_isnan(void* o_, const void* a_, int64_t n) {
  int64_t* __restrict o = static_cast<int64_t*>(o_);
  const T* __restrict a = static_cast<const T*>(a_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] != a[i] ? 1 : 0;
}
template <class T> void k_invert(void* o_, const void* a_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const T* __restrict a = static_cast<const T*>(a_);
  for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(~static_cast<uint64_t>(a[i]));
}
template <class T> void k_and(void* o_, const void* a_, const void* b_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const T* __restrict a = static_cast<const T*>(a_); const T* __restrict b = static_cast<const T*>(b_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] & b[i];
}
template <class T> void k_or(void* o_, const void* a_, const void* b_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const T* __restrict a = static_cast<const T*>(a_); const T* __restrict b = static_cast<const T*>(b_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] | b[i];
}
template <class T> void k_xor(void* o_, const void* a_, const void* b_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const T* __restrict a = static_cast<const T*>(a_); const T* __restrict b = static_cast<const T*>(b_);
  for (int64_t i = 0; i < n; ++i) o[i] = a[i] ^ b[i];
}
template <class T> void k_where(void* o_, const void* c_, const void* a_, const void* b_, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  const int64_t* __restrict c = static_cast<const int64_t*>(c_);
  const T* __restrict a = static_cast<const T*>(a_); const T* __restrict b = static_cast<const T*>(b_);
  for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? a[i] : b[i];
}
template <class To, class From> void k_cast(void* o_, const void* a_, int64_t n) {
  To* __restrict o = static_cast<To*>(o_);
  const From* __restrict a = static_cast<const From*>(a_);
  for (int64_t i = 0; i < n; ++i) o[i] = convert_number<To, From>(a[i]);
}
template <class T> void k_fill(void* o_, const void* v, int64_t n) {
  T* __restrict o = static_cast<T*>(o_);
  T x;
  std::memcpy(&x, v, sizeof(T));
  for (int64_t i = 0; i < n; ++i) o[i] = x;
}

// ---- storage <-> compute ------------------------------------------------------------------

template <class S> S byteswap(S v) {
  if constexpr (sizeof(S) == 1) return v;
  unsigned char b[sizeof(S)];
  std::memcpy(b, &v, sizeof(S));
  for (size_t i = 0; i < sizeof(S) / 2; ++i) {
    unsigned char x = b[i];
    b[i] = b[sizeof(S) - 1 - i];
    b[sizeof(S) - 1 - i] = x;
  }
  std::memcpy(&v, b, sizeof(S));
  return v;
}

template <class S, class T> void k_gather(void* o_, const uint8_t* src, int64_t stride, int64_t n, bool swap) {
  T* __restrict o = static_cast<T*>(o_);
  if (!swap && stride == static_cast<int64_t>(sizeof(S))) {
    const S* __restrict s = reinterpret_cast<const S*>(src);
    for (int64_t i = 0; i < n; ++i) o[i] = convert_number<T, S>(s[i]);
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    S v;
    std::memcpy(&v, src + i * stride, sizeof(S));
    if (swap) v = byteswap(v);
    o[i] = convert_number<T, S>(v);
  }
}
template <class T> void k_gather_bool(void* o_, const uint8_t* src, int64_t stride, int64_t n, bool) {
  T* __restrict o = static_cast<T*>(o_);
  for (int64_t i = 0; i < n; ++i) o[i] = src[i * stride] != 0 ? 1 : 0;
}
template <class T, class S> void k_store(uint8_t* dst, const void* v_, int64_t n) {
  S* __restrict d = reinterpret_cast<S*>(dst);
  const T* __restrict v = static_cast<const T*>(v_);
  for (int64_t i = 0; i < n; ++i) d[i] = convert_number<S, T>(v[i]);
}
template <class T> void k_store_bool(uint8_t* dst, const void* v_, int64_t n) {
  const T* __restrict v = static_cast<const T*>(v_);
  for (int64_t i = 0; i < n; ++i) dst[i] = v[i] != 0 ? 1 : 0;
}

// ---- generators ---------------------------------------------------------------------------
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
inline void mulhilo8(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  __m256i even = _mm256_mul_epu32(a, m);
  __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
}
void philox16(uint64_t counter0, uint32_t stream, uint64_t seed, uint32_t (&w)[4][kLanes]) {
  alignas(32) uint32_t lo[kLanes], hi[kLanes];
  for (int l = 0; l < kLanes; ++l) { uint64_t c = counter0 + l; lo[l] = static_cast<uint32_t>(c); hi[l] = static_cast<uint32_t>(c >> 32); }
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(Philox4x32::M0)), m1 = _mm256_set1_epi32(static_cast<int>(Philox4x32::M1));
  for (int half = 0; half < 2; ++half) {
    __m256i c0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(lo + 8 * half));
    __m256i c1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(hi + 8 * half));
    __m256i c2 = _mm256_set1_epi32(static_cast<int>(stream)), c3 = _mm256_setzero_si256();
    uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
    for (int r = 0; r < 10; ++r) {
      __m256i hi0, lo0, hi1, lo1;
      mulhilo8(c0, m0, hi0, lo0);
      mulhilo8(c2, m1, hi1, lo1);
      c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(static_cast<int>(k0)));
      c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(static_cast<int>(k1)));
      c1 = lo1;
      c3 = lo0;
      k0 += Philox4x32::W0; k1 += Philox4x32::W1;
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[0] + 8 * half), c0);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[1] + 8 * half), c1);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[2] + 8 * half), c2);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(w[3] + 8 * half), c3);
  }
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

// ---- reductions ---------------------------------------------------------------------------
// Float sums: kLanes partial sums over the block, combined pairwise, then added to the slot with
// Neumaier compensation (planes: sum, compensation). The block is small (kBlock elements), so
// the error is that of a pairwise sum over the whole chunk.

// Once the sum overflows to an infinity the correction would be inf - inf = NaN: skip it.
inline void neumaier(double& s, double& c, double x) {
  double t = s + x;
  double corr = std::fabs(s) >= std::fabs(x) ? (s - t) + x : (x - t) + s;
  c += std::isfinite(t) ? corr : 0.0;
  s = t;
}

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
  if (whole > 0) {
    // prev_mean belongs to the piece before `piece`, whose second pass has not run yet.
    double prev_mean = block_sum(v, kVarPiece) / len;
    for (int64_t p = 1; p < whole; ++p) {
      const double* piece = v + p * kVarPiece;
      double sum, m2_prev;
      lanes_reduce_pair(piece, Identity{}, sum, piece - kVarPiece, SquaredDeviation{prev_mean}, m2_prev, kVarPiece);
      chan_merge(cnt, mean, m2, len, prev_mean, m2_prev);
      prev_mean = sum / len;
    }
    chan_merge(cnt, mean, m2, len, prev_mean, block_sq_dev(v + (whole - 1) * kVarPiece, kVarPiece, prev_mean));
  }
  const int64_t rest = n - whole * kVarPiece;
  if (rest > 0) {
    const double* tail = v + whole * kVarPiece;
    double mb = block_sum(tail, rest) / static_cast<double>(rest);
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
template <class A> void r_prod_scalar(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const A* v = static_cast<const A*>(v_);
  A acc = P<A>(s, 0)[slot];
  for (int64_t i = 0; i < n; ++i) acc = wrap_mul(acc, v[i]);
  P<A>(s, 0)[slot] = acc;
}
template <class A> void r_prod_vector(ReduceSlots s, int64_t slot, const void* v_, int64_t n, int64_t, int64_t) {
  const A* __restrict v = static_cast<const A*>(v_);
  A* __restrict p = P<A>(s, 0) + slot;
  for (int64_t j = 0; j < n; ++j) p[j] = wrap_mul(p[j], v[j]);
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

// ---- matmul -------------------------------------------------------------------------------
// Cache-blocked i-k-j order: the innermost loop is an axpy over a row of B and a row of C, which
// vectorises at every level; tiles keep a panel of B and a row block of C in L1/L2.
template <class T> void k_matmul_acc(void* c_, const void* a_, const void* b_, int64_t m, int64_t n, int64_t k) {
  T* __restrict c = static_cast<T*>(c_);
  const T* __restrict a = static_cast<const T*>(a_);
  const T* __restrict b = static_cast<const T*>(b_);
  constexpr int64_t TI = 32, TK = 128, TJ = 512;
  for (int64_t j0 = 0; j0 < n; j0 += TJ) {
    int64_t j1 = j0 + TJ < n ? j0 + TJ : n;
    for (int64_t k0 = 0; k0 < k; k0 += TK) {
      int64_t k1 = k0 + TK < k ? k0 + TK : k;
      for (int64_t i0 = 0; i0 < m; i0 += TI) {
        int64_t i1 = i0 + TI < m ? i0 + TI : m;
        for (int64_t i = i0; i < i1; ++i) {
          T* __restrict crow = c + i * n;
          for (int64_t kk = k0; kk < k1; ++kk) {
            T av = a[i * k + kk];
            const T* __restrict brow = b + kk * n;
            for (int64_t j = j0; j < j1; ++j) crow[j] = wrap_add(crow[j], wrap_mul(av, brow[j]));
          }
        }
      }
    }
  }
}

// ---- the table ----------------------------------------------------------------------------

OpTable build() {
  OpTable t{};
  t.name = TESSERA_LEVEL_NAME;
  auto U = [&](Op op, OpTable::Unary f64, OpTable::Unary f32, OpTable::Unary i64, OpTable::Unary u64) {
    auto& r = t.unary[static_cast<int>(op)];
    r[0] = f64; r[1] = f32; r[2] = i64; r[3] = u64;
  };
  auto B = [&](Op op, OpTable::Binary f64, OpTable::Binary f32, OpTable::Binary i64, OpTable::Binary u64) {
    auto& r = t.binary[static_cast<int>(op)];
    r[0] = f64; r[1] = f32; r[2] = i64; r[3] = u64;
  };
#define TS_ALL(K) K<double>, K<float>, K<int64_t>, K<uint64_t>
#define TS_FLOATS(K) K<double>, K<float>, nullptr, nullptr
#define TS_INTS(K) nullptr, nullptr, K<int64_t>, K<uint64_t>
  U(Op::Neg, TS_ALL(k_neg)); U(Op::Abs, TS_ALL(k_abs)); U(Op::Sqrt, TS_FLOATS(k_sqrt));
  U(Op::Exp, TS_FLOATS(k_exp)); U(Op::Log, TS_FLOATS(k_log)); U(Op::Log1p, TS_FLOATS(k_log1p));
  U(Op::Sin, TS_FLOATS(k_sin)); U(Op::Cos, TS_FLOATS(k_cos)); U(Op::Tan, TS_FLOATS(k_tan));
  U(Op::Floor, TS_ALL(k_floor)); U(Op::Ceil, TS_ALL(k_ceil)); U(Op::Round, TS_ALL(k_round));
  U(Op::Sign, TS_ALL(k_sign)); U(Op::Not, TS_ALL(k_not)); U(Op::IsNan, TS_FLOATS(k_isnan));
  U(Op::Invert, TS_INTS(k_invert));
  B(Op::Add, TS_ALL(k_add)); B(Op::Sub, TS_ALL(k_sub)); B(Op::Mul, TS_ALL(k_mul));
  B(Op::Div, TS_FLOATS(k_div)); B(Op::FloorDiv, TS_ALL(k_floordiv)); B(Op::Mod, TS_ALL(k_mod));
  B(Op::Pow, TS_ALL(k_pow)); B(Op::Minimum, TS_ALL(k_minimum)); B(Op::Maximum, TS_ALL(k_maximum));
  B(Op::Eq, TS_ALL(k_eq)); B(Op::Ne, TS_ALL(k_ne)); B(Op::Lt, TS_ALL(k_lt));
  B(Op::Le, TS_ALL(k_le)); B(Op::Gt, TS_ALL(k_gt)); B(Op::Ge, TS_ALL(k_ge));
  B(Op::And, TS_INTS(k_and)); B(Op::Or, TS_INTS(k_or)); B(Op::Xor, TS_INTS(k_xor));
  t.where[0] = k_where<double>; t.where[1] = k_where<float>; t.where[2] = k_where<int64_t>; t.where[3] = k_where<uint64_t>;
  t.fill[0] = k_fill<double>; t.fill[1] = k_fill<float>; t.fill[2] = k_fill<int64_t>; t.fill[3] = k_fill<uint64_t>;

#define TS_CAST_ROW(To) { k_cast<To, double>, k_cast<To, float>, k_cast<To, int64_t>, k_cast<To, uint64_t> }
  OpTable::Unary casts[4][4] = {TS_CAST_ROW(double), TS_CAST_ROW(float), TS_CAST_ROW(int64_t), TS_CAST_ROW(uint64_t)};
  std::memcpy(t.cast, casts, sizeof(casts));

#define TS_GATHER_ROW(S) { k_gather<S, double>, k_gather<S, float>, k_gather<S, int64_t>, k_gather<S, uint64_t> }
  OpTable::Gather gathers[11][4] = {
      TS_GATHER_ROW(double), TS_GATHER_ROW(float), TS_GATHER_ROW(int64_t), TS_GATHER_ROW(int32_t),
      TS_GATHER_ROW(int16_t), TS_GATHER_ROW(int8_t), TS_GATHER_ROW(uint64_t), TS_GATHER_ROW(uint32_t),
      TS_GATHER_ROW(uint16_t), TS_GATHER_ROW(uint8_t),
      {k_gather_bool<double>, k_gather_bool<float>, k_gather_bool<int64_t>, k_gather_bool<uint64_t>}};
  std::memcpy(t.gather, gathers, sizeof(gathers));

#define TS_STORE_ROW(T) { k_store<T, double>, k_store<T, float>, k_store<T, int64_t>, k_store<T, int32_t>, \
    k_store<T, int16_t>, k_store<T, int8_t>, k_store<T, uint64_t>, k_store<T, uint32_t>, k_store<T, uint16_t>, \
    k_store<T, uint8_t>, k_store_bool<T> }
  OpTable::Store stores[4][11] = {TS_STORE_ROW(double), TS_STORE_ROW(float), TS_STORE_ROW(int64_t), TS_STORE_ROW(uint64_t)};
  std::memcpy(t.store, stores, sizeof(stores));

  t.uniform = k_generate<false>;
  t.normal = k_generate<true>;
  t.arange[0] = k_arange<double>; t.arange[1] = k_arange<float>; t.arange[2] = k_arange<int64_t>; t.arange[3] = k_arange<uint64_t>;

  auto R = [&](ReduceKind k, OpTable::Reduce f64s, OpTable::Reduce i64s, OpTable::Reduce u64s,
               OpTable::Reduce f64v, OpTable::Reduce i64v, OpTable::Reduce u64v) {
    int i = static_cast<int>(k);
    t.reduce_scalar[i][0] = f64s; t.reduce_scalar[i][2] = i64s; t.reduce_scalar[i][3] = u64s;
    t.reduce_vector[i][0] = f64v; t.reduce_vector[i][2] = i64v; t.reduce_vector[i][3] = u64v;
  };
  R(ReduceKind::Sum, r_sum_scalar<double>, r_sum_scalar<int64_t>, r_sum_scalar<uint64_t>,
    r_sum_vector<double>, r_sum_vector<int64_t>, r_sum_vector<uint64_t>);
  R(ReduceKind::Prod, r_prod_scalar<double>, r_prod_scalar<int64_t>, r_prod_scalar<uint64_t>,
    r_prod_vector<double>, r_prod_vector<int64_t>, r_prod_vector<uint64_t>);
  R(ReduceKind::Mean, r_mean_scalar<double>, nullptr, nullptr, r_mean_vector<double>, nullptr, nullptr);
  R(ReduceKind::Var, r_var_scalar<double>, nullptr, nullptr, r_var_vector<double>, nullptr, nullptr);
  R(ReduceKind::Min, r_minmax_scalar<double, false>, r_minmax_scalar<int64_t, false>, r_minmax_scalar<uint64_t, false>,
    r_minmax_vector<double, false>, r_minmax_vector<int64_t, false>, r_minmax_vector<uint64_t, false>);
  R(ReduceKind::Max, r_minmax_scalar<double, true>, r_minmax_scalar<int64_t, true>, r_minmax_scalar<uint64_t, true>,
    r_minmax_vector<double, true>, r_minmax_vector<int64_t, true>, r_minmax_vector<uint64_t, true>);
  R(ReduceKind::ArgMin, r_arg_scalar<double, false>, r_arg_scalar<int64_t, false>, r_arg_scalar<uint64_t, false>,
    r_arg_vector<double, false>, r_arg_vector<int64_t, false>, r_arg_vector<uint64_t, false>);
  R(ReduceKind::ArgMax, r_arg_scalar<double, true>, r_arg_scalar<int64_t, true>, r_arg_scalar<uint64_t, true>,
    r_arg_vector<double, true>, r_arg_vector<int64_t, true>, r_arg_vector<uint64_t, true>);
  R(ReduceKind::Any, nullptr, r_any_scalar<int64_t>, nullptr, nullptr, r_any_vector<int64_t>, nullptr);
  R(ReduceKind::All, nullptr, r_all_scalar<int64_t>, nullptr, nullptr, r_all_vector<int64_t>, nullptr);
  R(ReduceKind::CountNonzero, nullptr, r_count_scalar<int64_t>, nullptr, nullptr, r_count_vector<int64_t>, nullptr);
  t.read_probe = read_probe;
  t.matmul_acc[0] = k_matmul_acc<double>; t.matmul_acc[1] = k_matmul_acc<float>;
  t.matmul_acc[2] = k_matmul_acc<int64_t>; t.matmul_acc[3] = k_matmul_acc<uint64_t>;
  return t;
}

}  // namespace

const OpTable& table() {
  static const OpTable t = build();
  return t;
}

}  // namespace TESSERA_LEVEL
}  // namespace tessera
