// gzip-compressed input (CSV files ending .gz): recognised by its magic bytes, inflated with zlib
// (every member of a multi-member file, as gzip -d does). A compressed file cannot be split at
// row starts without inflating what comes before, so it is read whole by one task (one partition
// per file, as dask.dataframe.read_csv does with compression).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tessera {

bool is_gzip(const uint8_t* p, size_t n);

// Reads `n` compressed bytes at `offset` (the caller's file); throws on a short read.
using ReadAt = std::function<void(uint64_t offset, uint8_t* out, size_t n)>;

// Inflates the file of `size` compressed bytes, up to `max_out` bytes of output (then stops and
// sets *complete to false). A truncated or corrupt stream is `error_code` naming `path`.
std::vector<uint8_t> gunzip(const ReadAt& read, uint64_t size, const std::string& path, size_t max_out, bool* complete,
                            const char* error_code = "CSV_BAD_GZIP");

// The size the gzip trailer records (the last member's uncompressed size mod 2^32): an estimate.
uint64_t gzip_size_hint(const ReadAt& read, uint64_t size);

}  // namespace tessera
