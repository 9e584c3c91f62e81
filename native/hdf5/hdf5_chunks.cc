#include "hdf5_chunks.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "../common/dtype.h"
#include "../common/error.h"
#include "hdf5_plan.h"

namespace tessera::hdf5 {

namespace {

[[noreturn]] void corrupt(const char* what, const std::string& why) {
  throw Error("HDF5_CORRUPT", std::string(what) + ": " + why, "the file is damaged or was cut short; write it again");
}

// libdeflate (Debian's libdeflate-dev): 1.3-3.7x zlib's inflate speed on h5py's chunks (ADR 0034),
// and a whole chunk is inflated in one call, which is what it is made for. One decompressor per
// thread, kept.
void inflate_exact(const uint8_t* in, size_t n, uint8_t* out, size_t want, const char* what) {
  struct Free {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
  };
  thread_local std::unique_ptr<libdeflate_decompressor, Free> d(libdeflate_alloc_decompressor());
  if (!d) throw Error("OUT_OF_MEMORY", "cannot start a deflate decompressor", "");
  size_t got = 0;
  switch (libdeflate_zlib_decompress(d.get(), in, n, out, want, &got)) {
    case LIBDEFLATE_SUCCESS:
      if (got == want) return;
      corrupt(what, "a chunk inflates to " + std::to_string(got) + " bytes, not the " + std::to_string(want) + " its shape needs");
    case LIBDEFLATE_INSUFFICIENT_SPACE:
      corrupt(what, "a chunk inflates to more than the " + std::to_string(want) + " bytes its shape needs");
    default:
      corrupt(what, "a gzip-compressed chunk does not inflate (damaged or cut short)");
  }
}

}  // namespace

void unshuffle(const uint8_t* in, uint8_t* out, size_t n, size_t elem) {
  const size_t count = elem ? n / elem : 0;
  if (elem <= 1 || count <= 1) {
    std::memcpy(out, in, n);
    return;
  }
  for (size_t j = 0; j < elem; ++j) {
    const uint8_t* plane = in + j * count;
    for (size_t i = 0; i < count; ++i) out[i * elem + j] = plane[i];
  }
  std::memcpy(out + count * elem, in + count * elem, n - count * elem);
}

void decode_chunk(const uint8_t* stored, size_t stored_size, const std::vector<int>& filters, unsigned mask, size_t elem_size,
                  uint8_t* out, size_t want, uint8_t* scratch, const char* what) {
  // Filters are undone last to first; the bytes move between `out` and `scratch` so that the
  // last step lands in `out`.
  std::vector<int> undo;
  for (size_t k = filters.size(); k-- > 0;)
    if (!(mask & (1u << k))) undo.push_back(filters[k]);
  if (undo.empty()) {
    if (stored_size != want) corrupt(what, "an unfiltered chunk holds " + std::to_string(stored_size) + " bytes, not " + std::to_string(want));
    std::memcpy(out, stored, want);
    return;
  }
  const uint8_t* src = stored;
  size_t src_size = stored_size;
  for (size_t k = 0; k < undo.size(); ++k) {
    uint8_t* dst = (undo.size() - k) % 2 == 1 ? out : scratch;
    if (undo[k] == kDeflate) {
      inflate_exact(src, src_size, dst, want, what);
    } else if (undo[k] == kShuffle) {
      if (src_size != want) corrupt(what, "a shuffled chunk holds " + std::to_string(src_size) + " bytes, not " + std::to_string(want));
      unshuffle(src, dst, want, elem_size);
    } else {
      throw Error("INTERNAL", std::string(what) + ": filter " + std::to_string(undo[k]) + " is not decoded here", "this is a planner bug, please report it");
    }
    src = dst;
    src_size = want;
  }
}

}  // namespace tessera::hdf5
