#include "zarr_codecs.h"

#include <blosc.h>
#include <libdeflate.h>
#include <zstd.h>

#include <cstring>
#include <memory>

#include "../common/error.h"

namespace tessera::zarr {

namespace {

[[noreturn]] void corrupt(const std::string& what, const std::string& why) {
  throw Error("ZARR_CORRUPT", what + ": " + why, "the store is damaged or a chunk was cut short; write it again");
}

libdeflate_decompressor* inflater() {
  struct Free {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
  };
  thread_local std::unique_ptr<libdeflate_decompressor, Free> d(libdeflate_alloc_decompressor());
  if (!d) throw Error("OUT_OF_MEMORY", "cannot start a deflate decompressor", "");
  return d.get();
}

void check_size(size_t got, size_t want, const std::string& what) {
  if (got != want) corrupt(what, "a chunk decodes to " + std::to_string(got) + " bytes, not the " + std::to_string(want) + " its shape needs");
}

}  // namespace

void decode_chunk(Codec codec, const uint8_t* in, size_t n, uint8_t* out, size_t want, const std::string& what) {
  switch (codec) {
    case Codec::None:
      check_size(n, want, what);
      std::memcpy(out, in, want);
      return;
    case Codec::Blosc: {
      // Validated first: blosc trusts its header's sizes when it decompresses.
      size_t nbytes = 0;
      if (n < BLOSC_MIN_HEADER_LENGTH || blosc_cbuffer_validate(in, n, &nbytes) < 0) corrupt(what, "not a valid blosc chunk");
      check_size(nbytes, want, what);
      const int got = blosc_decompress_ctx(in, out, want, 1);
      if (got < 0) corrupt(what, "a blosc chunk does not decompress");
      check_size(static_cast<size_t>(got), want, what);
      return;
    }
    case Codec::Zlib:
    case Codec::Gzip: {
      size_t got = 0;
      const auto rc = codec == Codec::Zlib ? libdeflate_zlib_decompress(inflater(), in, n, out, want, &got)
                                           : libdeflate_gzip_decompress(inflater(), in, n, out, want, &got);
      if (rc == LIBDEFLATE_INSUFFICIENT_SPACE) corrupt(what, "a chunk inflates to more than the " + std::to_string(want) + " bytes its shape needs");
      if (rc != LIBDEFLATE_SUCCESS) corrupt(what, "a compressed chunk does not inflate (damaged or cut short)");
      check_size(got, want, what);
      return;
    }
    case Codec::Zstd: {
      const size_t got = ZSTD_decompress(out, want, in, n);
      if (ZSTD_isError(got)) corrupt(what, std::string("a zstd chunk does not decompress: ") + ZSTD_getErrorName(got));
      check_size(got, want, what);
      return;
    }
  }
  throw Error("INTERNAL", what + ": unknown codec " + std::to_string(static_cast<int>(codec)), "this is a planner bug, please report it");
}

void encode_blosc(const uint8_t* in, size_t n, size_t typesize, std::vector<uint8_t>* out) {
  out->resize(n + BLOSC_MAX_OVERHEAD);
  const int got = blosc_compress_ctx(5, BLOSC_SHUFFLE, typesize, n, in, out->data(), out->size(), "lz4", 0, 1);
  if (got <= 0) throw Error("WRITE_FAILED", "blosc could not compress a chunk of " + std::to_string(n) + " bytes", "");
  out->resize(static_cast<size_t>(got));
}

}  // namespace tessera::zarr
