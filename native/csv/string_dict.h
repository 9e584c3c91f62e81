// A partition's dictionary of distinct strings: each string field becomes an int32 code, and each
// distinct string is stored (and checked to be UTF-8) once. The missing-value strings are in the
// same hash table, marked as null, so a string field costs one lookup whether or not it is NA.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "na_values.h"

namespace tessera::csv {

class StringDict {
 public:
  static constexpr int32_t kNull = -1;         // the field is a missing value
  static constexpr int32_t kInvalidUtf8 = -2;  // a new string that is not UTF-8 (not added)

  explicit StringDict(const NaSet& na);
  // The code of the string [p, p + n), adding it if new; kNull or kInvalidUtf8 as above.
  int32_t code(const uint8_t* p, size_t n);

  uint64_t count() const { return offsets_.size() - 1; }
  const std::vector<uint64_t>& offsets() const { return offsets_; }  // count() + 1
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  // Open addressing, linear probing, at most half full. A slot holds what a lookup compares (the
  // full hash first), so a hit costs the slot and the string's bytes (two cache misses in a large
  // dictionary) and a probe past another string costs no look at its bytes.
  struct Slot {
    uint64_t hash;
    uint64_t offset;  // into bytes_ (values) or na_bytes_ (kNull entries)
    uint32_t len;
    int32_t code;     // kEmpty: an empty slot
  };
  static constexpr int32_t kEmpty = -4;
  static constexpr int32_t kAbsent = -3;
  static uint64_t hash(const uint8_t* p, size_t n);
  const uint8_t* key(const Slot& s) const { return (s.code == kNull ? na_bytes_.data() : bytes_.data()) + s.offset; }
  int32_t lookup(const uint8_t* p, size_t n, uint64_t h) const;  // a code, kNull or kAbsent
  void add(const Slot& s);
  void grow();

  std::vector<Slot> slots_;
  size_t used_ = 0;
  std::vector<uint64_t> offsets_{0};
  std::vector<uint8_t> bytes_;
  std::vector<uint8_t> na_bytes_;
};

}  // namespace tessera::csv
