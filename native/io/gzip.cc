#include "gzip.h"

#include <zlib.h>

#include <algorithm>

#include "../common/error.h"

namespace tessera {

bool is_gzip(const uint8_t* p, size_t n) { return n >= 2 && p[0] == 0x1f && p[1] == 0x8b; }

namespace {

[[noreturn]] void corrupt(const char* code, const std::string& path, const std::string& why) {
  throw Error(code, path + " is not a valid gzip file: " + why, "check the file (gzip -t); a truncated download is the usual cause");
}

}  // namespace

std::vector<uint8_t> gunzip(const ReadAt& read, uint64_t size, const std::string& path, size_t max_out, bool* complete, const char* error_code) {
  constexpr size_t kIn = 1 << 20;
  std::vector<uint8_t> in(kIn), out;
  out.reserve(std::min<size_t>(max_out, static_cast<size_t>(std::min<uint64_t>(size * 4, 1ull << 30))));
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw Error("OUT_OF_MEMORY", "zlib could not start inflating " + path, "");
  uint64_t pos = 0;
  bool ended = false;  // the last member ended (nothing but another member may follow)
  *complete = false;
  try {
    while (out.size() < max_out) {
      if (z.avail_in == 0) {
        if (pos >= size) break;
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kIn, size - pos));
        read(pos, in.data(), n);
        pos += n;
        z.next_in = in.data();
        z.avail_in = static_cast<uInt>(n);
      }
      if (ended) {
        // Another member follows (concatenated .gz files are one stream to gzip -d).
        if (!is_gzip(z.next_in, z.avail_in) && !(z.avail_in == 1 && z.next_in[0] == 0x1f)) corrupt(error_code, path, "trailing bytes after the compressed data");
        inflateReset(&z);
        ended = false;
      }
      const size_t room = std::min<size_t>(max_out - out.size(), 1 << 20);
      const size_t at = out.size();
      out.resize(at + room);
      z.next_out = out.data() + at;
      z.avail_out = static_cast<uInt>(room);
      const int rc = inflate(&z, Z_NO_FLUSH);
      out.resize(at + (room - z.avail_out));
      if (rc == Z_STREAM_END) {
        ended = true;
        continue;
      }
      if (rc == Z_BUF_ERROR && z.avail_in == 0 && pos >= size) corrupt(error_code, path, "it ends before its compressed data does (truncated)");
      if (rc != Z_OK && rc != Z_BUF_ERROR) corrupt(error_code, path, z.msg ? z.msg : "corrupt data");
    }
    if (out.size() < max_out) {
      if (!ended) corrupt(error_code, path, "it ends before its compressed data does (truncated)");
      *complete = true;
    }
  } catch (...) {
    inflateEnd(&z);
    throw;
  }
  inflateEnd(&z);
  return out;
}

uint64_t gzip_size_hint(const ReadAt& read, uint64_t size) {
  if (size < 18) return 0;
  uint8_t t[4];
  read(size - 4, t, 4);
  return static_cast<uint64_t>(t[0]) | static_cast<uint64_t>(t[1]) << 8 | static_cast<uint64_t>(t[2]) << 16 | static_cast<uint64_t>(t[3]) << 24;
}

}  // namespace tessera
