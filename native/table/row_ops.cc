#include "row_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include "../common/error.h"
#include "hash.h"

namespace tessera::table {

namespace {

constexpr uint64_t kNullHash = 0x6e756c6cULL;

uint64_t number_hash(double x) {
  if (std::isnan(x)) return kNullHash;
  if (x == 0) x = 0;
  uint64_t b;
  std::memcpy(&b, &x, 8);
  return mix64(b);
}

// A hash of one value, equal for equal values (-0.0 and 0.0; every null and NaN alike).
uint64_t value_hash(const Vec& v, size_t r) {
  const size_t i = v.at(r);
  switch (v.type) {
    case ColumnType::Float64: return number_hash(v.as<double>()[i]);
    case ColumnType::Bool: return v.ok(r) ? mix64(v.as<uint8_t>()[i] + 1) : kNullHash;
    case ColumnType::String: {
      if (!v.ok(r)) return kNullHash;
      const std::string_view s = v.dict->at(static_cast<uint64_t>(v.as<int32_t>()[i]));
      return std::hash<std::string_view>{}(s) * 0x9e3779b97f4a7c15ULL;
    }
    default: return v.ok(r) ? mix64(static_cast<uint64_t>(v.as<int64_t>()[i])) : kNullHash;
  }
}

// The key columns of every input.
std::vector<std::vector<Vec>> key_columns(const std::vector<TableView>& inputs, const std::vector<size_t>& columns) {
  std::vector<std::vector<Vec>> keys;
  for (size_t c : columns) keys.push_back(column_of_inputs(inputs, c));
  return keys;
}

uint64_t row_hash(const std::vector<std::vector<Vec>>& keys, const RowRef& r) {
  uint64_t h = 0x243f6a8885a308d3ULL;
  for (const auto& k : keys) h = mix64(h ^ value_hash(k[r.input], r.row)) + 0x9e3779b97f4a7c15ULL;
  return h;
}

bool rows_equal(const std::vector<std::vector<Vec>>& ka, const RowRef& a, const std::vector<std::vector<Vec>>& kb, const RowRef& b) {
  for (size_t k = 0; k < ka.size(); ++k)
    if (compare_values(ka[k][a.input], a.row, kb[k][b.input], b.row) != 0) return false;
  return true;
}

}  // namespace

RowOrder::RowOrder(const std::vector<TableView>& inputs, const std::vector<SortKey>& keys) : keys_(keys) {
  std::vector<size_t> cols;
  for (const SortKey& k : keys) cols.push_back(k.column);
  columns_ = key_columns(inputs, cols);
}

bool RowOrder::less(const RowRef& a, const RowRef& b) const {
  for (size_t k = 0; k < keys_.size(); ++k) {
    const Vec& va = columns_[k][a.input];
    const Vec& vb = columns_[k][b.input];
    // Nulls (and NaN) go last (or first) whatever the direction, as pandas' na_position says.
    const bool an = is_null_value(va, a.row), bn = is_null_value(vb, b.row);
    if (an || bn) {
      if (an && bn) continue;
      return keys_[k].nulls_first ? an : bn;
    }
    const int c = compare_values(va, a.row, vb, b.row);
    if (c == 0) continue;
    return keys_[k].ascending ? c < 0 : c > 0;
  }
  return false;
}

namespace {

// A whole sort by one numeric key (sort_values' common case, and every task of a range sort): the
// values copied beside their rows and stably sorted by a plain comparison, the missing ones (NaN,
// or null) kept apart in their order and put last or first. The same order as RowOrder's, at a
// fraction of its cost per comparison (which goes through the vectors and their types each time).
template <typename T>
std::vector<RowRef> sort_by_number(const std::vector<Vec>& cols, const SortKey& key) {
  struct Keyed {
    T v;
    RowRef ref;
  };
  std::vector<Keyed> keyed;
  std::vector<RowRef> missing;
  for (uint32_t i = 0; i < cols.size(); ++i) {
    const Vec& c = cols[i];
    const T* v = c.as<T>();
    for (uint32_t r = 0; r < c.n; ++r) {
      if (is_null_value(c, r)) missing.push_back({i, r});
      else keyed.push_back({v[c.at(r)], {i, r}});
    }
  }
  if (key.ascending) std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) { return a.v < b.v; });
  else std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) { return b.v < a.v; });
  std::vector<RowRef> out;
  out.reserve(keyed.size() + missing.size());
  if (key.nulls_first) out = missing;
  for (const Keyed& k : keyed) out.push_back(k.ref);
  if (!key.nulls_first) out.insert(out.end(), missing.begin(), missing.end());
  return out;
}

}  // namespace

std::vector<RowRef> spread_rows(const std::vector<RowRef>& rows, size_t m) {
  std::vector<RowRef> out;
  if (rows.empty()) return out;
  const uint64_t n = rows.size();
  for (uint64_t k = 0; k < m; ++k) out.push_back(rows[std::min<uint64_t>(n - 1, (k + 1) * n / (m + 1))]);
  return out;
}

