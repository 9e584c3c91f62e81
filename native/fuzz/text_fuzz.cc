// libFuzzer target: the word counter of text bags (text/word_counts.h). The first byte picks the
// fold (keep, lower, upper) and k for top(k); the rest is the text. Invalid UTF-8 must be refused
// (InvalidText, at an offset inside the text) and nothing else may throw; a valid text's counts must
// add up to the words a plain splitter finds, survive encode + merge_encoded unchanged, and top(k)
// must be the k largest counts in order, ties in first-appearance order. Every SIMD level the CPU
// has must count exactly as the scalar reference does (the scan is per level).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../common/error.h"
#include "../kernels/op_table.h"
#include "../text/word_counts.h"

namespace {

using namespace tessera;

// Words by the definition, one code point at a time (no fast paths): runs of non-space code points.
uint64_t reference_words(const uint8_t* p, size_t n) {
  uint64_t words = 0;
  bool in_word = false;
  for (size_t i = 0; i < n;) {
    uint32_t cp = 0;
    const int len = text::decode_utf8(p + i, n - i, &cp);
    if (!len) __builtin_trap();  // count_words accepted invalid UTF-8
    const bool space = text::is_space(cp);
    if (!space && !in_word) ++words;
    in_word = !space;
    i += static_cast<size_t>(len);
  }
  return words;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto fold = static_cast<text::Fold>(data[0] % 3);
  const size_t k = data[0] / 3 % 8;
  const uint8_t* p = data + 1;
  const size_t n = size - 1;
  text::WordCounts counts;
  try {
    text::count_words(p, n, fold, counts);
  } catch (const text::InvalidText& e) {
    if (e.offset >= n) __builtin_trap();
    uint32_t cp;
    if (text::decode_utf8(p + e.offset, n - e.offset, &cp)) __builtin_trap();  // it was valid there
    return 0;
  }
  if (counts.total() != reference_words(p, n)) __builtin_trap();
  for (const char* level : {"scalar", "sse2", "avx2", "avx512"}) {
    if (!op_table_for(level)) continue;
    set_simd_level(level);
    text::WordCounts again;
    text::count_words(p, n, fold, again);
    if (again.size() != counts.size() || again.counts() != counts.counts()) __builtin_trap();
    for (size_t i = 0; i < counts.size(); ++i)
      if (again.word(i) != counts.word(i)) __builtin_trap();
  }
  std::vector<uint8_t> bytes(counts.encoded_size());
  counts.encode(bytes.data());
  text::WordCounts back;
  back.merge_encoded(bytes.data(), bytes.size());
  if (back.size() != counts.size() || back.counts() != counts.counts()) __builtin_trap();
  for (size_t i = 0; i < counts.size(); ++i)
    if (back.word(i) != counts.word(i)) __builtin_trap();
  const text::WordCounts top = counts.top(k);
  const std::vector<uint64_t> top_counts = top.counts();
  if (top.size() != (k && k < counts.size() ? k : counts.size())) __builtin_trap();
  // Most frequent first, ties in insertion (first-appearance) order.
  std::unordered_map<std::string_view, size_t> inserted;
  for (size_t i = 0; i < counts.size(); ++i) inserted[counts.word(i)] = i;
  for (size_t i = 1; i < top.size(); ++i)
    if (top_counts[i] > top_counts[i - 1] || (top_counts[i] == top_counts[i - 1] && !(inserted[top.word(i - 1)] < inserted[top.word(i)]))) __builtin_trap();
  // A corrupt table must be refused, never read out of bounds.
  if (!bytes.empty()) {
    bytes[data[0] % bytes.size()] ^= 0x5A;
    try {
      text::WordCounts broken;
      broken.merge_encoded(bytes.data(), bytes.size());
    } catch (const Error& e) {
      if (e.code() != "BAD_TASK") __builtin_trap();
    }
  }
  return 0;
}
