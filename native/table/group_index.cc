#include "group_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "../common/error.h"
#include "hash.h"

namespace tessera::table {

GroupIndex::GroupIndex(std::vector<ColumnType> key_types, bool null_groups)
    : types_(std::move(key_types)), width_(types_.size() + (null_groups ? 1 : 0)), slots_(1024, 0), strings_(types_.size()), string_atoms_(types_.size()) {
  if (null_groups && types_.size() > 64) throw Error("BAD_TASK", "a group-by with null groups has at most 64 keys", "this is a bug in the planner, please report it");
}

uint64_t GroupIndex::hash(const uint64_t* atoms) const {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (size_t k = 0; k < width_; ++k) h = mix64(h ^ (atoms[k] + 0x9e3779b97f4a7c15ULL + (h << 6)));
  return h;
}

uint64_t GroupIndex::intern(size_t k, std::string_view s) {
  auto it = string_atoms_[k].find(s);
  if (it != string_atoms_[k].end()) return it->second;
  strings_[k].emplace_back(s);
  const uint64_t atom = strings_[k].size() - 1;
  string_atoms_[k].emplace(strings_[k].back(), atom);
  return atom;
}

void GroupIndex::grow() {
  std::vector<uint32_t> slots(slots_.size() * 2, 0);
  const size_t mask = slots.size() - 1;
  for (size_t g = 0; g < count_; ++g) {
    size_t s = hash(&atoms_[g * width_]) & mask;
    while (slots[s]) s = (s + 1) & mask;
    slots[s] = static_cast<uint32_t>(g + 1);
  }
  slots_.swap(slots);
}

void GroupIndex::assign(const std::vector<Vec>& keys, size_t nrows, std::vector<int32_t>& gids, const std::vector<uint32_t>* rows) {
  const size_t nk = types_.size();
  if (keys.size() != nk) throw Error("BAD_TASK", "group-by: the key count differs from the plan", "this is a bug in the planner, please report it");
  // Per key: a string key's dictionary entries as atoms (one pool lookup per distinct string).
  std::vector<std::vector<uint64_t>> dict_atoms(nk);
  for (size_t k = 0; k < nk; ++k) {
    if (keys[k].type != types_[k]) throw Error("BAD_TASK", "group-by: a key has another type than planned", "this is a bug in the planner, please report it");
    if (types_[k] == ColumnType::String)
      for (uint64_t e = 0; e < keys[k].dict->count; ++e) dict_atoms[k].push_back(intern(k, keys[k].dict->at(e)));
  }
  gids.assign(nrows, -1);
  const size_t n = rows ? rows->size() : nrows;
  const bool null_groups = width_ > nk;
  std::vector<uint64_t> tuple(width_);
  if (nk == 1 && types_[0] == ColumnType::String && !keys[0].scalar) {
    // One string key (the common case): each dictionary entry's group found once, then each row's
    // group is its code's, with no hashing per row. Groups are added in order of first appearance.
    const Vec& v = keys[0];
    std::vector<int32_t> code_group(v.dict->count, -1);
    int32_t null_group = -1;
    const int32_t* codes = v.as<int32_t>();
    for (size_t at = 0; at < n; ++at) {
      const size_t i = rows ? (*rows)[at] : at;
      if (!v.ok(i)) {
        if (!null_groups) continue;
        if (null_group < 0) {
          tuple = {0, 1};
          null_group = find_or_add(tuple.data());
        }
        gids[i] = null_group;
        continue;
      }
      int32_t& g = code_group[static_cast<size_t>(codes[i])];
      if (g < 0) {
        tuple[0] = dict_atoms[0][static_cast<size_t>(codes[i])];
        if (null_groups) tuple[1] = 0;
        g = find_or_add(tuple.data());
      }
      gids[i] = g;
    }
    return;
  }
  if (assign_string_tuples(keys, n, gids, rows, dict_atoms)) return;
  // Constant keys (a reduction without GROUP BY: the key is a literal): one group for every row,
  // its tuple made from the first row below.
  bool constant = n > 0;
  for (const Vec& v : keys) constant = constant && v.scalar;
  int32_t constant_group = -1;
  for (size_t at = 0; at < n; ++at) {
    const size_t i = rows ? (*rows)[at] : at;
    if (constant_group >= 0) {
      gids[i] = constant_group;
      continue;
    }
    bool null = false;
    uint64_t null_bits = 0;
    for (size_t k = 0; k < nk && !(null && !null_groups); ++k) {
      null = false;
      const Vec& v = keys[k];
      const size_t r = v.at(i);
      switch (types_[k]) {
        case ColumnType::Float64: {
          double x = v.as<double>()[r];
          if (std::isnan(x)) null = true;
          if (x == 0) x = 0;  // -0.0 and 0.0 are one group
          std::memcpy(&tuple[k], &x, 8);
          break;
        }
        case ColumnType::Bool:
          null = !v.ok(i);
          tuple[k] = v.as<uint8_t>()[r];
          break;
        case ColumnType::String:
          null = !v.ok(i);
          if (!null) tuple[k] = dict_atoms[k][static_cast<size_t>(v.as<int32_t>()[r])];
          break;
        default:
          null = !v.ok(i);
          tuple[k] = static_cast<uint64_t>(v.as<int64_t>()[r]);
          break;
      }
      if (null) {
        null_bits |= uint64_t{1} << k;
        tuple[k] = 0;
      }
    }
    if (null_groups) tuple[nk] = null_bits;
    else if (null) {
      if (constant) return;  // every row's key is that null
      continue;
    }
    gids[i] = find_or_add(tuple.data());
    if (constant) constant_group = gids[i];
  }
}

bool GroupIndex::assign_string_tuples(const std::vector<Vec>& keys, size_t n, std::vector<int32_t>& gids, const std::vector<uint32_t>* rows,
                                      const std::vector<std::vector<uint64_t>>& dict_atoms) {
  // Several string keys whose dictionaries are small together (origin x destination): each
  // combination of codes finds its group once, through a dense table of code tuples, and each row
  // is then an index computation with no hashing (as the one-key path above).
  const size_t nk = types_.size();
  if (nk < 2) return false;
  const bool null_groups = width_ > nk;
  std::vector<size_t> stride(nk);
  size_t slots = 1;
  for (size_t k = 0; k < nk; ++k) {
    if (types_[k] != ColumnType::String || keys[k].scalar) return false;
    stride[k] = slots;
    slots *= keys[k].dict->count + 1;  // the last code: a null
    if (slots > (size_t{1} << 20)) return false;
  }
  std::vector<int32_t> combo(slots, -1);
  std::vector<uint64_t> tuple(width_);
  for (size_t at = 0; at < n; ++at) {
    const size_t i = rows ? (*rows)[at] : at;
    size_t slot = 0;
    bool null = false;
    for (size_t k = 0; k < nk; ++k) {
      const Vec& v = keys[k];
      const bool ok = v.ok(i);
      null = null || !ok;
      slot += stride[k] * (ok ? static_cast<size_t>(v.as<int32_t>()[v.at(i)]) : v.dict->count);
    }
    if (null && !null_groups) continue;
    int32_t& g = combo[slot];
    if (g < 0) {
      uint64_t null_bits = 0;
      for (size_t k = 0; k < nk; ++k) {
        const size_t code = slot / stride[k] % (keys[k].dict->count + 1);
        if (code == keys[k].dict->count) {
          null_bits |= uint64_t{1} << k;
          tuple[k] = 0;
        } else {
          tuple[k] = dict_atoms[k][code];
        }
      }
      if (null_groups) tuple[nk] = null_bits;
      g = find_or_add(tuple.data());
    }
    gids[i] = g;
  }
  return true;
}

void GroupIndex::add_zero_group() {
  for (ColumnType t : types_)
    if (t == ColumnType::String) throw Error("BAD_TASK", "group-by: a group of no rows needs non-string keys", "this is a bug in the planner, please report it");
  const std::vector<uint64_t> zeros(width_, 0);
  find_or_add(zeros.data());
}

int32_t GroupIndex::find_or_add(const uint64_t* tuple) {
  const size_t nk = width_;
  const size_t mask = slots_.size() - 1;
  size_t s = hash(tuple) & mask;
  for (;;) {
    const uint32_t g = slots_[s];
    if (!g) {
      if (count_ >= 0x7fffffff) throw Error("OUT_OF_MEMORY", "a group-by has more than 2^31 groups", "group by fewer keys");
      atoms_.insert(atoms_.end(), tuple, tuple + nk);
      slots_[s] = static_cast<uint32_t>(++count_);
      const int32_t added = static_cast<int32_t>(count_ - 1);
      if (count_ * 2 > slots_.size()) grow();
      return added;
    }
    if (std::equal(tuple, tuple + nk, atoms_.begin() + static_cast<ptrdiff_t>((g - 1) * nk))) return static_cast<int32_t>(g - 1);
    s = (s + 1) & mask;
  }
}

uint32_t GroupIndex::bucket(size_t g, uint32_t n) const {
  const size_t nk = types_.size();
  uint64_t h = 0x243f6a8885a308d3ULL;
  for (size_t k = 0; k < nk; ++k) {
    const uint64_t a = atoms_[g * width_ + k];
    const uint64_t v = is_null(g, k) ? 0x6e756c6cULL : types_[k] == ColumnType::String ? std::hash<std::string_view>{}(strings_[k][a]) : a;
    h = mix64(h ^ v) + 0x9e3779b97f4a7c15ULL;
  }
  return static_cast<uint32_t>(h % n);
}

std::vector<uint32_t> GroupIndex::sorted() const {
  std::vector<uint32_t> order(count_);
  for (size_t g = 0; g < count_; ++g) order[g] = static_cast<uint32_t>(g);
  const size_t nk = types_.size();
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    for (size_t k = 0; k < nk; ++k) {
      const bool na = is_null(a, k), nb = is_null(b, k);
      if (na || nb) {
        if (na == nb) continue;
        return nb;  // nulls last
      }
      const uint64_t x = atoms_[a * width_ + k], y = atoms_[b * width_ + k];
      if (x == y) continue;
      switch (types_[k]) {
        case ColumnType::Float64: {
          double dx, dy;
          std::memcpy(&dx, &x, 8);
          std::memcpy(&dy, &y, 8);
          return dx < dy;
        }
        case ColumnType::String: return strings_[k][x] < strings_[k][y];
        case ColumnType::Bool: return x < y;
        default: return static_cast<int64_t>(x) < static_cast<int64_t>(y);
      }
    }
    return false;
  });
  return order;
}

