// Compressed text inputs (bags: `.gz`, `.bz2`, `.zst` files), decompressed whole: a compressed
// file cannot be split at line starts without decompressing what comes before, so it is one
// partition (as dask.bag.read_text does). gzip is zlib's (io/gzip.h); bzip2 is libbz2's and zstd
// libzstd's, each taking every stream or frame of a concatenated file, as their command-line tools do.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gzip.h"

namespace tessera {

enum class Codec : uint8_t { None = 0, Gzip = 1, Bzip2 = 2, Zstd = 3 };

// The file's bytes decompressed. A truncated or corrupt file is `<error_prefix>_BAD_GZIP`,
// `_BAD_BZ2` or `_BAD_ZSTD`, naming `path`.
std::vector<uint8_t> decompress(Codec codec, const ReadAt& read, uint64_t size, const std::string& path, const std::string& error_prefix);

}  // namespace tessera
