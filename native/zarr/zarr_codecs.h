// Zarr v2's compressors for one stored chunk: blosc (zarr's default: lz4 with byte shuffle),
// zlib, gzip, zstd or none, decoded into exactly the chunk's bytes, and blosc for writing. Pure
// functions over bytes, safe from any thread (blosc's context calls, one deflate decompressor per
// thread); fuzzed by zarr_chunk_fuzz.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::zarr {

enum class Codec : int { None = 0, Blosc = 1, Zlib = 2, Gzip = 3, Zstd = 4 };

// Decodes a stored chunk into `out`, which must come out exactly `want` bytes: else
// Error("ZARR_CORRUPT") naming `what` (the chunk's file).
void decode_chunk(Codec codec, const uint8_t* in, size_t n, uint8_t* out, size_t want, const std::string& what);

// Compresses `n` bytes of `typesize`-byte elements as zarr's default compressor does (blosc, lz4,
// level 5, byte shuffle) into `out`.
void encode_blosc(const uint8_t* in, size_t n, size_t typesize, std::vector<uint8_t>* out);

}  // namespace tessera::zarr
