// Word counts, the native core of a bag's `str.split().flatten().frequencies()` (with `str.lower()`
// or `str.upper()` before): a partition's text is split into words as Python's str.split() does,
// each word folded as str.lower()/str.upper() would, and counted in a hash table; partitions'
// tables merge in the combine tree, and the last merge may keep only the top k.
//
// A table crosses tasks as a Bytes chunk (encode/merge_encoded):
//   u64 magic "TWCOUNT1", u64 n, u64 nbytes, u64 counts[n], u64 ends[n], bytes[nbytes] (padded to 8)
// where word i is bytes[ends[i-1] .. ends[i]), in insertion order, or in rank order after top().
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "unicode_case.h"

namespace tessera::text {

class WordCounts {
 public:
  // Adds `times` to the word's count.
  void add(std::string_view word, uint64_t times = 1);
  size_t size() const { return counts_.size(); }
  std::string_view word(size_t i) const { return std::string_view(bytes_.data() + (i ? ends_[i - 1] : 0), ends_[i] - (i ? ends_[i - 1] : 0)); }
  uint64_t count(size_t i) const { return counts_[i]; }
  uint64_t total() const;

  // The k most frequent words, most frequent first, ties in insertion order (first appearance,
  // when tables merge in partition order: what Counter.most_common() gives); all of them when k is 0.
  WordCounts top(size_t k) const;

  size_t encoded_size() const;
  void encode(uint8_t* out) const;
  // Adds an encoded table's counts into this one; throws Error("BAD_TASK") on a malformed one.
  void merge_encoded(const uint8_t* in, size_t n);

 private:
  // A slot holds what most probes need without touching the entries: the word's first 8 bytes
  // (zero-padded) and its length, so a word of up to 8 bytes (most words) compares in registers.
  struct Slot {
    uint64_t head;
    uint32_t len;
    uint32_t entry;  // 0: empty, else entry index + 1
  };
  void grow();
  size_t find_slot(std::string_view word, uint64_t head, uint64_t hash) const;
  std::vector<uint64_t> counts_;
  std::vector<uint64_t> ends_;
  std::vector<uint64_t> hashes_;
  std::string bytes_;
  std::vector<Slot> slots_;
};

// Where invalid UTF-8 is, for the error message (the byte offset in the counted text).
struct InvalidText {
  uint64_t offset;
};

// Splits text[0, n) into words (Python's str.split(): runs of non-whitespace), folds each and adds
// it to `into`. Throws InvalidText at the first byte that is not valid UTF-8.
void count_words(const uint8_t* text, size_t n, Fold fold, WordCounts& into);

}  // namespace tessera::text
