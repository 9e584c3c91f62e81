// libFuzzer target: the Zarr chunk decoders (blosc, zlib, gzip, zstd, none) must refuse any stored
// bytes with a typed error, never crash or write past the chunk. Built with ASan + UBSan by
// scripts/fuzz.sh.   input: [codec byte, chunk size byte, stored...]
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../common/error.h"
#include "../zarr/zarr_codecs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const auto codec = static_cast<tessera::zarr::Codec>(data[0] % 5);
  const size_t want = 1 + static_cast<size_t>(data[1]) * 16;
  std::vector<uint8_t> out(want);
  try {
    tessera::zarr::decode_chunk(codec, data + 2, size - 2, out.data(), want, "fuzz");
  } catch (const tessera::Error&) {
  }
  return 0;
}
