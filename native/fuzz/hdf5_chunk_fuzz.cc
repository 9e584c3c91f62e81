// libFuzzer target: the HDF5 chunk decoder (deflate, shuffle) and the overlap copy must refuse any
// stored bytes with a typed error, never crash or touch memory outside the buffers they are
// given. Built with ASan + UBSan by scripts/fuzz.sh.
//   input: [filters byte, mask byte, element size byte, chunk elements byte, box bytes x6, stored...]
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../common/error.h"
#include "../hdf5/hdf5_chunks.h"
#include "../io/chunk_boxes.h"
#include "../hdf5/hdf5_plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 10) return 0;
  std::vector<int> filters;
  if (data[0] & 1) filters.push_back(tessera::hdf5::kShuffle);
  if (data[0] & 2) filters.push_back(tessera::hdf5::kDeflate);
  if (data[0] & 4) filters.push_back(tessera::hdf5::kShuffle);
  const unsigned mask = data[1] & 7;
  const size_t elem = size_t{1} << (data[2] % 4);
  // A 2-D chunk of (rows, cols) elements and a region overlapping it somewhere.
  const int64_t rows = 1 + data[3] % 16, cols = 1 + data[4] % 16;
  const std::vector<int64_t> chunk_at{data[5] % 8, data[6] % 8}, chunk_shape{rows, cols};
  const std::vector<int64_t> region_at{data[7] % 12, data[8] % 12}, region{1 + data[9] % 12, 1 + data[9] / 16};
  const size_t want = static_cast<size_t>(rows * cols) * elem;
  std::vector<uint8_t> out(want), scratch(want), dst(static_cast<size_t>(region[0] * region[1]) * elem);
  try {
    tessera::hdf5::decode_chunk(data + 10, size - 10, filters, mask, elem, out.data(), want, scratch.data(), "fuzz");
    tessera::copy_overlap(out.data(), chunk_at, chunk_shape, dst.data(), region_at, region, elem, data[0] & 8);
  } catch (const tessera::Error&) {
  }
  return 0;
}
