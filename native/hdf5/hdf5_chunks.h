// Decoding HDF5's stored chunks without the library: the deflate and shuffle filters (what h5py's
// compression="gzip", shuffle=True writes, and most files use). Pure functions over bytes: the read task (tasks/kinds/
// hdf5_read.cc) calls them from any worker thread with no lock, and the fuzzer and the tests
// call them directly.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tessera::hdf5 {

// Undoes a chunk's filters (ids in the order they were applied; a filter whose bit is set in
// `mask` was skipped when the chunk was written) into `out`, which must come out exactly `want`
// bytes: else Error("HDF5_CORRUPT") naming `what`. `scratch` is a buffer of at least `want` bytes.
// Only kDeflate and kShuffle are known here (the planner sends any other pipeline to the library).
void decode_chunk(const uint8_t* stored, size_t stored_size, const std::vector<int>& filters, unsigned mask, size_t elem_size,
                  uint8_t* out, size_t want, uint8_t* scratch, const char* what);

// Reverses HDF5's shuffle: byte j of element i was stored at j * (n / elem) + i; bytes past the
// last whole element stay where they are.
void unshuffle(const uint8_t* in, uint8_t* out, size_t n, size_t elem);

}  // namespace tessera::hdf5
