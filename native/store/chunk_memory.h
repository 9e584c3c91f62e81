#pragma once
// The memory under a chunk. Large chunks are placed on 2 MiB boundaries and marked for
// transparent huge pages (madvise, the kernel mode Debian ships): a fresh 4 KiB page costs a page
// fault each, which on a virtual machine (~250 MB/s of first touch) costs more than the kernel
// that fills the chunk; a huge page is one fault per 2 MiB. numpy does the same for arrays of
// 4 MiB and more.
#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

namespace tessera {

// nbytes of memory aligned to at least 64 bytes (null when the system has none); free with std::free.
void* allocate_chunk_memory(size_t nbytes);

// The same memory for a kernel's large scratch (an FFT's work line of 2^24 values took 1 s to
// fault in at 4 KiB a page): std::vector<T, ChunkMemoryAllocator<T>>.
template <class T> struct ChunkMemoryAllocator {
  using value_type = T;
  ChunkMemoryAllocator() = default;
  template <class U> ChunkMemoryAllocator(const ChunkMemoryAllocator<U>&) {}
  T* allocate(size_t n) {
    void* p = n > static_cast<size_t>(-1) / sizeof(T) ? nullptr : allocate_chunk_memory(n * sizeof(T));
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { std::free(p); }
  template <class U> bool operator==(const ChunkMemoryAllocator<U>&) const { return true; }
  template <class U> bool operator!=(const ChunkMemoryAllocator<U>&) const { return false; }
};
template <class T> using LargeVector = std::vector<T, ChunkMemoryAllocator<T>>;

}  // namespace tessera
