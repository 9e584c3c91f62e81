#include "table_builder.h"

#include <cstring>

#include "../common/checked.h"

namespace tessera::table {

namespace {
uint64_t plus(uint64_t a, uint64_t b) { return static_cast<uint64_t>(checked_add(static_cast<int64_t>(a), static_cast<int64_t>(b), "a table partition")); }
uint64_t times(uint64_t a, uint64_t b) { return static_cast<uint64_t>(checked_mul(static_cast<int64_t>(a), static_cast<int64_t>(b), "a table partition")); }
uint64_t dict_bytes_len(const ColumnBuffers& c) { return c.type == ColumnType::String ? c.dict_offsets[c.dict_count] : 0; }
}  // namespace

std::vector<TableBuilder::Placed> TableBuilder::place(uint64_t* total) const {
  std::vector<Placed> at(cols_.size());
  uint64_t o = plus(sizeof(TableHeader), times(cols_.size(), sizeof(ColumnDesc)));
  for (size_t c = 0; c < cols_.size(); ++c) {
    at[c].name = o;
    o = align_up(plus(o, cols_[c].name.size()));
  }
  for (size_t c = 0; c < cols_.size(); ++c) {
    const ColumnBuffers& col = cols_[c];
    at[c].data = o;
    o = align_up(plus(o, times(nrows_, value_width(col.type))));
    at[c].validity = 0;
    if (col.validity) {
      at[c].validity = o;
      o = align_up(plus(o, nrows_));
    }
    at[c].dict_offsets = at[c].dict_bytes = 0;
    if (col.type == ColumnType::String) {
      at[c].dict_offsets = o;
      o = align_up(plus(o, times(plus(col.dict_count, 1), 8)));
      at[c].dict_bytes = o;
      o = align_up(plus(o, dict_bytes_len(col)));
    }
  }
  *total = o;
  return at;
}

size_t TableBuilder::size() const {
  uint64_t total = 0;
  place(&total);
  return static_cast<size_t>(total);
}

void TableBuilder::write(uint8_t* out) const {
  uint64_t total = 0;
  const std::vector<Placed> at = place(&total);
  // Zero only what the columns do not fill: the descriptors' unused fields and the padding.
  uint64_t filled = sizeof(TableHeader) + cols_.size() * sizeof(ColumnDesc);
  auto pad_to = [&](uint64_t at) {
    if (at > filled) std::memset(out + filled, 0, at - filled);
  };
  auto fill = [&](uint64_t at, const void* src, uint64_t n) {
    pad_to(at);
    if (n) std::memcpy(out + at, src, n);
    filled = at + n;
  };
  TableHeader h{kMagic, kVersion, nrows_, static_cast<uint32_t>(cols_.size()), 0, total};
  std::memcpy(out, &h, sizeof h);
  for (size_t c = 0; c < cols_.size(); ++c) {
    const ColumnBuffers& col = cols_[c];
    ColumnDesc d{};
    d.type = static_cast<uint8_t>(col.type);
    d.has_validity = col.validity ? 1 : 0;
    d.name_len = static_cast<uint32_t>(col.name.size());
    d.name_offset = at[c].name;
    d.data_offset = at[c].data;
    d.validity_offset = at[c].validity;
    if (col.type == ColumnType::String) {
      d.dict_count = col.dict_count;
      d.dict_offsets_offset = at[c].dict_offsets;
      d.dict_bytes_offset = at[c].dict_bytes;
      d.dict_bytes_len = dict_bytes_len(col);
    }
    std::memcpy(out + sizeof(TableHeader) + c * sizeof(ColumnDesc), &d, sizeof d);
  }
  // The buffers in the order place() laid them out (each starts at or after the previous end).
  for (size_t c = 0; c < cols_.size(); ++c) fill(at[c].name, cols_[c].name.data(), cols_[c].name.size());
  for (size_t c = 0; c < cols_.size(); ++c) {
    const ColumnBuffers& col = cols_[c];
    fill(at[c].data, col.data, nrows_ * value_width(col.type));
    if (col.validity) fill(at[c].validity, col.validity, nrows_);
    if (col.type == ColumnType::String) {
      fill(at[c].dict_offsets, col.dict_offsets, (col.dict_count + 1) * 8);
      fill(at[c].dict_bytes, col.dict_bytes, dict_bytes_len(col));
    }
  }
  pad_to(total);
}

std::shared_ptr<Chunk> TableBuilder::build(int owner) const {
  auto chunk = ChunkStore::instance().allocate_table(size(), owner);
  write(chunk->data);
  return chunk;
}

}  // namespace tessera::table
