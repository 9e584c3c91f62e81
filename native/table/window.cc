#include "window.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "../common/error.h"
#include "../kernels/compensated_sum.h"

namespace tessera::table {

namespace {

using T = ColumnType;

[[noreturn]] void bad(const std::string& why) { throw Error("BAD_TASK", "window: " + why, "this is a bug in the planner, please report it"); }

bool is_aggregate(WindowFn fn) { return fn >= WindowFn::Count; }

// Rows a and b of `refs` have equal values in the columns `cols` (nulls equal).
bool same_keys(const std::vector<std::vector<Vec>>& cols, const std::vector<RowRef>& refs, size_t a, size_t b) {
  for (const auto& c : cols) {
    const RowRef x = refs[a], y = refs[b];
    if (compare_values(c[x.input], x.row, c[y.input], y.row) != 0) return false;
  }
  return true;
}

// One column from per-row values (as 8-byte words) and validity.
OwnedColumn column_from(std::string name, T type, std::vector<uint64_t> words, std::vector<uint8_t> valid) {
  OwnedColumn c;
  c.name = std::move(name);
  c.type = type;
  c.data = std::move(words);
  bool all = true;
  for (uint8_t v : valid) all = all && v;
  if (!all) c.valid = std::move(valid);
  return c;
}

uint64_t bits_of(double x) {
  uint64_t w;
  std::memcpy(&w, &x, 8);
  return w;
}

}  // namespace

ColumnType window_result_type(WindowFn fn, ColumnType t) {
  switch (fn) {
    case WindowFn::RowNumber:
    case WindowFn::Rank:
    case WindowFn::DenseRank:
    case WindowFn::Count:
    case WindowFn::CountStar: return T::Int64;
    case WindowFn::Sum:
      if (t != T::Int64 && t != T::Float64 && t != T::Bool) bad("sum of a column that is not numbers");
      return t == T::Float64 ? T::Float64 : T::Int64;
    case WindowFn::Avg:
      if (t != T::Int64 && t != T::Float64 && t != T::Bool) bad("avg of a column that is not numbers");
      return T::Float64;
    case WindowFn::Min:
    case WindowFn::Max:
      if (t == T::String || t == T::Bool) bad("min/max of strings or bools");
      return t;
  }
  bad("unknown function");
}

WindowResult window(const std::vector<TableView>& inputs, const std::vector<size_t>& partition, const std::vector<SortKey>& order,
                    const std::vector<WindowCall>& calls) {
  std::vector<SortKey> keys;
  for (size_t c : partition) keys.push_back({c, true, false});
  keys.insert(keys.end(), order.begin(), order.end());
  WindowResult out;
  out.rows = sort_rows(inputs, keys, -1);
  const std::vector<RowRef>& refs = out.rows;
  const size_t n = refs.size();
  std::vector<std::vector<Vec>> part_cols, order_cols;
  for (size_t c : partition) part_cols.push_back(column_of_inputs(inputs, c));
  for (const SortKey& k : order) order_cols.push_back(column_of_inputs(inputs, k.column));
  // Partition and peer-group starts: row i begins a partition / a peer group.
  std::vector<uint8_t> new_part(n, 0), new_peer(n, 0);
  for (size_t i = 0; i < n; ++i) {
    new_part[i] = i == 0 || !same_keys(part_cols, refs, i - 1, i);
    new_peer[i] = new_part[i] || !same_keys(order_cols, refs, i - 1, i);
  }
  for (const WindowCall& call : calls) {
    const T in = is_aggregate(call.fn) && call.fn != WindowFn::CountStar ? inputs.at(0).column(call.column).type : T::Int64;
    const T type = window_result_type(call.fn, in);
    std::vector<uint64_t> words(n, 0);
    std::vector<uint8_t> valid(n, 1);
    if (!is_aggregate(call.fn)) {
      int64_t row = 0, rank = 0, dense = 0;
      for (size_t i = 0; i < n; ++i) {
        if (new_part[i]) row = rank = dense = 0;
        ++row;
        if (new_peer[i]) { rank = row; ++dense; }
        words[i] = static_cast<uint64_t>(call.fn == WindowFn::RowNumber ? row : call.fn == WindowFn::Rank ? rank : dense);
      }
      out.columns.push_back(column_from(call.name, type, std::move(words), std::move(valid)));
      continue;
    }
    const std::vector<Vec> vals = call.fn == WindowFn::CountStar ? std::vector<Vec>{} : column_of_inputs(inputs, call.column);
    // Running state over a partition; written to every row of a frame's end (a peer group, or the
    // whole partition without ORDER BY).
    int64_t count = 0, isum = 0;
    double fsum = 0, fcomp = 0;
    bool have = false;
    uint64_t best = 0;
    auto add = [&](size_t i) {
      if (call.fn == WindowFn::CountStar) { ++count; return; }
      const Vec& v = vals[refs[i].input];
      const size_t r = refs[i].row;
      if (is_null_value(v, r)) return;
      ++count;
      // count reads only the nulls: its column may be strings (4-byte codes, not values).
      if (call.fn == WindowFn::Count) return;
      const size_t at = v.at(r);
      if (in == T::Float64) {
        const double x = v.as<double>()[at];
        neumaier(fsum, fcomp, x);  // as the group-by's sum
        const uint64_t w = bits_of(x);
        double b;
        std::memcpy(&b, &best, 8);
        if (!have || (call.fn == WindowFn::Min ? x < b : x > b)) best = w;
      } else {
        const int64_t x = in == T::Bool ? v.as<uint8_t>()[at] : v.as<int64_t>()[at];
        isum = static_cast<int64_t>(static_cast<uint64_t>(isum) + static_cast<uint64_t>(x));
        if (!have || (call.fn == WindowFn::Min ? x < static_cast<int64_t>(best) : x > static_cast<int64_t>(best))) best = static_cast<uint64_t>(x);
      }
      have = true;
    };
    auto value = [&](size_t i) {
      switch (call.fn) {
        case WindowFn::Count:
        case WindowFn::CountStar: words[i] = static_cast<uint64_t>(count); break;
        case WindowFn::Sum:
          if (!count) valid[i] = 0;
          words[i] = in == T::Float64 ? bits_of(count ? fsum + fcomp : std::nan("")) : static_cast<uint64_t>(isum);
          break;
        case WindowFn::Avg: words[i] = bits_of(count ? (in == T::Float64 ? (fsum + fcomp) : static_cast<double>(isum)) / static_cast<double>(count) : std::nan("")); if (!count) valid[i] = 0; break;
        default:
          if (!have) { valid[i] = 0; words[i] = in == T::Float64 ? bits_of(std::nan("")) : 0; }
          else words[i] = best;
          break;
      }
    };
    size_t i = 0;
    while (i < n) {
      count = isum = 0;
      fsum = fcomp = 0;
      have = false;
      size_t end = i + 1;
      while (end < n && !new_part[end]) ++end;  // the partition is [i, end)
      size_t g = i;
      while (g < end) {
        size_t h = order.empty() ? end : g + 1;
        while (h < end && !new_peer[h]) ++h;  // the peer group [g, h)
        for (size_t k = g; k < h; ++k) add(k);
        for (size_t k = g; k < h; ++k) value(k);
        g = h;
      }
      i = end;
    }
    // A float column's null is its NaN; it carries no validity.
    if (type == T::Float64) std::fill(valid.begin(), valid.end(), 1);
    out.columns.push_back(column_from(call.name, type, std::move(words), std::move(valid)));
  }
  return out;
}

}  // namespace tessera::table
