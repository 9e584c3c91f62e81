#pragma once
// The memory under a chunk. Large chunks are placed on 2 MiB boundaries and marked for
// transparent huge pages (madvise, the kernel mode Debian ships): a fresh 4 KiB page costs a page
// fault each, which on a virtual machine (~250 MB/s of first touch) costs more than the kernel
// that fills the chunk; a huge page is one fault per 2 MiB. numpy does the same for arrays of
// 4 MiB and more.
#include <cstddef>

namespace tessera {

// nbytes of memory aligned to at least 64 bytes (null when the system has none); free with std::free.
void* allocate_chunk_memory(size_t nbytes);

}  // namespace tessera
