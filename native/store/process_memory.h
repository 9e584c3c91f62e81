// The process's resident memory as the kernel counts it, split so that pages of memory-mapped
// input files (which the kernel may drop and read again at any time) are not mistaken for memory
// the process holds.
#pragma once
#include <cstdint>

namespace tessera {

struct ProcessMemory {
  int64_t rss_bytes = 0;     // all resident pages (VmRSS)
  int64_t file_bytes = 0;    // of which file-backed: mapped input files, code (RssFile)
};

// Reads /proc/self/status (a few microseconds); zeros where the kernel does not say.
ProcessMemory process_memory();

}  // namespace tessera
