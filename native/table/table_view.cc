#include "table_view.h"

#include <cstring>
#include <string>

#include "../common/error.h"
#include "../common/utf8.h"

namespace tessera::table {

namespace {

[[noreturn]] void bad(const std::string& why) {
  throw Error("BAD_TABLE", "corrupt table partition: " + why, "this is a bug in the code that made the table, please report it");
}

// [offset, offset + len) inside [0, total), with offset aligned when `aligned`. Overflow-safe.
void check_range(uint64_t offset, uint64_t len, uint64_t total, bool aligned, const char* what) {
  if (offset > total || len > total - offset) bad(std::string(what) + " lies outside the buffer");
  if (aligned && offset % kAlign != 0) bad(std::string(what) + " is not 8-byte aligned");
}

uint64_t checked_bytes(uint64_t count, uint64_t width, const char* what) {
  uint64_t r;
  if (__builtin_mul_overflow(count, width, &r)) bad(std::string(what) + " has an impossible size");
  return r;
}

}  // namespace

TableView TableView::parse(const uint8_t* p, size_t n) {
  if (reinterpret_cast<uintptr_t>(p) % kAlign != 0) bad("the buffer is not 8-byte aligned");
  if (n < sizeof(TableHeader)) bad("shorter than its header");
  TableHeader h;
  std::memcpy(&h, p, sizeof h);
  if (h.magic != kMagic) bad("wrong magic number");
  if (h.version != kVersion) bad("unknown version " + std::to_string(h.version));
  if (h.reserved != 0) bad("reserved header bits are set");
  if (h.total_bytes != n) bad("its recorded size differs from the chunk's");
  if (h.ncols > (n - sizeof(TableHeader)) / sizeof(ColumnDesc)) bad("more columns than fit");

  TableView v;
  v.nrows_ = h.nrows;
  v.cols_.resize(h.ncols);
  for (uint32_t c = 0; c < h.ncols; ++c) {
    ColumnDesc d;
    std::memcpy(&d, p + sizeof(TableHeader) + c * sizeof(ColumnDesc), sizeof d);
    ColumnView& col = v.cols_[c];
    if (!valid_column_type(d.type)) bad("column " + std::to_string(c) + " has an unknown type");
    if (d.has_validity > 1 || d.reserved != 0) bad("column " + std::to_string(c) + " has bad flags");
    col.type = static_cast<ColumnType>(d.type);

    check_range(d.name_offset, d.name_len, n, false, "a column name");
    if (!utf8_valid(p + d.name_offset, d.name_len)) bad("a column name is not UTF-8");
    col.name = std::string_view(reinterpret_cast<const char*>(p + d.name_offset), d.name_len);

    const uint64_t width = value_width(col.type);
    check_range(d.data_offset, checked_bytes(h.nrows, width, "a column"), n, true, "a column's data");
    col.data = p + d.data_offset;
    if (d.has_validity) {
      check_range(d.validity_offset, h.nrows, n, true, "a column's validity");
      col.validity = p + d.validity_offset;
      for (uint64_t r = 0; r < h.nrows; ++r)
        if (col.validity[r] > 1) bad("a validity byte is neither 0 nor 1");
    } else if (d.validity_offset != 0) {
      bad("a column without validity has a validity offset");
    }

    if (col.type == ColumnType::String) {
      if (d.dict_count > 0x7fffffffull) bad("a dictionary has more entries than int32 codes can name");
      check_range(d.dict_offsets_offset, checked_bytes(d.dict_count + 1, 8, "a dictionary"), n, true, "a dictionary's offsets");
      check_range(d.dict_bytes_offset, d.dict_bytes_len, n, true, "a dictionary's bytes");
      col.dict_count = d.dict_count;
      col.dict_offsets = reinterpret_cast<const uint64_t*>(p + d.dict_offsets_offset);
      col.dict_bytes = p + d.dict_bytes_offset;
      if (col.dict_offsets[0] != 0 || col.dict_offsets[d.dict_count] != d.dict_bytes_len) bad("a dictionary's offsets do not span its bytes");
      for (uint64_t k = 0; k < d.dict_count; ++k) {
        const uint64_t a = col.dict_offsets[k], b = col.dict_offsets[k + 1];
        if (b < a) bad("a dictionary's offsets decrease");
        if (!utf8_valid(col.dict_bytes + a, b - a)) bad("a dictionary entry is not UTF-8");
      }
      const int32_t* codes = col.codes();
      for (uint64_t r = 0; r < h.nrows; ++r)
        if (col.valid(r) && (codes[r] < 0 || static_cast<uint64_t>(codes[r]) >= d.dict_count)) bad("a string code is outside its dictionary");
    } else {
      if (d.dict_count || d.dict_offsets_offset || d.dict_bytes_offset || d.dict_bytes_len) bad("a column that is not strings has a dictionary");
      if (col.type == ColumnType::Bool)
        for (uint64_t r = 0; r < h.nrows; ++r)
          if (col.valid(r) && col.data[r] > 1) bad("a bool is neither 0 nor 1");
    }
  }
  return v;
}

TableView TableView::of_chunk(std::shared_ptr<Chunk> chunk) {
  TableView v = parse(chunk->data, chunk->nbytes);
  v.keep_ = std::move(chunk);
  return v;
}

uint64_t publish_table_bytes(const uint8_t* p, size_t n, int owner) {
  std::shared_ptr<Chunk> c = ChunkStore::instance().allocate_table(n, owner);
  if (n) std::memcpy(c->data, p, n);
  TableView::parse(c->data, c->nbytes);  // the store's buffer is aligned; the caller's need not be
  return ChunkStore::instance().publish(std::move(c));
}

}  // namespace tessera::table
