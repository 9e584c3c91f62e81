#include "row_refs.h"

#include <cmath>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "../common/error.h"

namespace tessera::table {

bool is_null_value(const Vec& v, size_t r) {
  if (v.type == ColumnType::Float64) return std::isnan(v.as<double>()[v.at(r)]);
  return !v.ok(r);
}

std::vector<Vec> column_of_inputs(const std::vector<TableView>& inputs, size_t column) {
  std::vector<Vec> out;
  for (const TableView& t : inputs) {
    if (column >= t.ncols()) throw Error("BAD_TASK", "a partition has fewer columns than planned", "this is a bug in the planner, please report it");
    out.push_back(view_column(t.column(column), static_cast<size_t>(t.nrows())));
  }
  for (const Vec& v : out)
    if (v.type != out[0].type) throw Error("BAD_TASK", "partitions disagree on a column's type", "this is a bug in the planner, please report it");
  return out;
}

int compare_values(const Vec& a, size_t ra, const Vec& b, size_t rb) {
  const bool na = is_null_value(a, ra), nb = is_null_value(b, rb);
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  switch (a.type) {
    case ColumnType::Float64: {
      const double x = a.as<double>()[a.at(ra)], y = b.as<double>()[b.at(rb)];
      return x < y ? -1 : (y < x ? 1 : 0);
    }
    case ColumnType::Bool: {
      const int x = a.as<uint8_t>()[a.at(ra)], y = b.as<uint8_t>()[b.at(rb)];
      return x - y;
    }
    case ColumnType::String: {
      const std::string_view x = a.dict->at(static_cast<uint64_t>(a.as<int32_t>()[a.at(ra)]));
      const std::string_view y = b.dict->at(static_cast<uint64_t>(b.as<int32_t>()[b.at(rb)]));
      const int c = x.compare(y);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    default: {
      const int64_t x = a.as<int64_t>()[a.at(ra)], y = b.as<int64_t>()[b.at(rb)];
      return x < y ? -1 : (y < x ? 1 : 0);
    }
  }
}

OwnedColumn gather_refs(std::string name, ColumnType type, const std::vector<Vec>& cols, const std::vector<RowRef>& refs) {
  const size_t n = refs.size();
  Vec out = make_vec(type, n, false);
  bool any_null = false;
  for (const RowRef& r : refs) any_null |= r.input == kNoRow || (type != ColumnType::Float64 && !cols[r.input].ok(r.row));
  if (any_null && type != ColumnType::Float64) add_validity(out);
  if (type == ColumnType::String) {
    // One dictionary for all inputs: each input's entries mapped once to their place in it, by a
    // table as long as its dictionary, or by a hash map where the rows gathered are far fewer than
    // its entries (a range of a sorted run of unique strings: a table per range cost the run's
    // whole dictionary each time).
    std::vector<std::vector<int32_t>> remap(cols.size());
    std::vector<std::unordered_map<size_t, int32_t>> sparse(cols.size());
    std::vector<uint8_t> is_sparse(cols.size(), 0);
    for (size_t i = 0; i < cols.size(); ++i) {
      const size_t entries_i = cols[i].dict ? cols[i].dict->count : 0;
      if (entries_i > 4 * n + 64) is_sparse[i] = 1;
      else remap[i].assign(entries_i, -1);
    }
    std::unordered_map<std::string_view, int32_t> codes;
    std::vector<std::string_view> entries;
    for (size_t k = 0; k < n; ++k) {
      const RowRef& r = refs[k];
      if (r.input == kNoRow || !cols[r.input].ok(r.row)) {
        out.mut_valid()[k] = 0;
        continue;
      }
      const Vec& c = cols[r.input];
      const size_t old = static_cast<size_t>(c.as<int32_t>()[c.at(r.row)]);
      int32_t& code = is_sparse[r.input] ? sparse[r.input].try_emplace(old, -1).first->second : remap[r.input][old];
      if (code < 0) {
        const std::string_view s = c.dict->at(old);
        auto [it, added] = codes.emplace(s, static_cast<int32_t>(entries.size()));
        if (added) entries.push_back(s);
        code = it->second;
      }
      out.mut<int32_t>()[k] = code;
    }
    out.dict = StringDict::of_strings(entries);
    return gather(std::move(name), out, nullptr, n);
  }
  const size_t w = value_width(type);
  uint8_t* dst = reinterpret_cast<uint8_t*>(out.own_data->data());
  for (size_t k = 0; k < n; ++k) {
    const RowRef& r = refs[k];
    if (r.input == kNoRow) {
      if (type == ColumnType::Float64) reinterpret_cast<double*>(dst)[k] = std::nan("");
      else out.mut_valid()[k] = 0;
      continue;
    }
    const Vec& c = cols[r.input];
    std::memcpy(dst + k * w, static_cast<const uint8_t*>(c.data) + c.at(r.row) * w, w);
    if (out.valid) out.mut_valid()[k] = c.ok(r.row);
  }
  return gather(std::move(name), out, nullptr, n);
}

}  // namespace tessera::table
