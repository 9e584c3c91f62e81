#include "word_counts.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <numeric>

#include "../common/error.h"
#include "../common/thread_scratch.h"
#include "../kernels/op_table.h"

namespace tessera::text {

namespace {

constexpr uint64_t kMagic = 0x31544E554F435754ull;  // "TWCOUNT1" little-endian

// A table starts with room for 512 words (32 KiB): merges and JSON keys often stay that small.
constexpr size_t kFirstSlots = 1024;

// Up to 8 bytes at p (n of them are the word's) as a little-endian word, zero beyond n. Padded: p
// may be read 8 bytes on (the counter's window keeps slack after its text), so one load and a mask.
template <bool kPadded>
uint64_t bytes_at(const char* p, size_t n) {
  uint64_t x = 0;
  if (kPadded) {
    std::memcpy(&x, p, 8);
    return n >= 8 ? x : x & ((uint64_t{1} << (8 * n)) - 1);
  }
  std::memcpy(&x, p, n < 8 ? n : 8);
  return x;
}

// A multiplicative hash of the word's 8-byte blocks, read by its top bits (home()): two multiplies
// for a word of up to 16 bytes (nearly every word: its two blocks, the second zero for a short
// word, so no branch on the length), one more per further 8. Only the table's layout depends on
// it, and both readings of the bytes give the same value.
uint64_t hash_first(uint64_t head, size_t n) { return (head + n) * 0x9E3779B97F4A7C15ull; }
uint64_t hash_step(uint64_t h, uint64_t block) { return (h ^ (h >> 29) ^ block) * 0xC2B2AE3D27D4EB4Full; }

template <bool kPadded>
uint64_t hash_of(const char* p, size_t n, uint64_t w0, uint64_t w1) {
  uint64_t h = hash_step(hash_first(w0, n), w1);
  for (size_t i = 16; i < n; i += 8) h = hash_step(h, bytes_at<kPadded>(p + i, n - i));
  return h;
}

// kLow[n]: the masks keeping a word's first n bytes (n <= 16) of its two 8-byte blocks. A table,
// not shifts: word lengths are random to the branch predictor, and the loads hit L1.
struct LowMasks {
  uint64_t m[17][2];
};
constexpr LowMasks low_masks() {
  LowMasks t{};
  for (int n = 0; n <= 16; ++n) {
    const int a = n < 8 ? n : 8, b = n - a;
    t.m[n][0] = a == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * a)) - 1;
    t.m[n][1] = b == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * b)) - 1;
  }
  return t;
}
constexpr LowMasks kLow = low_masks();

// What a byte is to the splitter: part of a word (ASCII, not a space), ASCII whitespace as
// str.split() sees it (\t \n \v \f \r, \x1c-\x1f, space), an ASCII capital or small letter (a word
// byte that lower() or upper() changes), or the first byte of a non-ASCII code point.
enum : uint8_t { kWord = 0, kSpace = 1, kUpper = 2, kLowerCase = 3, kHigh = 4 };

constexpr std::array<uint8_t, 256> classes() {
  std::array<uint8_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    if ((b >= 9 && b <= 13) || (b >= 0x1C && b <= 0x20)) t[b] = kSpace;
    else if (b >= 'A' && b <= 'Z') t[b] = kUpper;
    else if (b >= 'a' && b <= 'z') t[b] = kLowerCase;
    else if (b >= 0x80) t[b] = kHigh;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kClass = classes();

}  // namespace

std::vector<uint64_t> WordCounts::counts() const {
  std::vector<uint64_t> out(size());
  for (const Slot& sl : slots_)
    if (sl.entry) out[sl.entry - 1] = sl.count;
  return out;
}

uint64_t WordCounts::hash_of_slot(const Slot& sl) const {
  if (sl.len <= 16) return hash_step(hash_first(sl.w0, sl.len), sl.w1);
  const std::string_view w = word(sl.entry - 1);
  return hash_of<false>(w.data(), w.size(), sl.w0, sl.w1);
}

uint64_t WordCounts::total() const {
  uint64_t sum = 0;
  for (const Slot& sl : slots_) sum += sl.count;
  return sum;
}

size_t WordCounts::find_slot(const Key& key) const {
  const size_t mask = slots_.size() - 1;
  const size_t n = key.word.size();
  for (size_t s = home(key.hash);; s = (s + 1) & mask) {
    const Slot& sl = slots_[s];
    if (!sl.entry) return s;
    if (sl.w0 != key.w0 || sl.w1 != key.w1 || sl.len != n) continue;
    if (n <= 16 || std::memcmp(bytes_.data() + ends_[sl.entry - 1] - n + 16, key.word.data() + 16, n - 16) == 0) return s;
  }
}

