// libFuzzer target: the .npy header parser must reject any input with a typed error, never crash
// or read out of bounds. Built with ASan + UBSan by scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "../common/error.h"
#include "../io/npy_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first 8 bytes pick a claimed file size (0 = unknown), the rest is the header.
  uint64_t file_size = 0;
  if (size >= 8) {
    for (int i = 0; i < 8; ++i) file_size = file_size << 8 | data[i];
    file_size %= (1ull << 40);
    data += 8;
    size -= 8;
  }
  try {
    size_t need = 0;
    tessera::NpyHeader h = tessera::parse_npy_header(data, size, file_size, &need);
    if (!need && h.data_offset > size) __builtin_trap();  // a parsed header lies inside the bytes given
  } catch (const tessera::Error&) {
  }
  return 0;
}
