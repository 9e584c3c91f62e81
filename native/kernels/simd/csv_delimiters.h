// The CSV reader's structural scan (included by ops_impl.h once per level): the positions of every
// separator and \n of a block, in order, plus what tells the parser whether it may split fields at
// those positions alone (quotes, \r, bytes above 0x7F). Each 64 bytes become bit masks (one
// compare per byte class; the scalar level, the reference, builds them byte by byte), and one
// step shared by every level counts, checks the quotes and writes out the set bits of
// separator | newline as offsets.
//
// Quotes: the split is still exact when every quoted field is whole and simple, "text" with no
// separator, line break or quote inside and a separator or line end right after the closing quote.
// Then each quote sits at a field's start or end, and no delimiter lies between an opening quote
// and its closing one (the inside of quotes is the prefix XOR of the quote bits). The scan checks
// exactly that (quotes_simple); anything else (doubled quotes, a quote inside an unquoted field,
// quoted separators or line breaks) leaves it false.

// Masks of one 64-byte word (bit i: byte i), `len` bytes of it in the block.
struct CsvWordMasks {
  uint64_t sep, nl, cr, quote, high;
};

inline CsvWordMasks csv_masks_bytes(const uint8_t* p, size_t len, uint8_t sep, int quote) {
  CsvWordMasks m{0, 0, 0, 0, 0};
  for (size_t b = 0; b < len; ++b) {
    const uint8_t c = p[b];
    const uint64_t bit = uint64_t{1} << b;
    if (c == sep) m.sep |= bit;
    if (c == '\n') m.nl |= bit;
    if (c == '\r') m.cr |= bit;
    if (static_cast<int>(c) == quote) m.quote |= bit;
    if (c >= 0x80) m.high |= bit;
  }
  return m;
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
inline uint64_t csv_popcount(uint64_t x) { return static_cast<uint64_t>(_mm_popcnt_u64(x)); }
#else
inline size_t csv_flatten(uint32_t* out, size_t k, uint32_t base, uint64_t bits) {
  while (bits) {
    out[k++] = base + static_cast<uint32_t>(__builtin_ctzll(bits));
    bits &= bits - 1;
  }
  return k;
}
inline uint64_t csv_popcount(uint64_t x) { return static_cast<uint64_t>(__builtin_popcountll(x)); }
#endif

// Bit i of the result: the XOR of bits 0..i of x.
inline uint64_t csv_prefix_xor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// What the scan carries from one word to the next.
struct CsvScanCarry {
  bool after_delimiter = true;  // the previous byte ended a field (the block starts a row)
  uint64_t inside = 0;          // all ones while a quoted field is open
  bool quotes_bad = false;
};

// One word at `base` with `len` bytes (64 but for the last); `next_ends` says whether the byte
// after it ends a field (a delimiter or \r, or the block's end).
inline size_t csv_word(const CsvWordMasks& m, uint32_t base, size_t len, bool next_ends, uint32_t* out, size_t k, CsvBlockScan& s, CsvScanCarry& c) {
  const uint64_t delims = m.sep | m.nl;
  s.newlines += csv_popcount(m.nl);
  if (m.cr) s.crs += csv_popcount(m.cr);
  if (m.quote) {
    const uint64_t top = uint64_t{1} << (len - 1);
    const uint64_t starts = delims << 1 | uint64_t{c.after_delimiter};
    const uint64_t ends = (delims | m.cr) >> 1 | (next_ends ? top : 0);
    const uint64_t inside = csv_prefix_xor(m.quote) ^ c.inside;  // opening quotes and what they enclose
    c.quotes_bad |= (m.quote & ~(starts | ends)) != 0 || (delims & inside) != 0;
    c.inside = (inside & top) ? ~uint64_t{0} : 0;
  } else if (c.inside) {
    c.quotes_bad |= delims != 0;
  }
  c.after_delimiter = (delims >> (len - 1)) & 1;
  s.quote |= m.quote != 0;
  s.non_ascii |= m.high != 0;
  return csv_flatten(out, k, base, delims);
}

size_t csv_delimiters(const uint8_t* p, size_t n, uint8_t sep, int quote, uint32_t* out, CsvBlockScan* scan) {
  CsvBlockScan s;
  CsvScanCarry carry;
  size_t k = 0, i = 0;
  auto ends_field = [&](size_t at) { return at >= n || p[at] == sep || p[at] == '\n' || p[at] == '\r'; };
#if !defined(TESSERA_SCALAR)
  // Without quoting, compare against the separator again and drop those bits.
  const uint8_t q = quote < 0 ? sep : static_cast<uint8_t>(quote);
  const uint64_t keep_quotes = quote < 0 ? 0 : ~uint64_t{0};
#if defined(__AVX512BW__)
  const __m512i vs = _mm512_set1_epi8(static_cast<char>(sep)), vn = _mm512_set1_epi8('\n'), vr = _mm512_set1_epi8('\r'), vq = _mm512_set1_epi8(static_cast<char>(q));
  for (; i + 64 <= n; i += 64) {
    const __m512i v = _mm512_loadu_si512(p + i);
    const CsvWordMasks m{_mm512_cmpeq_epi8_mask(v, vs), _mm512_cmpeq_epi8_mask(v, vn), _mm512_cmpeq_epi8_mask(v, vr),
                         _mm512_cmpeq_epi8_mask(v, vq) & keep_quotes, _mm512_movepi8_mask(v)};
    k = csv_word(m, static_cast<uint32_t>(i), 64, ends_field(i + 64), out, k, s, carry);
  }
#elif defined(__AVX2__)
  const __m256i vs = _mm256_set1_epi8(static_cast<char>(sep)), vn = _mm256_set1_epi8('\n'), vr = _mm256_set1_epi8('\r'), vq = _mm256_set1_epi8(static_cast<char>(q));
  auto mask = [](__m256i a, __m256i b) { return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, b)))); };
  for (; i + 64 <= n; i += 64) {
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
    const CsvWordMasks m{mask(lo, vs) | mask(hi, vs) << 32, mask(lo, vn) | mask(hi, vn) << 32, mask(lo, vr) | mask(hi, vr) << 32,
                         (mask(lo, vq) | mask(hi, vq) << 32) & keep_quotes,
                         static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(lo))) | static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(hi))) << 32};
    k = csv_word(m, static_cast<uint32_t>(i), 64, ends_field(i + 64), out, k, s, carry);
  }
#elif defined(__SSE2__)
  const __m128i vs = _mm_set1_epi8(static_cast<char>(sep)), vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r'), vq = _mm_set1_epi8(static_cast<char>(q));
  for (; i + 64 <= n; i += 64) {
    CsvWordMasks m{0, 0, 0, 0, 0};
    for (int j = 0; j < 4; ++j) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16 * j));
      auto bits = [&](__m128i b) { return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, b)))) << (16 * j); };
      m.sep |= bits(vs);
      m.nl |= bits(vn);
      m.cr |= bits(vr);
      m.quote |= bits(vq) & keep_quotes;
      m.high |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(v))) << (16 * j);
    }
    k = csv_word(m, static_cast<uint32_t>(i), 64, ends_field(i + 64), out, k, s, carry);
  }
#endif
#endif
  for (; i < n; i += 64) {
    const size_t len = n - i < 64 ? n - i : 64;
    k = csv_word(csv_masks_bytes(p + i, len, sep, quote), static_cast<uint32_t>(i), len, ends_field(i + len), out, k, s, carry);
  }
  s.quotes_simple = !carry.quotes_bad && !carry.inside;
  *scan = s;
  return k;
}
