#include "string_dict.h"

#include <cstring>
#include <limits>

#include "../common/error.h"
#include "../common/utf8.h"

namespace tessera::csv {

StringDict::StringDict(const NaSet& na) : slots_(64, Slot{0, 0, 0, kEmpty}) {
  for (const std::string& v : na.values()) {
    const auto* p = reinterpret_cast<const uint8_t*>(v.data());
    const uint64_t h = hash(p, v.size());
    if (lookup(p, v.size(), h) != kAbsent) continue;  // a value listed twice is one entry
    const uint64_t off = na_bytes_.size();
    na_bytes_.insert(na_bytes_.end(), p, p + v.size());
    add(Slot{h, off, static_cast<uint32_t>(v.size()), kNull});
  }
}

namespace {

// Equal bytes; inline for the short strings most fields hold (memcmp is a call).
bool same_bytes(const uint8_t* a, const uint8_t* b, size_t n) {
  if (n > 16) return std::memcmp(a, b, n) == 0;
  while (n >= 8) {
    uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
    a += 8, b += 8, n -= 8;
  }
  for (size_t k = 0; k < n; ++k)
    if (a[k] != b[k]) return false;
  return true;
}

}  // namespace

// Words of the string mixed in with a multiply and a shift (as in splitmix64); the last word
// overlaps the one before rather than being read byte by byte, so a field of up to 16 bytes (most
// of them) costs two or three multiplies.
uint64_t StringDict::hash(const uint8_t* p, size_t n) {
  auto mix = [](uint64_t h) {
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 31);
  };
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
  uint64_t w;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      std::memcpy(&w, p + i, 8);
      h = mix(h ^ w);
    }
    std::memcpy(&w, p + n - 8, 8);
    h = mix(h ^ w);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    h = mix(h ^ (uint64_t{a} | uint64_t{b} << 32));
  } else if (n > 0) {
    h = mix(h ^ (uint64_t{p[0]} | uint64_t{p[n / 2]} << 8 | uint64_t{p[n - 1]} << 16));
  }
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 29);
}

int32_t StringDict::lookup(const uint8_t* p, size_t n, uint64_t h) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.code == kEmpty) return kAbsent;
    if (s.hash == h && s.len == n && same_bytes(key(s), p, n)) return s.code;
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
  add(Slot{h, off, static_cast<uint32_t>(n), code});
  return code;
}

void StringDict::add(const Slot& s) {
  if ((used_ + 1) * 2 > slots_.size()) grow();
  const size_t mask = slots_.size() - 1;
  size_t i = s.hash & mask;
  while (slots_[i].code != kEmpty) i = (i + 1) & mask;
  slots_[i] = s;
  ++used_;
}

void StringDict::grow() {
  std::vector<Slot> old(slots_.size() * 2, Slot{0, 0, 0, kEmpty});
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.code == kEmpty) continue;
    size_t i = s.hash & mask;
    while (slots_[i].code != kEmpty) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace tessera::csv
