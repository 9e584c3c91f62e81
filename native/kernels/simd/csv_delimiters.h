// The CSV reader's structural scan (included by ops_impl.h once per level): the positions of every
// separator and \n of a block, in order, plus what tells the parser whether it may split fields at
// those positions alone (quotes, \r, bytes above 0x7F). 64 bytes become a few bit masks (one
// compare per byte class), and the set bits of separator | newline are written out as offsets.
// The scalar level is the byte-by-byte reference the others are tested against.

inline void csv_scan_tail(const uint8_t* p, size_t i, size_t n, uint8_t sep, int quote, uint32_t* out, size_t& k, CsvBlockScan& s) {
  for (; i < n; ++i) {
    const uint8_t c = p[i];
    if (c == sep || c == '\n') out[k++] = static_cast<uint32_t>(i);
    s.newlines += c == '\n';
    s.crs += c == '\r';
    s.quote |= static_cast<int>(c) == quote;
    s.non_ascii |= c >= 0x80;
  }
}

#if defined(__AVX2__)
// Writes the offsets of the set bits of `bits` (base + bit index) at out[k...]: eight at a time
// without a branch per bit (the slots past the count are scratch: out has 64 spare entries).
inline size_t csv_flatten(uint32_t* out, size_t k, uint32_t base, uint64_t bits) {
  if (!bits) return k;
  const size_t count = static_cast<size_t>(_mm_popcnt_u64(bits));
  uint32_t* o = out + k;
  for (int j = 0; j < 8; ++j) { o[j] = base + static_cast<uint32_t>(_tzcnt_u64(bits)); bits = _blsr_u64(bits); }
  if (count > 8) {
    for (int j = 8; j < 16; ++j) { o[j] = base + static_cast<uint32_t>(_tzcnt_u64(bits)); bits = _blsr_u64(bits); }
    for (int j = 16; bits; ++j) { o[j] = base + static_cast<uint32_t>(_tzcnt_u64(bits)); bits = _blsr_u64(bits); }
  }
  return k + count;
}
#else
inline size_t csv_flatten(uint32_t* out, size_t k, uint32_t base, uint64_t bits) {
  while (bits) {
    out[k++] = base + static_cast<uint32_t>(__builtin_ctzll(bits));
    bits &= bits - 1;
  }
  return k;
}
#endif

size_t csv_delimiters(const uint8_t* p, size_t n, uint8_t sep, int quote, uint32_t* out, CsvBlockScan* scan) {
  CsvBlockScan s;
  size_t k = 0, i = 0;
#if defined(__SSE2__) && !defined(TESSERA_SCALAR)
  uint64_t quotes = 0, high = 0, newlines = 0, crs = 0;
  // Without quoting, compare against the separator again: those bits are ignored below.
  const uint8_t q = quote < 0 ? sep : static_cast<uint8_t>(quote);
#if defined(__AVX512BW__)
  const __m512i vs = _mm512_set1_epi8(static_cast<char>(sep)), vn = _mm512_set1_epi8('\n'), vr = _mm512_set1_epi8('\r'), vq = _mm512_set1_epi8(static_cast<char>(q));
  for (; i + 64 <= n; i += 64) {
    const __m512i v = _mm512_loadu_si512(p + i);
    const uint64_t nl = _mm512_cmpeq_epi8_mask(v, vn);
    const uint64_t sp = _mm512_cmpeq_epi8_mask(v, vs);
    crs += static_cast<uint64_t>(_mm_popcnt_u64(_mm512_cmpeq_epi8_mask(v, vr)));
    quotes |= _mm512_cmpeq_epi8_mask(v, vq);
    high |= _mm512_movepi8_mask(v);
    newlines += static_cast<uint64_t>(_mm_popcnt_u64(nl));
    k = csv_flatten(out, k, static_cast<uint32_t>(i), sp | nl);
  }
#elif defined(__AVX2__)
  const __m256i vs = _mm256_set1_epi8(static_cast<char>(sep)), vn = _mm256_set1_epi8('\n'), vr = _mm256_set1_epi8('\r'), vq = _mm256_set1_epi8(static_cast<char>(q));
  auto mask = [](__m256i a, __m256i b) { return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, b)))); };
  for (; i + 64 <= n; i += 64) {
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
    const uint64_t nl = mask(lo, vn) | mask(hi, vn) << 32;
    const uint64_t sp = mask(lo, vs) | mask(hi, vs) << 32;
    crs += static_cast<uint64_t>(_mm_popcnt_u64(mask(lo, vr) | mask(hi, vr) << 32));
    quotes |= mask(lo, vq) | mask(hi, vq);
    high |= static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(lo, hi)));
    newlines += static_cast<uint64_t>(_mm_popcnt_u64(nl));
    k = csv_flatten(out, k, static_cast<uint32_t>(i), sp | nl);
  }
#else
  const __m128i vs = _mm_set1_epi8(static_cast<char>(sep)), vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r'), vq = _mm_set1_epi8(static_cast<char>(q));
  auto mask = [](const uint8_t* at, __m128i b) {
    uint64_t m = 0;
    for (int j = 0; j < 4; ++j) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 16 * j));
      m |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, b)))) << (16 * j);
    }
    return m;
  };
  for (; i + 64 <= n; i += 64) {
    const uint8_t* at = p + i;
    const uint64_t nl = mask(at, vn), sp = mask(at, vs);
    crs += static_cast<uint64_t>(__builtin_popcountll(mask(at, vr)));
    quotes |= mask(at, vq);
    for (int j = 0; j < 4; ++j) high |= static_cast<uint32_t>(_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 16 * j))));
    newlines += static_cast<uint64_t>(__builtin_popcountll(nl));
    k = csv_flatten(out, k, static_cast<uint32_t>(i), sp | nl);
  }
#endif
  s.newlines = newlines;
  s.crs = crs;
  s.quote = quote >= 0 && quotes != 0;
  s.non_ascii = high != 0;
#endif
  csv_scan_tail(p, i, n, sep, quote, out, k, s);
  *scan = s;
  return k;
}
