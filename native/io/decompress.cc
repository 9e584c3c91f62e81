#include "decompress.h"

#include <bzlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>

#include "../common/error.h"

namespace tessera {

namespace {

constexpr size_t kIn = 1 << 20;

[[noreturn]] void corrupt(const std::string& code, const std::string& path, const char* format, const std::string& why) {
  throw Error(code, path + " is not a valid " + format + " file: " + why, "check the file (" + std::string(format) + " -t); a truncated download is the usual cause");
}

std::vector<uint8_t> bunzip2(const ReadAt& read, uint64_t size, const std::string& path, const std::string& code) {
  std::vector<uint8_t> in(kIn), out;
  out.reserve(static_cast<size_t>(std::min<uint64_t>(size * 5, 1ull << 30)));
  bz_stream z{};
  if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK) throw Error("OUT_OF_MEMORY", "libbz2 could not start decompressing " + path, "");
  uint64_t pos = 0;
  bool ended = false;  // a stream ended: only another stream may follow
  try {
    for (;;) {
      if (z.avail_in == 0) {
        if (pos >= size) break;
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kIn, size - pos));
        read(pos, in.data(), n);
        pos += n;
        z.next_in = reinterpret_cast<char*>(in.data());
        z.avail_in = static_cast<unsigned>(n);
      }
      if (ended) {
        BZ2_bzDecompressEnd(&z);
        const char* next = z.next_in;
        const unsigned left = z.avail_in;
        z = bz_stream{};
        if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK) throw Error("OUT_OF_MEMORY", "libbz2 could not start decompressing " + path, "");
        z.next_in = const_cast<char*>(next);
        z.avail_in = left;
        ended = false;
      }
      const size_t at = out.size();
      out.resize(at + (1 << 20));
      z.next_out = reinterpret_cast<char*>(out.data() + at);
      z.avail_out = 1 << 20;
      const int rc = BZ2_bzDecompress(&z);
      out.resize(at + ((1 << 20) - z.avail_out));
      if (rc == BZ_STREAM_END) {
        ended = true;
        continue;
      }
      if (rc != BZ_OK) corrupt(code, path, "bzip2", "corrupt data (libbz2 error " + std::to_string(rc) + ")");
    }
    if (!ended) corrupt(code, path, "bzip2", "it ends before its compressed data does (truncated)");
  } catch (...) {
    BZ2_bzDecompressEnd(&z);
    throw;
  }
  BZ2_bzDecompressEnd(&z);
  return out;
}

std::vector<uint8_t> unzstd(const ReadAt& read, uint64_t size, const std::string& path, const std::string& code) {
  std::vector<uint8_t> in(kIn), out;
  out.reserve(static_cast<size_t>(std::min<uint64_t>(size * 4, 1ull << 30)));
  ZSTD_DCtx* z = ZSTD_createDCtx();
  if (!z) throw Error("OUT_OF_MEMORY", "libzstd could not start decompressing " + path, "");
  uint64_t pos = 0;
  size_t pending = 0;  // 0 once a frame is complete (the file may end there)
  try {
    ZSTD_inBuffer src{in.data(), 0, 0};
    for (;;) {
      if (src.pos == src.size) {
        if (pos >= size) break;
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kIn, size - pos));
        read(pos, in.data(), n);
        pos += n;
        src = ZSTD_inBuffer{in.data(), n, 0};
      }
      const size_t at = out.size();
      out.resize(at + (1 << 20));
      ZSTD_outBuffer dst{out.data() + at, 1 << 20, 0};
      pending = ZSTD_decompressStream(z, &dst, &src);
      out.resize(at + dst.pos);
      if (ZSTD_isError(pending)) corrupt(code, path, "zstd", ZSTD_getErrorName(pending));
    }
    // A frame still open, or output still held back for want of room: not the end of the data.
    for (;;) {
      if (!pending) break;
      const size_t at = out.size();
      out.resize(at + (1 << 20));
      ZSTD_outBuffer dst{out.data() + at, 1 << 20, 0};
      ZSTD_inBuffer none{in.data(), 0, 0};
      const size_t before = dst.pos;
      pending = ZSTD_decompressStream(z, &dst, &none);
      out.resize(at + dst.pos);
      if (ZSTD_isError(pending)) corrupt(code, path, "zstd", ZSTD_getErrorName(pending));
      if (dst.pos == before && pending) corrupt(code, path, "zstd", "it ends before its compressed data does (truncated)");
    }
  } catch (...) {
    ZSTD_freeDCtx(z);
    throw;
  }
  ZSTD_freeDCtx(z);
  return out;
}

}  // namespace

std::vector<uint8_t> decompress(Codec codec, const ReadAt& read, uint64_t size, const std::string& path, const std::string& error_prefix) {
  switch (codec) {
    case Codec::Gzip: {
      bool complete = false;
      const std::string code = error_prefix + "_BAD_GZIP";
      return gunzip(read, size, path, SIZE_MAX, &complete, code.c_str());
    }
    case Codec::Bzip2: return bunzip2(read, size, path, error_prefix + "_BAD_BZ2");
    case Codec::Zstd: return unzstd(read, size, path, error_prefix + "_BAD_ZSTD");
    case Codec::None: break;
  }
  throw Error("BAD_TASK", "decompress: no codec", "this is a bug, please report it");
}

}  // namespace tessera
