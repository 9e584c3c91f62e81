// Turns operator results (column vectors) into a table chunk's columns: the rows a filter kept
// (or every row), a validity mask only when a kept row is null, and for strings a dictionary
// holding only the entries the kept rows use, each once (so partitions stay small after a filter
// and the format's "distinct entries" holds after a string method mapped two entries to one).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "column_vector.h"
#include "table_builder.h"

namespace tessera::table {

struct OwnedColumn {
  std::string name;
  ColumnType type = ColumnType::Int64;
  std::vector<uint64_t> data;  // 8-byte words holding the values
  std::vector<uint8_t> valid;  // empty: every row valid
  std::vector<uint64_t> dict_offsets;
  std::vector<uint8_t> dict_bytes;

  ColumnBuffers buffers() const;
};

// Rows sel[0..nsel) of v (every row of the partition when sel is null; nrows broadcasts a scalar).
OwnedColumn gather(std::string name, const Vec& v, const uint32_t* sel, size_t nsel);

// One partition from its columns (unpublished, owned by `owner`).
std::shared_ptr<Chunk> build_table(const std::vector<OwnedColumn>& cols, uint64_t nrows, int owner);

}  // namespace tessera::table
