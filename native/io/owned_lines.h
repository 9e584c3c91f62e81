// The lines a partition of a text file owns: those whose first byte lies in [start, end) (a
// compressed file is one partition, decompressed whole: io/decompress.h). Shared by the kinds that read text natively (word_count,
// jsonl_count). A range that does not start the file begins after its first line break, so every
// line belongs to exactly one partition, and the line `end` cuts is finished from the bytes after
// it; a range in which no line starts (inside one long line) reads nothing more.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "decompress.h"
#include "mapped_file.h"

namespace tessera {

// Thrown by a consumer at a bad byte (`offset` within the bytes it was given); read_owned_lines
// turns it into Error(code, "<path>, line <n>: <message>", hint), counting lines from the file's
// (or the inflated file's) start.
struct BadLine {
  uint64_t offset;
  std::string code, message, hint;
};

// Calls consume(bytes, n) with the owned lines' bytes in order, whole lines only, a block of about
// 256 KiB at a time (a compressed file: once, inflated whole). Returns the bytes read from the file.
// A compressed file's errors are `<error_prefix>_BAD_GZIP` (or _BAD_BZ2, _BAD_ZSTD).
uint64_t read_owned_lines(const MappedFile& f, uint64_t start, uint64_t end, Codec codec, const std::string& error_prefix,
                          const std::function<void(const uint8_t*, size_t)>& consume);

}  // namespace tessera
