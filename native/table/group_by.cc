#include "group_by.h"

#include <algorithm>

#include "../common/error.h"
#include "group_index.h"

namespace tessera::table {

namespace {

std::vector<ColumnType> types_of(const std::vector<Vec>& keys) {
  std::vector<ColumnType> t;
  for (const Vec& k : keys) t.push_back(k.type);
  return t;
}

GroupResult emit(const GroupIndex& index, const std::vector<AggState>& states, const std::vector<std::string>* names, GroupBucket bucket = {}) {
  GroupResult r;
  std::vector<OwnedColumn>& out = r.columns;
  std::vector<uint32_t> order;
  if (names) {
    order = index.sorted();
  } else {
    order.resize(index.size());
    for (size_t g = 0; g < order.size(); ++g) order[g] = static_cast<uint32_t>(g);
  }
  if (bucket.count > 1) order.erase(std::remove_if(order.begin(), order.end(), [&](uint32_t g) { return index.bucket(g, bucket.count) != bucket.index; }), order.end());
  r.groups = order.size();
  for (size_t k = 0; k < index.nkeys(); ++k) out.push_back(index.key_column(k, names ? (*names)[k] : "k" + std::to_string(k), &order));
  for (size_t j = 0; j < states.size(); ++j) {
    if (names) out.push_back(states[j].finish((*names)[index.nkeys() + j], order));
    else states[j].write_state(out, "a" + std::to_string(j) + "_", order);
  }
  return r;
}

}  // namespace

GroupResult group_partial(const std::vector<Vec>& keys, const std::vector<const Vec*>& values, const std::vector<AggSpec>& aggs,
                                       size_t nrows, const std::vector<uint32_t>* rows_kept, bool null_groups) {
  GroupIndex index(types_of(keys), null_groups);
  std::vector<int32_t> gids;
  // Only the kept rows make groups: a filter's dropped rows must not leave empty groups behind.
  index.assign(keys, nrows, gids, rows_kept);
  std::vector<AggState> states;
  for (size_t j = 0; j < aggs.size(); ++j) {
    states.emplace_back(aggs[j].fn, aggs[j].input);
    states.back().resize(index.size());
    states.back().update(values[j], gids.data(), nrows);
  }
  return emit(index, states, nullptr);
}

GroupResult group_merge(const std::vector<TableView>& partials, const std::vector<ColumnType>& key_types,
                        const std::vector<AggSpec>& aggs, const std::vector<std::string>* names, GroupBucket bucket, bool null_groups,
                        bool row_when_empty) {
  GroupIndex index(key_types, null_groups);
  std::vector<AggState> states;
  size_t width = key_types.size();
  for (const AggSpec& a : aggs) {
    states.emplace_back(a.fn, a.input);
    width += states.back().state_columns();
  }
  for (const TableView& p : partials) {
    if (p.ncols() != width) throw Error("BAD_TASK", "group-by: a partial result has another layout than planned", "this is a bug in the planner, please report it");
    const size_t rows = static_cast<size_t>(p.nrows());
    std::vector<Vec> keys;
    for (size_t k = 0; k < key_types.size(); ++k) keys.push_back(view_column(p.column(k), rows));
    std::vector<int32_t> gids;
    index.assign(keys, rows, gids);
    size_t col = key_types.size();
    for (AggState& s : states) {
      s.resize(index.size());
      s.merge(p, col, gids.data());
      col += s.state_columns();
    }
  }
  if (names && row_when_empty && index.size() == 0) index.add_zero_group();
  for (AggState& s : states) s.resize(index.size());
  return emit(index, states, names, bucket);
}

}  // namespace tessera::table
