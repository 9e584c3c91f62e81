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

#include "../common/huge_table.h"
#include "unicode_case.h"

namespace tessera::text {

class WordCounts {
 public:
  // A word whose 16 bytes from its start and 8 bytes after each of its bytes may be read
  // (add_padded loads 8 at a time and masks).
  struct PaddedWord {
    const char* p;
    size_t n;  // > 0
  };

  // Adds `times` to the word's count.
  void add(std::string_view word, uint64_t times = 1);
  // Adds 1 to each word, in order (the same counts as add()): hashes the group and prefetches its
  // slots first, so the probes' cache misses overlap instead of following one another.
  void add_padded(const PaddedWord* words, size_t k);
  size_t size() const { return ends_.size(); }
  // Starts an empty table with room for about `words` words (a partition's table on a thread that
  // counted a like partition before: no growing, no rehashing).
  void reserve(size_t words);
  // How many words the table had room for (for the next reserve on this thread).
  size_t room() const { return slots_.size() / 2; }
  std::string_view word(size_t i) const { return std::string_view(bytes_.data() + (i ? ends_[i - 1] : 0), ends_[i] - (i ? ends_[i - 1] : 0)); }
  // The words' counts, in insertion order (word i has counts()[i]).
  std::vector<uint64_t> counts() const;
  uint64_t total() const;

  // The k most frequent words, most frequent first, ties in insertion order (first appearance,
  // when tables merge in partition order: what Counter.most_common() gives); all of them when k is 0.
  WordCounts top(size_t k) const;

  size_t encoded_size() const;
  void encode(uint8_t* out) const;
  // Adds an encoded table's counts into this one; throws Error("BAD_TASK") on a malformed one.
  void merge_encoded(const uint8_t* in, size_t n);
  // How many words an encoded table holds, as its header says (0 if it has none: merge_encoded checks it).
  static uint64_t encoded_words(const uint8_t* in, size_t n);

 private:
  // A slot holds what most probes need without touching the entries: the word's first 16 bytes
  // (zero-padded), its length and its count, so a word of up to 16 bytes (nearly every word)
  // is found and counted in one 32-byte slot, half a cache line.
  struct Slot {
    uint64_t w0, w1;
    uint32_t len;
    uint32_t entry;  // 0: empty, else entry index + 1
    uint64_t count;
  };
  // A word with its first 16 bytes and its hash, as add_hashed takes it.
  struct Key {
    std::string_view word;
    uint64_t w0, w1, hash;
  };
  // Words are added in groups: hashed, their slots prefetched, then probed in order.
  static constexpr size_t kGroup = 64;
  template <bool kPadded>
  __attribute__((always_inline)) static inline Key key_of(const char* p, size_t n);
  // Adds times[i] (1 when times is null) to each of keys[0, m), m <= kGroup, in order:
  // prefetch_group (grows the table first if the group could fill it), then probe_group.
  void add_group(const Key* keys, const uint64_t* times, size_t m);
  void prefetch_group(const Key* keys, size_t m);
  void probe_group(const Key* keys, const uint64_t* times, size_t m);
  void grow();
  // The slot a hash starts probing at: its top bits (the hash is multiplicative).
  size_t home(uint64_t hash) const { return static_cast<size_t>(hash >> shift_); }
  size_t find_slot(const Key& key) const;
  void add_hashed(const Key& key, uint64_t times);
  // A stored word's hash, from the slot alone for words of up to 16 bytes (grow() then reads
  // nothing but the old slots, in order).
  uint64_t hash_of_slot(const Slot& sl) const;
  std::vector<uint64_t> ends_;
  std::string bytes_;
  HugeTable<Slot> slots_;
  unsigned shift_ = 64;  // 64 - log2(slots_.size())
};

// Where invalid UTF-8 is, for the error message (the byte offset in the counted text).
struct InvalidText {
  uint64_t offset;
};

// Splits text[0, n) into words (Python's str.split(): runs of non-whitespace), folds each and adds
// it to `into`. Throws InvalidText at the first byte that is not valid UTF-8.
void count_words(const uint8_t* text, size_t n, Fold fold, WordCounts& into);

}  // namespace tessera::text
