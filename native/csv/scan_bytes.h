// Byte searches the CSV code runs over every byte it reads: line ends (\n or \r) forwards and
// backwards, 16 bytes at a time with SSE2 (part of x86-64, so no dispatch is needed), and line
// counting for error messages. A quote is searched with memchr (glibc's is already vectorised).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tessera::csv {

// The index of the first \n or \r in [p, p + n), or n.
inline size_t find_line_end(const uint8_t* p, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr)));
    if (m) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(m)));
  }
#endif
  for (; i < n; ++i)
    if (p[i] == '\n' || p[i] == '\r') return i;
  return n;
}

// The index of the last \n or \r in [p, p + n), or n when there is none.
inline size_t find_last_line_end(const uint8_t* p, size_t n) {
  size_t i = n;
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  while (i >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i - 16));
    const int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr)));
    if (m) return i - 16 + static_cast<size_t>(31 - __builtin_clz(static_cast<unsigned>(m)));
    i -= 16;
  }
#endif
  while (i > 0) {
    --i;
    if (p[i] == '\n' || p[i] == '\r') return i;
  }
  return n;
}

// The index of the first byte equal to c in [p, p + n), or n.
inline size_t find_byte(const uint8_t* p, size_t n, uint8_t c) {
  const void* r = n ? std::memchr(p, c, n) : nullptr;
  return r ? static_cast<size_t>(static_cast<const uint8_t*>(r) - p) : n;
}

// The quotes of a buffer in order, found 64 bytes at a time: each window's quotes become a bit
// mask (four SSE2 compares), and next() walks the set bits. Where quotes are dense (every field
// quoted) this is several times faster than a memchr call per quote, and where they are sparse it
// keeps up with memchr.
class QuoteCursor {
 public:
  QuoteCursor(const uint8_t* p, size_t n, uint8_t quote) : p_(p), n_(n), quote_(quote) {}
  // The first quote at or after i, or n.
  size_t next(size_t i) {
    for (;;) {
      if (i >= n_) return n_;
      const size_t base = i & ~size_t{63};
      if (base != base_ || !loaded_) load(base);
      const uint64_t m = mask_ & (~uint64_t{0} << (i - base));
      if (m) return base + static_cast<size_t>(__builtin_ctzll(m));
      i = base + 64;
    }
  }

 private:
  void load(size_t base) {
    base_ = base;
    loaded_ = true;
    mask_ = 0;
    if (base + 64 <= n_) {
#if defined(__SSE2__)
      const __m128i q = _mm_set1_epi8(static_cast<char>(quote_));
      for (int k = 0; k < 4; ++k) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_ + base + 16 * k));
        mask_ |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, q)))) << (16 * k);
      }
      return;
#endif
    }
    for (size_t k = 0; k < 64 && base + k < n_; ++k)
      if (p_[base + k] == quote_) mask_ |= uint64_t{1} << k;
  }
  const uint8_t* p_;
  size_t n_;
  uint8_t quote_;
  size_t base_ = 0;
  bool loaded_ = false;
  uint64_t mask_ = 0;
};

// Line breaks in [p, p + n): \n, \r\n and a lone \r each count once (a \r at the very end counts
// as a lone one). Plain loop over plain values: safe inside guarded_read (io/mapped_guard.h).
inline uint64_t count_line_ends(const uint8_t* p, size_t n) {
  uint64_t lines = 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == '\n') ++lines;
    else if (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n')) ++lines;
  }
  return lines;
}

}  // namespace tessera::csv
