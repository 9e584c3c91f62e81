// A column while operators work on it: one partition's values of one type, a validity mask where
// a row may be null, and for strings the dictionary its int32 codes index. A vector either views
// a table chunk's buffers (a column read as is costs nothing) or owns what an operator made. A
// scalar (a literal, or an operation of literals) has one value that stands for every row.
//
// Nulls follow the table format (table_format.h): a float64 null is NaN (pandas' missing float),
// so float vectors never carry validity; every other type marks its nulls in `valid`.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "table_format.h"
#include "table_view.h"

namespace tessera::table {

// A string dictionary: entry k is bytes[offsets[k], offsets[k + 1]). Viewed from a chunk or owned.
struct StringDict {
  uint64_t count = 0;
  const uint64_t* offsets = nullptr;
  const uint8_t* bytes = nullptr;
  std::vector<uint64_t> own_offsets;
  std::vector<uint8_t> own_bytes;

  std::string_view at(uint64_t k) const {
    return {reinterpret_cast<const char*>(bytes + offsets[k]), static_cast<size_t>(offsets[k + 1] - offsets[k])};
  }
  static std::shared_ptr<const StringDict> of_column(const ColumnView& c);
  // Owns the entries given (they need not be distinct: writers deduplicate, see dedupe_strings).
  static std::shared_ptr<const StringDict> of_strings(const std::vector<std::string_view>& entries);
};

struct Vec {
  ColumnType type = ColumnType::Int64;
  size_t n = 0;         // rows; 1 for a scalar
  bool scalar = false;  // one value for every row
  const void* data = nullptr;
  const uint8_t* valid = nullptr;  // n bytes (1 valid), or null when every row is valid
  std::shared_ptr<const StringDict> dict;
  // What an owning vector holds (data and valid point into these).
  std::shared_ptr<std::vector<uint64_t>> own_data;
  std::shared_ptr<std::vector<uint8_t>> own_valid;

  template <class T> const T* as() const { return static_cast<const T*>(data); }
  template <class T> T* mut() { return reinterpret_cast<T*>(own_data->data()); }
  uint8_t* mut_valid() { return own_valid->data(); }
  // Row i's slot (a scalar has one).
  size_t at(size_t i) const { return scalar ? 0 : i; }
  bool ok(size_t i) const { return !valid || valid[at(i)] != 0; }
  bool has_nulls() const { return valid != nullptr; }
};

// A new vector of n values of `type` (zeroed), with a validity mask (all valid) when asked.
Vec make_vec(ColumnType type, size_t n, bool with_validity, bool scalar = false);
// Adds an all-valid mask to an owning vector that has none.
void add_validity(Vec& v);
// Views a chunk's column (no copy).
Vec view_column(const ColumnView& c, size_t nrows);

}  // namespace tessera::table
