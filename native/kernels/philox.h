// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
// counter-based generator. Output depends only on (key, counter), so an element of a random
// array is a pure function of (seed, index): any chunking and any number of workers give the
// same bits. The element-to-counter mapping lives with the kernels (simd/ops_impl.h).
// philox_block has internal linkage on purpose: the SIMD kernel files include this header and
// must each keep their own copy (a shared inline copy could be the AVX-512 one).
#pragma once
#include <cstdint>

namespace tessera {

struct Philox4x32 {
  static constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  static constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
};

namespace {

// Ten rounds on one counter (c0..c3) with key (k0, k1), in place. The scalar reference of the
// SIMD batches in simd/ops_impl.h, and what the known-answer tests check.
inline void philox_block(uint32_t& c0, uint32_t& c1, uint32_t& c2, uint32_t& c3, uint32_t k0, uint32_t k1) {
  for (int r = 0; r < 10; ++r) {
    uint64_t p0 = static_cast<uint64_t>(Philox4x32::M0) * c0;
    uint64_t p1 = static_cast<uint64_t>(Philox4x32::M1) * c2;
    uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0;
    uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<uint32_t>(p1);
    c3 = static_cast<uint32_t>(p0);
    c0 = n0;
    c2 = n2;
    k0 += Philox4x32::W0;
    k1 += Philox4x32::W1;
  }
}

}  // namespace
}  // namespace tessera
