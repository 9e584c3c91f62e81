#include "process_memory.h"

#include <cstdio>
#include <cstring>

namespace tessera {

ProcessMemory process_memory() {
  ProcessMemory m;
  std::FILE* f = std::fopen("/proc/self/status", "re");
  if (!f) return m;
  char line[256];
  long long kb = 0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::sscanf(line, "VmRSS: %lld kB", &kb) == 1) m.rss_bytes = kb * 1024;
    else if (std::sscanf(line, "RssFile: %lld kB", &kb) == 1) m.file_bytes = kb * 1024;
  }
  std::fclose(f);
  return m;
}

}  // namespace tessera
