#include "column_vector.h"

namespace tessera::table {

std::shared_ptr<const StringDict> StringDict::of_column(const ColumnView& c) {
  auto d = std::make_shared<StringDict>();
  d->count = c.dict_count;
  d->offsets = c.dict_offsets;
  d->bytes = c.dict_bytes;
  return d;
}

std::shared_ptr<const StringDict> StringDict::of_strings(const std::vector<std::string_view>& entries) {
  auto d = std::make_shared<StringDict>();
  d->own_offsets.reserve(entries.size() + 1);
  d->own_offsets.push_back(0);
  for (std::string_view s : entries) {
    d->own_bytes.insert(d->own_bytes.end(), s.begin(), s.end());
    d->own_offsets.push_back(d->own_bytes.size());
  }
  d->count = entries.size();
  d->offsets = d->own_offsets.data();
  d->bytes = d->own_bytes.data();
  return d;
}

Vec make_vec(ColumnType type, size_t n, bool with_validity, bool scalar) {
  Vec v;
  v.type = type;
  v.n = n;
  v.scalar = scalar;
  v.own_data = std::make_shared<std::vector<uint64_t>>((n * value_width(type) + 7) / 8 + 1, 0);
  v.data = v.own_data->data();
  if (with_validity) add_validity(v);
  return v;
}

void add_validity(Vec& v) {
  v.own_valid = std::make_shared<std::vector<uint8_t>>(v.n + 1, 1);
  v.valid = v.own_valid->data();
}

Vec view_column(const ColumnView& c, size_t nrows) {
  Vec v;
  v.type = c.type;
  v.n = nrows;
  v.data = c.data;
  // A float's nulls are its NaNs (table_format.h), so float vectors carry no mask.
  v.valid = c.type == ColumnType::Float64 ? nullptr : c.validity;
  if (c.type == ColumnType::String) v.dict = StringDict::of_column(c);
  return v;
}

}  // namespace tessera::table
