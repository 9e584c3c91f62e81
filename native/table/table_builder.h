// Lays out a table partition (table_format.h) from its columns' buffers: the caller fills plain
// arrays (values, optional validity, a string dictionary), the builder computes the layout,
// allocates one Table chunk of exactly that size and copies the columns in. The chunk comes back
// unpublished, so a task that fails after building leaves nothing in the store.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../store/chunk_store.h"
#include "table_format.h"

namespace tessera::table {

// One column as its maker holds it (not owned: the buffers must outlive build()).
struct ColumnBuffers {
  std::string name;
  ColumnType type = ColumnType::Int64;
  const void* data = nullptr;         // nrows values of value_width(type) bytes
  const uint8_t* validity = nullptr;  // nrows bytes (1 valid, 0 null), or null: every row valid
  // Strings: the dictionary the codes index.
  uint64_t dict_count = 0;
  const uint64_t* dict_offsets = nullptr;  // dict_count + 1, first 0
  const uint8_t* dict_bytes = nullptr;
};

class TableBuilder {
 public:
  explicit TableBuilder(uint64_t nrows) : nrows_(nrows) {}
  void add(ColumnBuffers c) { cols_.push_back(std::move(c)); }
  // The buffer's size in bytes. Throws SIZE_OVERFLOW for a size that cannot be represented.
  size_t size() const;
  // Writes the table into out[0, size()) (8-byte aligned, zeroed padding).
  void write(uint8_t* out) const;
  // A new, unpublished Table chunk of `owner` holding the table.
  std::shared_ptr<Chunk> build(int owner) const;

 private:
  struct Placed {
    uint64_t name, data, validity, dict_offsets, dict_bytes;
  };
  std::vector<Placed> place(uint64_t* total) const;
  uint64_t nrows_;
  std::vector<ColumnBuffers> cols_;
};

}  // namespace tessera::table