void WordCounts::reserve(size_t words) {
  if (!slots_.empty() || words * 2 <= kFirstSlots) return;
  size_t n = kFirstSlots;
  while (n < words * 2 && n < (size_t{1} << 20)) n *= 2;  // at most 32 MiB ahead of need
  HugeTable<Slot>(n).swap(slots_);
  shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(n));
}

void WordCounts::grow() {
  HugeTable<Slot> bigger(slots_.empty() ? kFirstSlots : slots_.size() * 2);
  const size_t mask = bigger.size() - 1;
  shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(bigger.size()));
  for (const Slot& sl : slots_) {
    if (!sl.entry) continue;
    size_t s = home(hash_of_slot(sl));
    while (bigger[s].entry) s = (s + 1) & mask;
    bigger[s] = sl;
  }
  slots_.swap(bigger);
}

void WordCounts::add(std::string_view word, uint64_t times) { add_hashed(key_of<false>(word.data(), word.size()), times); }

template <bool kPadded>
WordCounts::Key WordCounts::key_of(const char* p, size_t n) {
  if (kPadded && n <= 16) {
    // Nearly every word: two loads, two masks and two hash steps, with no branch.
    uint64_t a, b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    const uint64_t w0 = a & kLow.m[n][0], w1 = b & kLow.m[n][1];
    return Key{std::string_view(p, n), w0, w1, hash_step(hash_first(w0, n), w1)};
  }
  const uint64_t w0 = n ? bytes_at<kPadded>(p, n) : 0;
  const uint64_t w1 = n > 8 ? bytes_at<kPadded>(p + 8, n - 8) : 0;
  return Key{std::string_view(p, n), w0, w1, hash_of<kPadded>(p, n, w0, w1)};
}

void WordCounts::prefetch_group(const Key* keys, size_t m) {
  if ((size() + m) * 2 > slots_.size()) grow();  // before the prefetches, which then stay good
  for (size_t i = 0; i < m; ++i) __builtin_prefetch(&slots_[home(keys[i].hash)]);
}

void WordCounts::probe_group(const Key* keys, const uint64_t* times, size_t m) {
  if ((size() + m) * 2 > slots_.size()) grow();  // no growth inside the group
  for (size_t i = 0; i < m; ++i) {
    const uint64_t t = times ? times[i] : 1;
    // Most words are short and already counted: found in the slot they hash to, at one compare.
    // One branch for the test (the bitwise ors and ands do not branch).
    Slot& first = slots_[home(keys[i].hash)];
    const size_t n = keys[i].word.size();
    if ((((first.w0 ^ keys[i].w0) | (first.w1 ^ keys[i].w1) | (first.len ^ n)) == 0) & (first.entry != 0) & (n <= 16)) {
      first.count += t;
      continue;
    }
    add_hashed(keys[i], t);
  }
}

void WordCounts::add_group(const Key* keys, const uint64_t* times, size_t m) {
  prefetch_group(keys, m);
  probe_group(keys, times, m);
}

void WordCounts::add_padded(const PaddedWord* words, size_t k) {
  // Pipelined: group g + 1 is hashed and its slots prefetched before group g is probed, so a
  // prefetch has a whole group's probes to arrive in.
  Key keys[2][kGroup];
  size_t m[2] = {0, 0};
  for (size_t at = 0, g = 0; at < k || m[(g + 1) & 1]; g ^= 1) {
    m[g] = std::min(kGroup, k - at);
    for (size_t i = 0; i < m[g]; ++i) keys[g][i] = key_of<true>(words[at + i].p, words[at + i].n);
    at += m[g];
    prefetch_group(keys[g], m[g]);
    probe_group(keys[g ^ 1], nullptr, m[g ^ 1]);
    m[g ^ 1] = 0;
  }
}

void WordCounts::add_hashed(const Key& key, uint64_t times) {
  if ((size() + 1) * 2 > slots_.size()) grow();
  const size_t s = find_slot(key);
  if (slots_[s].entry) {
    slots_[s].count += times;
    return;
  }
  const size_t n = key.word.size();
  if (size() >= UINT32_MAX - 1 || n > UINT32_MAX) throw Error("OUT_OF_MEMORY", "more than 4 billion distinct words, or a word over 4 GB", "count fewer distinct values at once");
  bytes_.append(key.word.data(), n);
  ends_.push_back(bytes_.size());
  slots_[s] = Slot{key.w0, key.w1, static_cast<uint32_t>(n), static_cast<uint32_t>(size()), times};
}

