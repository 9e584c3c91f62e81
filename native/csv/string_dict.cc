#include "string_dict.h"

#include <cstring>
#include <limits>

#include "../common/error.h"
#include "../common/utf8.h"

namespace tessera::csv {

StringDict::StringDict(const NaSet& na) : slots_(64, 0) {
  for (const std::string& v : na.values()) {
    const auto* p = reinterpret_cast<const uint8_t*>(v.data());
    if (lookup(p, v.size(), hash(p, v.size())) != kAbsent) continue;  // a value listed twice is one entry
    const uint64_t off = na_bytes_.size();
    na_bytes_.insert(na_bytes_.end(), p, p + v.size());
    add_entry({hash(p, v.size()), off, static_cast<uint32_t>(v.size()), kNull});
  }
}

// 8 bytes at a time, each word mixed in with a multiply and a shift (as in splitmix64): strong
// enough for open addressing, and a short field costs two multiplies.
uint64_t StringDict::hash(const uint8_t* p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    for (size_t k = 0; k < n; ++k) w |= uint64_t{p[k]} << (8 * k);
    h = (h ^ w) * 0x94d049bb133111ebull;
  }
  return h ^ (h >> 29);
}

int32_t StringDict::lookup(const uint8_t* p, size_t n, uint64_t h) const {
  const size_t mask = slots_.size() - 1;
  for (size_t s = h & mask;; s = (s + 1) & mask) {
    const uint32_t k = slots_[s];
    if (!k) return kAbsent;
    const Entry& e = entries_[k - 1];
    if (e.hash == h && e.len == n) {
      const uint8_t* key = (e.code == kNull ? na_bytes_.data() : bytes_.data()) + e.offset;
      if (n == 0 || std::memcmp(key, p, n) == 0) return e.code;
    }
  }
}

int32_t StringDict::code(const uint8_t* p, size_t n) {
  const uint64_t h = hash(p, n);
  const int32_t found = lookup(p, n, h);
  if (found != kAbsent) return found;
  if (!utf8_valid(p, n)) return kInvalidUtf8;
  if (count() >= static_cast<uint64_t>(std::numeric_limits<int32_t>::max()))
    throw Error("CSV_TOO_MANY_STRINGS", "a partition has more than 2^31 distinct strings in one column", "use smaller partitions (a smaller blocksize)");
  if (n > std::numeric_limits<uint32_t>::max()) throw Error("CSV_FIELD_TOO_LONG", "a field is longer than 4 GiB", "");
  const int32_t code = static_cast<int32_t>(count());
  const uint64_t off = bytes_.size();
  bytes_.insert(bytes_.end(), p, p + n);
  offsets_.push_back(bytes_.size());
  add_entry({h, off, static_cast<uint32_t>(n), code});
  return code;
}

void StringDict::add_entry(const Entry& e) {
  entries_.push_back(e);
  if (entries_.size() * 2 > slots_.size()) {
    grow();  // places every entry, the new one too
    return;
  }
  const size_t mask = slots_.size() - 1;
  size_t s = e.hash & mask;
  while (slots_[s]) s = (s + 1) & mask;
  slots_[s] = static_cast<uint32_t>(entries_.size());
}

void StringDict::grow() {
  std::vector<uint32_t> bigger(slots_.size() * 2, 0);
  const size_t mask = bigger.size() - 1;
  for (uint32_t k = 1; k <= entries_.size(); ++k) {
    size_t s = entries_[k - 1].hash & mask;
    while (bigger[s]) s = (s + 1) & mask;
    bigger[s] = k;
  }
  slots_.swap(bigger);
}

}  // namespace tessera::csv