std::vector<RowRef> every_rows(const std::vector<RowRef>& rows, uint64_t k) {
  std::vector<RowRef> out;
  const uint64_t n = rows.size();
  for (uint64_t at = k / 2; at < n; at += k) out.push_back(rows[at]);
  if (out.empty() && n) out.push_back(rows[n / 2]);
  return out;
}

std::pair<uint32_t, uint32_t> range_of_run(const RowOrder& order, uint32_t run_rows, uint32_t splitters, uint32_t r) {
  // The first row of the run not before splitter s (binary search: the run is sorted).
  auto first_not_before = [&](uint32_t s) {
    uint32_t lo = 0, hi = run_rows;
    while (lo < hi) {
      const uint32_t mid = lo + (hi - lo) / 2;
      if (order.less({0, mid}, {1, s})) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const uint32_t lo = r == 0 ? 0 : r - 1 < splitters ? first_not_before(r - 1) : run_rows;
  const uint32_t hi = r < splitters ? first_not_before(r) : run_rows;
  return {lo, std::max(lo, hi)};
}

std::vector<RowRef> sort_rows(const std::vector<TableView>& inputs, const std::vector<SortKey>& keys, int64_t limit, bool last) {
  if (keys.size() == 1 && limit < 0 && !inputs.empty()) {
    const auto cols = column_of_inputs(inputs, keys[0].column);
    const ColumnType t = cols[0].type;
    if (t == ColumnType::Float64) return sort_by_number<double>(cols, keys[0]);
    if (t == ColumnType::Int64 || t == ColumnType::Timestamp || t == ColumnType::Timedelta) return sort_by_number<int64_t>(cols, keys[0]);
  }
  std::vector<RowRef> refs;
  for (uint32_t i = 0; i < inputs.size(); ++i)
    for (uint32_t r = 0; r < inputs[i].nrows(); ++r) refs.push_back({i, r});
  if (!keys.empty()) {
    const RowOrder order(inputs, keys);
    auto less = [&](const RowRef& a, const RowRef& b) { return order.less(a, b); };
    if (limit >= 0 && static_cast<size_t>(limit) < refs.size()) {
      std::partial_sort(refs.begin(), refs.begin() + limit, refs.end(), [&](const RowRef& a, const RowRef& b) {
        if (less(a, b)) return true;
        if (less(b, a)) return false;
        return a.input != b.input ? a.input < b.input : a.row < b.row;  // stable
      });
    } else {
      std::stable_sort(refs.begin(), refs.end(), less);
    }
  }
  if (limit >= 0 && static_cast<size_t>(limit) < refs.size()) {
    if (last) refs.erase(refs.begin(), refs.end() - limit);
    else refs.resize(static_cast<size_t>(limit));
  }
  return refs;
}

std::vector<RowRef> first_rows(const std::vector<TableView>& inputs, std::vector<size_t> columns) {
  if (columns.empty() && !inputs.empty()) {
    columns.resize(inputs[0].ncols());
    std::iota(columns.begin(), columns.end(), 0);
  }
  const auto kc = key_columns(inputs, columns);
  std::unordered_multimap<uint64_t, RowRef> seen;
  std::vector<RowRef> kept;
  for (uint32_t i = 0; i < inputs.size(); ++i) {
    for (uint32_t r = 0; r < inputs[i].nrows(); ++r) {
      const RowRef ref{i, r};
      const uint64_t h = row_hash(kc, ref);
      bool dup = false;
      for (auto [it, end] = seen.equal_range(h); it != end && !dup; ++it) dup = rows_equal(kc, ref, kc, it->second);
      if (dup) continue;
      seen.emplace(h, ref);
      kept.push_back(ref);
    }
  }
  return kept;
}

std::vector<bool> mixed_number_keys(const std::vector<ColumnType>& probe, const std::vector<ColumnType>& build) {
  if (probe.size() != build.size() || probe.empty()) throw Error("BAD_TASK", "a join needs as many keys on each side", "this is a bug in the planner, please report it");
  std::vector<bool> mixed(probe.size());
  for (size_t k = 0; k < probe.size(); ++k) {
    const ColumnType a = probe[k], b = build[k];
    const bool numeric = (a == ColumnType::Int64 || a == ColumnType::Float64) && (b == ColumnType::Int64 || b == ColumnType::Float64);
    if (a != b && !numeric) throw Error("BAD_TASK", "join keys of different types", "this is a bug in the planner, please report it");
    mixed[k] = a != b;
  }
  return mixed;
}

namespace {

// A row's join key hash: an int64 value of a mixed key hashes as its double (as the float64 side's).
uint64_t join_hash(const std::vector<std::vector<Vec>>& keys, const std::vector<bool>& mixed, const RowRef& r) {
  uint64_t h = 0x243f6a8885a308d3ULL;
  for (size_t k = 0; k < keys.size(); ++k) {
    const Vec& v = keys[k][r.input];
    uint64_t vh;
    if (mixed[k] && v.type == ColumnType::Int64) vh = v.ok(r.row) ? number_hash(static_cast<double>(v.as<int64_t>()[v.at(r.row)])) : kNullHash;
    else vh = value_hash(v, r.row);
    h = mix64(h ^ vh) + 0x9e3779b97f4a7c15ULL;
  }
  return h;
}

constexpr uint32_t kNoChain = 0xffffffffu;  // the end of a hash chain

std::vector<ColumnType> key_types(const std::vector<TableView>& inputs, const std::vector<size_t>& keys) {
  std::vector<ColumnType> types;
  for (size_t c : keys) {
    if (inputs.empty() || c >= inputs[0].ncols()) throw Error("BAD_TASK", "a join key column is out of range", "this is a bug in the planner, please report it");
    types.push_back(inputs[0].column(c).type);
  }
  return types;
}

}  // namespace

std::vector<uint32_t> join_buckets(const TableView& t, const std::vector<size_t>& keys, const std::vector<bool>& mixed, uint32_t nbuckets) {
  const std::vector<TableView> in{t};
  const auto kc = key_columns(in, keys);
  if (mixed.size() != keys.size()) throw Error("BAD_TASK", "a join's buckets need a flag per key", "this is a bug in the planner, please report it");
  if (t.nrows() > int64_t{0xfffffffe}) throw Error("SIZE_OVERFLOW", "a partition has more than 2^32 - 2 rows", "use smaller partitions (a smaller blocksize)");
  std::vector<uint32_t> bucket(static_cast<size_t>(t.nrows()));
  for (uint32_t r = 0; r < bucket.size(); ++r) {
    // The hash table of a bucket's join takes the hash's low bits: the bucket, its high ones.
    const uint64_t h = mix64(join_hash(kc, mixed, {0, r}) ^ 0x5851f42d4c957f2dULL);
    bucket[r] = static_cast<uint32_t>((static_cast<unsigned __int128>(h) * nbuckets) >> 64);
  }
  return bucket;
}

JoinRefs join_rows(const std::vector<TableView>& probe, const std::vector<size_t>& probe_keys, const std::vector<TableView>& build, const std::vector<size_t>& build_keys, JoinHow how) {
  const std::vector<bool> mixed = mixed_number_keys(key_types(probe, probe_keys), key_types(build, build_keys));
  const auto pk = key_columns(probe, probe_keys);
  const auto bk = key_columns(build, build_keys);
  auto equal = [&](const RowRef& p, const RowRef& b) {
    for (size_t k = 0; k < pk.size(); ++k) {
      const Vec& x = pk[k][p.input];
      const Vec& y = bk[k][b.input];
      if (!mixed[k]) {
        if (compare_values(x, p.row, y, b.row) != 0) return false;
        continue;
      }
      auto num = [](const Vec& v, size_t r) { return v.type == ColumnType::Int64 ? (v.ok(r) ? static_cast<double>(v.as<int64_t>()[v.at(r)]) : std::nan("")) : v.as<double>()[v.at(r)]; };
      const double a = num(x, p.row), c = num(y, b.row);
      if (!(a == c || (std::isnan(a) && std::isnan(c)))) return false;
    }
    return true;
  };
  // A chained hash table over the build rows in flat arrays (a slot's first row, each row's next):
  // rows go in last to first, so each chain lists its rows in build order and a probe row's
  // matches come out in that order. (std::unordered_multimap allocated a node per row: building
  // it was most of a join's time.)
  std::vector<RowRef> rows;
  for (uint32_t i = 0; i < build.size(); ++i)
    for (uint32_t r = 0; r < build[i].nrows(); ++r) rows.push_back({i, r});
  if (rows.size() >= kNoChain) throw Error("SIZE_OVERFLOW", "a join's build side has more than 2^32 - 1 rows", "give the job a memory limit, so that the join is cut into hash buckets");
  size_t slots = 16;
  while (slots < 2 * rows.size()) slots *= 2;
  const uint64_t mask = slots - 1;
  std::vector<uint32_t> head(slots, kNoChain), next(rows.size());
  std::vector<uint64_t> hashes(rows.size());
  for (size_t g = rows.size(); g-- > 0;) {
    hashes[g] = join_hash(bk, mixed, rows[g]);
    uint32_t& first = head[hashes[g] & mask];
    next[g] = first;
    first = static_cast<uint32_t>(g);
  }
  JoinRefs out;
  bool matched = false;
  for (uint32_t i = 0; i < probe.size(); ++i)
    for (uint32_t r = 0; r < probe[i].nrows(); ++r) {
      const RowRef p{i, r};
      const uint64_t h = join_hash(pk, mixed, p);
      matched = false;
      for (uint32_t g = head[h & mask]; g != kNoChain; g = next[g]) {
        if (hashes[g] != h || !equal(p, rows[g])) continue;
        matched = true;
        if (how == JoinHow::Anti) break;
        out.probe.push_back(p);
        out.build.push_back(rows[g]);
      }
      if (matched || how == JoinHow::Inner) continue;
      out.probe.push_back(p);
      out.build.push_back({kNoRow, 0});
    }
  return out;
}

}  // namespace tessera::table