WordCounts WordCounts::top(size_t k) const {
  const std::vector<uint64_t> counts = this->counts();
  std::vector<uint32_t> order(counts.size());
  std::iota(order.begin(), order.end(), 0u);
  // Ties keep insertion order, which merges in partition order make first-appearance order: Counter.most_common()'s.
  const auto before = [&counts](uint32_t a, uint32_t b) { return counts[a] != counts[b] ? counts[a] > counts[b] : a < b; };
  const size_t keep = k && k < order.size() ? k : order.size();
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(), before);
  WordCounts out;
  for (size_t i = 0; i < keep; ++i) out.add(word(order[i]), counts[order[i]]);
  return out;
}

size_t WordCounts::encoded_size() const { return 24 + 16 * size() + (bytes_.size() + 7) / 8 * 8; }

void WordCounts::encode(uint8_t* out) const {
  const uint64_t head[3] = {kMagic, size(), bytes_.size()};
  std::memcpy(out, head, 24);
  out += 24;
  if (!ends_.empty()) {  // memcpy from an empty vector's null data() is undefined
    std::memcpy(out, counts().data(), 8 * size());
    std::memcpy(out + 8 * size(), ends_.data(), 8 * ends_.size());
  }
  out += 16 * size();
  std::memcpy(out, bytes_.data(), bytes_.size());
  std::memset(out + bytes_.size(), 0, (bytes_.size() + 7) / 8 * 8 - bytes_.size());
}

uint64_t WordCounts::encoded_words(const uint8_t* in, size_t n) {
  uint64_t count = 0;
  if (n >= 24) std::memcpy(&count, in + 8, 8);
  return count <= n / 16 ? count : 0;
}

void WordCounts::merge_encoded(const uint8_t* in, size_t n) {
  uint64_t head[3];
  if (n < 24) throw Error("BAD_TASK", "a word-count chunk is too short", "this is a bug, please report it");
  std::memcpy(head, in, 24);
  const uint64_t count = head[1], nbytes = head[2];
  if (head[0] != kMagic || count > n / 16 || nbytes > n || 24 + 16 * count + nbytes > n)
    throw Error("BAD_TASK", "a chunk read as word counts is not one", "this is a bug, please report it");
  const uint8_t* counts = in + 24;
  const uint8_t* ends = counts + 8 * count;
  const char* bytes = reinterpret_cast<const char*>(ends + 8 * count);
  const uint64_t avail = n - 24 - 16 * count;  // readable bytes from `bytes` on (nbytes and padding)
  uint64_t prev = 0;
  Key keys[kGroup];
  uint64_t times[kGroup];
  for (uint64_t at = 0; at < count; at += kGroup) {
    const size_t m = static_cast<size_t>(std::min<uint64_t>(kGroup, count - at));
    for (size_t i = 0; i < m; ++i) {
      uint64_t end;
      std::memcpy(&times[i], counts + 8 * (at + i), 8);
      std::memcpy(&end, ends + 8 * (at + i), 8);
      if (end < prev || end > nbytes) throw Error("BAD_TASK", "a word-count chunk's words are out of order", "this is a bug, please report it");
      // Words well inside the chunk are read as padded ones (8-byte loads and masks); the last few exactly.
      const uint64_t len = end - prev;
      keys[i] = prev + std::max<uint64_t>(16, len + 8) <= avail ? key_of<true>(bytes + prev, len) : key_of<false>(bytes + prev, len);
      prev = end;
    }
    add_group(keys, times, m);
  }
}

