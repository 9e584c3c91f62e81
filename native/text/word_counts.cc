#include "word_counts.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <numeric>

#include "../common/error.h"

namespace tessera::text {

namespace {

constexpr uint64_t kMagic = 0x31544E554F435754ull;  // "TWCOUNT1" little-endian

// The first 8 bytes of a word, zero-padded.
uint64_t head_of(std::string_view w) {
  uint64_t h = 0;
  if (w.empty()) return h;
  std::memcpy(&h, w.data(), w.size() < 8 ? w.size() : 8);
  return h;
}

// A multiply-xorshift over the head and each further 8 bytes: fast on short words, and only the
// table's own layout depends on it.
uint64_t hash_of(std::string_view w, uint64_t head) {
  uint64_t h = (head ^ (w.size() * 0x9E3779B97F4A7C15ull)) * 0xbf58476d1ce4e5b9ull;
  for (size_t i = 8; i < w.size(); i += 8) {
    uint64_t x = 0;
    std::memcpy(&x, w.data() + i, w.size() - i < 8 ? w.size() - i : 8);
    h = (h ^ (h >> 31) ^ x) * 0x94d049bb133111ebull;
  }
  // splitmix64's finish: every input bit reaches the low bits the table indexes by.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

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

uint64_t WordCounts::total() const { return std::accumulate(counts_.begin(), counts_.end(), uint64_t{0}); }

size_t WordCounts::find_slot(std::string_view word, uint64_t head, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t s = hash & mask;; s = (s + 1) & mask) {
    const Slot& sl = slots_[s];
    if (!sl.entry) return s;
    if (sl.head != head || sl.len != word.size()) continue;
    if (word.size() <= 8 || std::memcmp(bytes_.data() + ends_[sl.entry - 1] - word.size() + 8, word.data() + 8, word.size() - 8) == 0) return s;
  }
}

void WordCounts::grow() {
  std::vector<Slot> bigger(slots_.empty() ? 1024 : slots_.size() * 2, Slot{0, 0, 0});
  const size_t mask = bigger.size() - 1;
  for (const Slot& sl : slots_) {
    if (!sl.entry) continue;
    size_t s = hashes_[sl.entry - 1] & mask;
    while (bigger[s].entry) s = (s + 1) & mask;
    bigger[s] = sl;
  }
  slots_.swap(bigger);
}

void WordCounts::add(std::string_view word, uint64_t times) {
  if ((counts_.size() + 1) * 2 > slots_.size()) grow();
  const uint64_t head = head_of(word);
  const uint64_t h = hash_of(word, head);
  const size_t s = find_slot(word, head, h);
  if (slots_[s].entry) {
    counts_[slots_[s].entry - 1] += times;
    return;
  }
  if (counts_.size() >= UINT32_MAX - 1 || word.size() > UINT32_MAX) throw Error("OUT_OF_MEMORY", "more than 4 billion distinct words, or a word over 4 GB", "count fewer distinct values at once");
  bytes_.append(word.data(), word.size());
  ends_.push_back(bytes_.size());
  counts_.push_back(times);
  hashes_.push_back(h);
  slots_[s] = Slot{head, static_cast<uint32_t>(word.size()), static_cast<uint32_t>(counts_.size())};
}

WordCounts WordCounts::top(size_t k) const {
  std::vector<uint32_t> order(counts_.size());
  std::iota(order.begin(), order.end(), 0u);
  // Ties keep insertion order, which merges in partition order make first-appearance order: Counter.most_common()'s.
  const auto before = [this](uint32_t a, uint32_t b) { return counts_[a] != counts_[b] ? counts_[a] > counts_[b] : a < b; };
  const size_t keep = k && k < order.size() ? k : order.size();
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(), before);
  WordCounts out;
  for (size_t i = 0; i < keep; ++i) out.add(word(order[i]), counts_[order[i]]);
  return out;
}

size_t WordCounts::encoded_size() const { return 24 + 16 * counts_.size() + (bytes_.size() + 7) / 8 * 8; }

void WordCounts::encode(uint8_t* out) const {
  const uint64_t head[3] = {kMagic, counts_.size(), bytes_.size()};
  std::memcpy(out, head, 24);
  out += 24;
  if (!counts_.empty()) {  // memcpy from an empty vector's null data() is undefined
    std::memcpy(out, counts_.data(), 8 * counts_.size());
    std::memcpy(out + 8 * counts_.size(), ends_.data(), 8 * ends_.size());
  }
  out += 16 * counts_.size();
  std::memcpy(out, bytes_.data(), bytes_.size());
  std::memset(out + bytes_.size(), 0, (bytes_.size() + 7) / 8 * 8 - bytes_.size());
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
  uint64_t prev = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t c, end;
    std::memcpy(&c, counts + 8 * i, 8);
    std::memcpy(&end, ends + 8 * i, 8);
    if (end < prev || end > nbytes) throw Error("BAD_TASK", "a word-count chunk's words are out of order", "this is a bug, please report it");
    add(std::string_view(bytes + prev, end - prev), c);
    prev = end;
  }
}

void count_words(const uint8_t* text, size_t n, Fold fold, WordCounts& into) {
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

}  // namespace tessera::text
