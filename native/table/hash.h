// The 64-bit mixer the table operators hash keys with (MurmurHash3's finaliser: every input bit
// reaches every output bit, so open addressing on the low bits spreads clustered keys).
#pragma once
#include <cstdint>

namespace tessera::table {

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

}  // namespace tessera::table
