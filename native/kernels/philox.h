// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
// counter-based generator. Output depends only on (key, counter), so element i of a random array
// is a pure function of (seed, i): any chunking and any number of workers give the same bits.
// Element i uses counter i/2; one counter yields 128 bits = two 64-bit draws (even i: words 0-1,
// odd i: words 2-3). Written over plain arrays of lanes so the compiler vectorises it per ISA.
#pragma once
#include <cstdint>

namespace tessera {

struct Philox4x32 {
  static constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  static constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;

  // One block: counter (c0..c3) and key (k0, k1) -> 4 words, in place.
  static inline void block(uint32_t& c0, uint32_t& c1, uint32_t& c2, uint32_t& c3, uint32_t k0, uint32_t k1) {
    for (int r = 0; r < 10; ++r) {
      uint64_t p0 = static_cast<uint64_t>(M0) * c0;
      uint64_t p1 = static_cast<uint64_t>(M1) * c2;
      uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
      uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
      uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
      c0 = n0; c1 = n1; c2 = n2; c3 = n3;
      k0 += W0; k1 += W1;
    }
  }
};

// 53 random bits -> a double in [0, 1), exactly numpy's construction for random().
inline double bits_to_unit(uint64_t bits) { return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0); }

}  // namespace tessera
