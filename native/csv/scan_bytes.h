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