namespace {

// The words of text[0, n) one code point at a time, with Unicode whitespace and case: the path of
// the words that hold a byte >= 0x80 (a non-ASCII space among them splits them further).
void count_unicode_words(const uint8_t* text, size_t n, Fold fold, WordCounts& into) {
  thread_local std::string folded;
  // The ASCII class a word must contain for the fold to change it.
  const uint8_t changes = fold == Fold::Lower ? kUpper : fold == Fold::Upper ? kLowerCase : 0xFF;
  size_t i = 0;
  while (i < n) {
    // Skip whitespace.
    while (i < n) {
      const uint8_t c = kClass[text[i]];
      if (c == kSpace) {
        ++i;
        continue;
      }
      if (c != kHigh) break;
      uint32_t cp;
      const int len = decode_utf8(text + i, n - i, &cp);
      if (!len) throw InvalidText{i};
      if (!is_space(cp)) break;
      i += static_cast<size_t>(len);
    }
    if (i >= n) break;
    // A word: up to the next whitespace. Plain ASCII bytes take one table lookup each.
    const size_t start = i;
    bool ascii = true, change = false;
    while (i < n) {
      const uint8_t c = kClass[text[i]];
      if (c < kHigh) {
        if (c == kSpace) break;
        change |= c == changes;
        ++i;
        continue;
      }
      uint32_t cp;
      const int len = decode_utf8(text + i, n - i, &cp);
      if (!len) throw InvalidText{i};
      if (is_space(cp)) break;
      ascii = false;
      i += static_cast<size_t>(len);
    }
    const std::string_view raw(reinterpret_cast<const char*>(text + start), i - start);
    if (fold == Fold::Keep || (ascii && !change)) {
      into.add(raw);
      continue;
    }
    folded.clear();
    fold_word(text + start, i - start, fold, folded);
    into.add(folded);
  }
}

struct FoldedTag;
struct MasksTag;

// Text is counted in windows of about this many bytes, each cut just after an ASCII whitespace
// byte, so no word crosses windows and a window's copy and masks stay in L2.
constexpr size_t kWindow = size_t{64} << 10;

// Whether a bit of masks[] in [s, e) is set.
bool any_bit(const uint64_t* masks, size_t s, size_t e) {
  const size_t first = s / 64, last = (e - 1) / 64;
  const uint64_t from = ~uint64_t{0} << (s % 64), to = ~uint64_t{0} >> (63 - (e - 1) % 64);
  if (first == last) return (masks[first] & from & to) != 0;
  if (masks[first] & from) return true;
  for (size_t w = first + 1; w < last; ++w)
    if (masks[w]) return true;
  return (masks[last] & to) != 0;
}

// One window: text_scan folds its ASCII letters into a copy and marks its ASCII whitespace and
// non-ASCII bytes; words are the runs between whitespace bits, found 64 bytes at a time. A word of
// ASCII bytes is counted straight from the copy (already folded, slack after it for 8-byte loads, 16 from a word's start);
// one holding a non-ASCII byte goes through count_unicode_words from the original bytes.
// `offset`: the window's place in the text, for InvalidText.
void count_window(const uint8_t* text, size_t n, size_t offset, Fold fold, WordCounts& into) {
  const size_t words = (n + 63) / 64;
  uint8_t* folded = thread_scratch<uint8_t, FoldedTag>(words * 64 + 64);
  uint64_t* masks = thread_scratch<uint64_t, MasksTag>(2 * words);
  uint64_t* space = masks;
  uint64_t* high = masks + words;
  op_table().text_scan(text, n, static_cast<int>(fold), folded, space, high);
  std::memset(folded + n, 0, 16);  // the slack add_padded may read: defined bytes, not stale ones
  uint64_t any_high = 0;
  for (size_t w = 0; w < words; ++w) any_high |= high[w];
  // ASCII words wait in groups for add_padded; a non-ASCII word sends the group first, so words
  // still reach the table in text order (which orders ties).
  constexpr size_t kPending = 1024;
  WordCounts::PaddedWord pending[kPending];
  size_t waiting = 0;
  const auto word = [&](size_t s, size_t e) {
    if (any_high && any_bit(high, s, e)) {
      into.add_padded(pending, waiting);
      waiting = 0;
      try {
        count_unicode_words(text + s, e - s, fold, into);
      } catch (const InvalidText& bad) {
        throw InvalidText{offset + s + bad.offset};
      }
      return;
    }
    pending[waiting++] = WordCounts::PaddedWord{reinterpret_cast<const char*>(folded + s), e - s};
    if (waiting == kPending) {
      into.add_padded(pending, waiting);
      waiting = 0;
    }
  };
  uint64_t before = 1;  // whether the byte before the word is whitespace: a window starts after some
  size_t start = 0;
  for (size_t w = 0; w < words; ++w) {
    const uint64_t sp = space[w];
    const uint64_t prev = sp << 1 | before;  // bit b: byte b - 1 is whitespace
    const uint64_t starts = ~sp & prev;
    for (uint64_t edges = starts | (sp & ~prev); edges; edges &= edges - 1) {
      const size_t b = static_cast<size_t>(__builtin_ctzll(edges));
      if (starts >> b & 1) start = 64 * w + b;
      else word(start, 64 * w + b);
    }
    before = sp >> 63;
  }
  if (!before) word(start, n);  // the text ends in a word (n a multiple of 64: no bits past it)
  into.add_padded(pending, waiting);
}

bool ascii_space(uint8_t c) { return kClass[c] == kSpace; }

}  // namespace

void count_words(const uint8_t* text, size_t n, Fold fold, WordCounts& into) {
  for (size_t at = 0; at < n;) {
    size_t end = std::min(n, at + kWindow);
    if (end < n) {
      size_t cut = end;
      while (cut > at && !ascii_space(text[cut - 1])) --cut;
      if (cut > at) {
        end = cut;
      } else {  // one word longer than a window: the window is that word
        while (end < n && !ascii_space(text[end])) ++end;
      }
    }
    count_window(text + at, end - at, at, fold, into);
    at = end;
  }
}

}  // namespace tessera::text