OwnedColumn GroupIndex::key_column(size_t k, std::string name, const std::vector<uint32_t>* order) const {
  const size_t n = order ? order->size() : count_;
  auto group = [&](size_t i) -> size_t { return order ? (*order)[i] : i; };
  bool any_null = false;
  for (size_t i = 0; i < n && !any_null; ++i) any_null = is_null(group(i), k);
  // A null float key is NaN; the other types mark it in a validity mask.
  const bool mask = any_null && types_[k] != ColumnType::Float64;
  Vec v = make_vec(types_[k], n, mask);
  if (types_[k] == ColumnType::String) {
    // The groups' strings as a vector over a dictionary of exactly those strings (a null: "").
    std::vector<std::string_view> entries;
    for (size_t i = 0; i < n; ++i) {
      entries.push_back(is_null(group(i), k) ? std::string_view() : std::string_view(strings_[k][atoms_[group(i) * width_ + k]]));
      v.mut<int32_t>()[i] = static_cast<int32_t>(i);
    }
    v.dict = StringDict::of_strings(entries);
  } else {
    for (size_t i = 0; i < n; ++i) {
      const uint64_t a = atoms_[group(i) * width_ + k];
      if (types_[k] == ColumnType::Bool) v.mut<uint8_t>()[i] = static_cast<uint8_t>(a);
      else if (types_[k] == ColumnType::Float64 && is_null(group(i), k)) v.mut<double>()[i] = std::nan("");
      else v.mut<uint64_t>()[i] = a;
    }
  }
  if (mask)
    for (size_t i = 0; i < n; ++i) v.mut_valid()[i] = is_null(group(i), k) ? 0 : 1;
  return gather(std::move(name), v, nullptr, n);
}

}  // namespace tessera::table
