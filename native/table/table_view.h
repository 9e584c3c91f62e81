// A checked view of a table partition's bytes (table_format.h). parse() validates the whole
// buffer before anything is read through it: every offset and length lies inside the buffer and
// is aligned, types and flags are known values, dictionaries are well formed UTF-8 with codes in
// range, bools and validity bytes are 0 or 1. A buffer that fails is Error("BAD_TABLE"), never a
// read out of bounds; after parse() the accessors need no further checks.
//
// The check is one pass over the buffer (O(bytes)), cheap next to making it; readers of the
// store's own tables (readTable, later the dataframe kernels) pay it once per chunk.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "../store/chunk_store.h"
#include "table_format.h"

namespace tessera::table {

struct ColumnView {
  ColumnType type = ColumnType::Int64;
  std::string_view name;
  const uint8_t* data = nullptr;      // nrows values of value_width(type) bytes
  const uint8_t* validity = nullptr;  // nrows bytes, or null when every row is valid
  uint64_t dict_count = 0;
  const uint64_t* dict_offsets = nullptr;  // dict_count + 1
  const uint8_t* dict_bytes = nullptr;

  bool valid(uint64_t row) const { return !validity || validity[row] != 0; }
  const int64_t* i64() const { return reinterpret_cast<const int64_t*>(data); }
  const double* f64() const { return reinterpret_cast<const double*>(data); }
  const int32_t* codes() const { return reinterpret_cast<const int32_t*>(data); }
  std::string_view dict_entry(uint64_t k) const {
    return {reinterpret_cast<const char*>(dict_bytes + dict_offsets[k]), static_cast<size_t>(dict_offsets[k + 1] - dict_offsets[k])};
  }
};

class TableView {
 public:
  // Validates and views `n` bytes at `p` (which must be 8-byte aligned).
  static TableView parse(const uint8_t* p, size_t n);
  // A table chunk of the store; the view keeps it alive.
  static TableView of_chunk(std::shared_ptr<Chunk> chunk);

  uint64_t nrows() const { return nrows_; }
  size_t ncols() const { return cols_.size(); }
  const ColumnView& column(size_t i) const { return cols_[i]; }

 private:
  std::shared_ptr<Chunk> keep_;
  uint64_t nrows_ = 0;
  std::vector<ColumnView> cols_;
};

// A partition's bytes made by another process (a cluster's task host, ADR 0029): copied into a new
// table chunk of `owner`, checked as parse() checks, and published; its id. BAD_TABLE if it fails.
uint64_t publish_table_bytes(const uint8_t* p, size_t n, int owner);

}  // namespace tessera::table
