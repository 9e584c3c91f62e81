#include "chunk_memory.h"

#include <cstdint>
#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace tessera {

namespace {
constexpr size_t kAlign = 64;                 // a cache line: lets SIMD loads start aligned
constexpr size_t kHugePage = size_t{2} << 20;  // x86-64's transparent huge page
constexpr size_t kHugeFrom = size_t{4} << 20;  // numpy's threshold: below it the rounding wastes too much
}  // namespace

void* allocate_chunk_memory(size_t nbytes) {
  const size_t padded = nbytes == 0 ? kAlign : (nbytes + kAlign - 1) / kAlign * kAlign;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (padded >= kHugeFrom) {
    void* p = nullptr;
    if (posix_memalign(&p, kHugePage, padded) != 0) return nullptr;
    // Only whole huge pages: the tail keeps small pages, so a chunk's resident size stays its size.
    // A kernel without THP refuses the advice, and the memory is as good without it.
    madvise(p, padded / kHugePage * kHugePage, MADV_HUGEPAGE);
    return p;
  }
#endif
  return std::aligned_alloc(kAlign, padded);
}

}  // namespace tessera
