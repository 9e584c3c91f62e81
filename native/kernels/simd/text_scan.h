// The word-count scan (included by ops_impl.h once per level): one pass over a window of text that
// copies it with its ASCII letters folded (so an ASCII word is already lower- or upper-cased where
// it lies) and turns each 64 bytes into two bit masks, str.split()'s ASCII whitespace and the bytes
// of non-ASCII code points. The word counter finds word boundaries from the masks 64 bytes at a
// time and sends only words holding a non-ASCII byte through the Unicode path (text/word_counts.cc).
// The scalar level, the reference, does it byte by byte.

inline bool text_is_ascii_space(uint8_t c) { return (c >= 9 && c <= 13) || (c >= 0x1C && c <= 0x20); }

inline uint8_t text_fold_ascii(uint8_t c, int fold) {
  if (fold == 1 && c >= 'A' && c <= 'Z') return static_cast<uint8_t>(c + 32);
  if (fold == 2 && c >= 'a' && c <= 'z') return static_cast<uint8_t>(c - 32);
  return c;
}

// One 64-byte word of `len` bytes, byte by byte; the bits past len are whitespace.
inline void text_scan_bytes(const uint8_t* p, size_t len, int fold, uint8_t* out, uint64_t* space, uint64_t* high) {
  uint64_t s = len < 64 ? ~uint64_t{0} << len : 0, h = 0;
  for (size_t b = 0; b < len; ++b) {
    const uint8_t c = p[b];
    if (text_is_ascii_space(c)) s |= uint64_t{1} << b;
    if (c >= 0x80) h |= uint64_t{1} << b;
    out[b] = text_fold_ascii(c, fold);
  }
  *space = s;
  *high = h;
}

void text_scan(const uint8_t* p, size_t n, int fold, uint8_t* out, uint64_t* space, uint64_t* high) {
  size_t i = 0, w = 0;
#if !defined(TESSERA_SCALAR)
  // The letters the fold changes: [first, first + 26); fold 0 changes none (an empty range).
  const char first = fold == 1 ? 'A' : fold == 2 ? 'a' : 0;
  const char past = fold == 1 ? 'Z' + 1 : fold == 2 ? 'z' + 1 : 0;
#if defined(__AVX512BW__)
  const __m512i v8 = _mm512_set1_epi8(8), v14 = _mm512_set1_epi8(14), v1b = _mm512_set1_epi8(0x1B), v21 = _mm512_set1_epi8(0x21);
  const __m512i vf = _mm512_set1_epi8(static_cast<char>(first - 1)), vp = _mm512_set1_epi8(past), v20 = _mm512_set1_epi8(0x20);
  for (; i + 64 <= n; i += 64, ++w) {
    const __m512i v = _mm512_loadu_si512(p + i);
    // Signed compares: bytes >= 0x80 are negative, so no ASCII range takes them.
    space[w] = (_mm512_cmpgt_epi8_mask(v, v8) & _mm512_cmpgt_epi8_mask(v14, v)) | (_mm512_cmpgt_epi8_mask(v, v1b) & _mm512_cmpgt_epi8_mask(v21, v));
    high[w] = _mm512_movepi8_mask(v);
    const __mmask64 letters = _mm512_cmpgt_epi8_mask(v, vf) & _mm512_cmpgt_epi8_mask(vp, v);
    _mm512_storeu_si512(out + i, _mm512_xor_si512(v, _mm512_maskz_mov_epi8(letters, v20)));
  }
#elif defined(__AVX2__)
  const __m256i v8 = _mm256_set1_epi8(8), v14 = _mm256_set1_epi8(14), v1b = _mm256_set1_epi8(0x1B), v21 = _mm256_set1_epi8(0x21);
  const __m256i vf = _mm256_set1_epi8(static_cast<char>(first - 1)), vp = _mm256_set1_epi8(past), v20 = _mm256_set1_epi8(0x20);
  for (; i + 64 <= n; i += 64, ++w) {
    uint64_t s = 0, h = 0;
    for (int j = 0; j < 2; ++j) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32 * j));
      const __m256i sp = _mm256_or_si256(_mm256_and_si256(_mm256_cmpgt_epi8(v, v8), _mm256_cmpgt_epi8(v14, v)),
                                         _mm256_and_si256(_mm256_cmpgt_epi8(v, v1b), _mm256_cmpgt_epi8(v21, v)));
      s |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(sp))) << (32 * j);
      h |= static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(v))) << (32 * j);
      const __m256i letters = _mm256_and_si256(_mm256_cmpgt_epi8(v, vf), _mm256_cmpgt_epi8(vp, v));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + 32 * j), _mm256_xor_si256(v, _mm256_and_si256(letters, v20)));
    }
    space[w] = s;
    high[w] = h;
  }
#elif defined(__SSE2__)
  const __m128i v8 = _mm_set1_epi8(8), v14 = _mm_set1_epi8(14), v1b = _mm_set1_epi8(0x1B), v21 = _mm_set1_epi8(0x21);
  const __m128i vf = _mm_set1_epi8(static_cast<char>(first - 1)), vp = _mm_set1_epi8(past), v20 = _mm_set1_epi8(0x20);
  for (; i + 64 <= n; i += 64, ++w) {
    uint64_t s = 0, h = 0;
    for (int j = 0; j < 4; ++j) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16 * j));
      const __m128i sp = _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(v, v8), _mm_cmpgt_epi8(v14, v)), _mm_and_si128(_mm_cmpgt_epi8(v, v1b), _mm_cmpgt_epi8(v21, v)));
      s |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(sp))) << (16 * j);
      h |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(v))) << (16 * j);
      const __m128i letters = _mm_and_si128(_mm_cmpgt_epi8(v, vf), _mm_cmpgt_epi8(vp, v));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 16 * j), _mm_xor_si128(v, _mm_and_si128(letters, v20)));
    }
    space[w] = s;
    high[w] = h;
  }
#endif
#endif
  for (; i < n; i += 64, ++w) text_scan_bytes(p + i, n - i < 64 ? n - i : 64, fold, out + i, space + w, high + w);
}
