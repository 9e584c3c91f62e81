// The CSV reader's integer column (included by ops_impl.h once per level): field j of each row of
// a plain block (bounds from csv_delimiters' offsets, F fields a row) read as an integer when it
// is short: at most 8 bytes, an optional sign and at least one digit. The 8 bytes that end at the
// field's end are one word; its digits are validated and combined without a loop per digit (the
// loop's exit is a branch miss per field when lengths vary). AVX2 and AVX-512 do 4 and 8 fields
// at once. Anything else (longer numbers, spaces, missing values, a \r before the line end) is
// left to the parser's general path: ok[r] = 0. The scalar level is the reference.

// One field, the reference rule: the 8 bytes ending at e hold the field; after its sign (if any),
// every byte of it must be a digit.
inline bool csv_int_word(const uint8_t* buf, uint32_t s, uint32_t e, bool trim_cr, int64_t* out) {
  const uint32_t n = e - s;
  if (n == 0 || n > 8 || e < 8) return false;
  uint64_t w;
  std::memcpy(&w, buf + e - 8, 8);
  if (trim_cr && (w >> 56) == '\r') return false;
  const uint8_t c0 = buf[s];
  const bool sign = c0 == '-' || c0 == '+';
  const uint32_t digits = n - sign;
  if (digits == 0) return false;
  const unsigned pad = (8 - digits) * 8;
  const uint64_t low = pad ? (uint64_t{1} << pad) - 1 : 0;
  w = (w & ~low) | (0x3030303030303030ull & low);
  if (((w & 0xF0F0F0F0F0F0F0F0ull) | ((w + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >> 4) != 0x3333333333333333ull) return false;
  w -= 0x3030303030303030ull;
  w = (w * 10 + (w >> 8)) & 0x00FF00FF00FF00FFull;
  w = (w * 100 + (w >> 16)) & 0x0000FFFF0000FFFFull;
  w = (w * 10000 + (w >> 32)) & 0xFFFFFFFFull;
  *out = c0 == '-' ? -static_cast<int64_t>(w) : static_cast<int64_t>(w);
  return true;
}

inline size_t csv_int_rows(const uint8_t* buf, const uint32_t* d, size_t F, size_t j, size_t r, size_t rows, bool trim_cr, int64_t* out, uint8_t* ok) {
  size_t taken = 0;
  for (; r < rows; ++r) {
    const size_t k = r * F + j;
    const uint32_t s = k == 0 ? 0 : d[k - 1] + 1;
    taken += ok[r] = csv_int_word(buf, s, d[k], trim_cr, &out[r]);
  }
  return taken;
}

size_t csv_small_ints(const uint8_t* buf, const uint32_t* d, size_t F, size_t j, size_t rows, bool trim_cr, int64_t* out, uint8_t* ok) {
  size_t r = 0, taken = 0;
  // Row 0's first field starts at the block's start, not after a delimiter.
  if (j == 0 && rows) taken += csv_int_rows(buf, d, F, j, 0, 1, trim_cr, out, ok), r = 1;
#if defined(__AVX512BW__) || defined(__AVX2__)
  const int fi = static_cast<int>(F);
#endif
#if defined(__AVX512BW__)
  const __m256i lane = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(fi));
  const __m512i zeros = _mm512_set1_epi64(0x3030303030303030ll), f0 = _mm512_set1_epi64(static_cast<long long>(0xF0F0F0F0F0F0F0F0ull));
  const __m512i six = _mm512_set1_epi64(0x0606060606060606ll), threes = _mm512_set1_epi64(0x3333333333333333ll);
  const __m512i ones = _mm512_set1_epi64(-1), eight = _mm512_set1_epi64(8), zero = _mm512_setzero_si512();
  const __m512i tens = _mm512_set1_epi16(0x010A), hundreds = _mm512_set1_epi32(0x00010064), tenk = _mm512_set1_epi64(10000);
  for (; r + 8 <= rows && r * F + j + 7 * F < (size_t{1} << 31); r += 8) {
    const __m256i k = _mm256_add_epi32(lane, _mm256_set1_epi32(static_cast<int>(r * F + j)));
    const __m256i e32 = _mm256_i32gather_epi32(reinterpret_cast<const int*>(d), k, 4);
    const __m256i s32 = _mm256_add_epi32(_mm256_i32gather_epi32(reinterpret_cast<const int*>(d), _mm256_sub_epi32(k, _mm256_set1_epi32(1)), 4), _mm256_set1_epi32(1));
    const __m512i e = _mm512_cvtepu32_epi64(e32), n = _mm512_sub_epi64(e, _mm512_cvtepu32_epi64(s32));
    const __mmask8 loadable = _mm512_cmpge_epu64_mask(e, eight);
    const __m512i w = _mm512_mask_i32gather_epi64(zero, loadable, _mm256_sub_epi32(e32, _mm256_set1_epi32(8)), buf, 1);
    __mmask8 good = loadable & _mm512_cmpge_epu64_mask(n, _mm512_set1_epi64(1)) & _mm512_cmple_epu64_mask(n, eight);
    if (trim_cr) good &= _mm512_cmpneq_epu64_mask(_mm512_srli_epi64(w, 56), _mm512_set1_epi64('\r'));
    const __m512i c0 = _mm512_and_si512(_mm512_srlv_epi64(w, _mm512_slli_epi64(_mm512_sub_epi64(eight, n), 3)), _mm512_set1_epi64(0xFF));
    const __mmask8 neg = _mm512_cmpeq_epi64_mask(c0, _mm512_set1_epi64('-'));
    const __mmask8 sign = neg | _mm512_cmpeq_epi64_mask(c0, _mm512_set1_epi64('+'));
    const __m512i digits = _mm512_mask_sub_epi64(n, sign, n, _mm512_set1_epi64(1));
    good &= _mm512_cmpge_epu64_mask(digits, _mm512_set1_epi64(1));
    const __m512i pad = _mm512_slli_epi64(_mm512_sub_epi64(eight, digits), 3);
    const __m512i low = _mm512_andnot_si512(_mm512_sllv_epi64(ones, pad), ones);
    __m512i v = _mm512_or_si512(_mm512_andnot_si512(low, w), _mm512_and_si512(zeros, low));
    const __m512i check = _mm512_or_si512(_mm512_and_si512(v, f0), _mm512_srli_epi64(_mm512_and_si512(_mm512_add_epi64(v, six), f0), 4));
    good &= _mm512_cmpeq_epi64_mask(check, threes);
    v = _mm512_sub_epi8(v, zeros);
    v = _mm512_madd_epi16(_mm512_maddubs_epi16(v, tens), hundreds);  // 4-digit groups in 32 bits
    v = _mm512_add_epi64(_mm512_mul_epu32(v, tenk), _mm512_srli_epi64(v, 32));
    v = _mm512_mask_sub_epi64(v, neg, zero, v);
    _mm512_storeu_si512(out + r, v);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(ok + r), _mm_maskz_set1_epi8(good, 1));
    taken += static_cast<size_t>(_mm_popcnt_u32(good));
  }
#elif defined(__AVX2__)
  const __m128i lane = _mm_mullo_epi32(_mm_setr_epi32(0, 1, 2, 3), _mm_set1_epi32(fi));
  const __m256i zeros = _mm256_set1_epi64x(0x3030303030303030ll), f0 = _mm256_set1_epi64x(static_cast<long long>(0xF0F0F0F0F0F0F0F0ull));
  const __m256i six = _mm256_set1_epi64x(0x0606060606060606ll), threes = _mm256_set1_epi64x(0x3333333333333333ll);
  const __m256i ones = _mm256_set1_epi64x(-1), eight = _mm256_set1_epi64x(8), zero = _mm256_setzero_si256();
  const __m256i tens = _mm256_set1_epi16(0x010A), hundreds = _mm256_set1_epi32(0x00010064), tenk = _mm256_set1_epi64x(10000);
  for (; r + 4 <= rows && r * F + j + 3 * F < (size_t{1} << 31); r += 4) {
    const __m128i k = _mm_add_epi32(lane, _mm_set1_epi32(static_cast<int>(r * F + j)));
    const __m128i e32 = _mm_i32gather_epi32(reinterpret_cast<const int*>(d), k, 4);
    const __m128i s32 = _mm_add_epi32(_mm_i32gather_epi32(reinterpret_cast<const int*>(d), _mm_sub_epi32(k, _mm_set1_epi32(1)), 4), _mm_set1_epi32(1));
    const __m256i e = _mm256_cvtepu32_epi64(e32), n = _mm256_sub_epi64(e, _mm256_cvtepu32_epi64(s32));
    // Offsets stay far below 2^31 (plain blocks are at most 64 MiB): signed gathers and compares are exact.
    const __m256i loadable = _mm256_cmpgt_epi64(e, _mm256_set1_epi64x(7));
    const __m256i w = _mm256_mask_i32gather_epi64(zero, reinterpret_cast<const long long*>(buf), _mm_sub_epi32(e32, _mm_set1_epi32(8)), loadable, 1);
    __m256i good = _mm256_and_si256(loadable, _mm256_and_si256(_mm256_cmpgt_epi64(n, zero), _mm256_cmpgt_epi64(_mm256_set1_epi64x(9), n)));
    if (trim_cr) good = _mm256_andnot_si256(_mm256_cmpeq_epi64(_mm256_srli_epi64(w, 56), _mm256_set1_epi64x('\r')), good);
    const __m256i c0 = _mm256_and_si256(_mm256_srlv_epi64(w, _mm256_slli_epi64(_mm256_sub_epi64(eight, n), 3)), _mm256_set1_epi64x(0xFF));
    const __m256i neg = _mm256_cmpeq_epi64(c0, _mm256_set1_epi64x('-'));
    const __m256i sign = _mm256_or_si256(neg, _mm256_cmpeq_epi64(c0, _mm256_set1_epi64x('+')));
    const __m256i digits = _mm256_add_epi64(n, sign);  // sign lanes are -1
    good = _mm256_and_si256(good, _mm256_cmpgt_epi64(digits, zero));
    const __m256i pad = _mm256_slli_epi64(_mm256_sub_epi64(eight, digits), 3);
    const __m256i low = _mm256_andnot_si256(_mm256_sllv_epi64(ones, pad), ones);
    __m256i v = _mm256_or_si256(_mm256_andnot_si256(low, w), _mm256_and_si256(zeros, low));
    const __m256i check = _mm256_or_si256(_mm256_and_si256(v, f0), _mm256_srli_epi64(_mm256_and_si256(_mm256_add_epi64(v, six), f0), 4));
    good = _mm256_and_si256(good, _mm256_cmpeq_epi64(check, threes));
    v = _mm256_sub_epi8(v, zeros);
    v = _mm256_madd_epi16(_mm256_maddubs_epi16(v, tens), hundreds);
    v = _mm256_add_epi64(_mm256_mul_epu32(v, tenk), _mm256_srli_epi64(v, 32));
    v = _mm256_blendv_epi8(v, _mm256_sub_epi64(zero, v), neg);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + r), v);
    const int m = _mm256_movemask_pd(_mm256_castsi256_pd(good));
    for (int i = 0; i < 4; ++i) ok[r + i] = static_cast<uint8_t>((m >> i) & 1);
    taken += static_cast<size_t>(_mm_popcnt_u32(static_cast<unsigned>(m)));
  }
#endif
  return taken + csv_int_rows(buf, d, F, j, r, rows, trim_cr, out, ok);
}
