#include "table_inputs.h"

#include <algorithm>

#include "../common/error.h"
#include "../table/column_output.h"
#include "publish_result.h"

namespace tessera {

std::vector<uint64_t> dependency_ids(Reader& r, size_t min) {
  if (r.nids() < min) Reader::bad("a row operation reads fewer partitions than it needs");
  std::vector<uint64_t> ids;
  for (size_t k = 0; k < r.nids(); ++k) ids.push_back(static_cast<uint64_t>(r.ids()[k]));
  return ids;
}

std::vector<size_t> read_dropped_columns(Reader& r) {
  std::vector<size_t> drop(r.count(256));
  for (size_t& c : drop) c = static_cast<size_t>(r.integer(0, 1 << 16));
  return drop;
}

std::vector<table::SortKey> read_sort_keys(Reader& r) {
  std::vector<table::SortKey> keys;
  const size_t n = r.count(256);
  for (size_t k = 0; k < n; ++k) {
    table::SortKey key;
    key.column = static_cast<size_t>(r.integer(0, 1 << 16));
    const int64_t flags = r.integer(0, 3);
    key.ascending = (flags & 1) != 0;
    key.nulls_first = (flags & 2) != 0;
    keys.push_back(key);
  }
  return keys;
}

std::vector<table::TableView> table_inputs(const std::vector<uint64_t>& ids, int64_t* bytes_in) {
  std::vector<table::TableView> views;
  for (uint64_t id : ids) {
    auto c = ChunkStore::instance().get_table(id);
    *bytes_in += static_cast<int64_t>(c->nbytes);
    views.push_back(table::TableView::of_chunk(c));
  }
  for (const auto& v : views) {
    bool same = v.ncols() == views[0].ncols();
    for (size_t c = 0; same && c < v.ncols(); ++c) same = v.column(c).type == views[0].column(c).type && v.column(c).name == views[0].column(c).name;
    if (!same) throw Error("BAD_TASK", "partitions of one table have different columns", "this is a bug in the planner, please report it");
  }
  return views;
}

TaskResult publish_rows(const std::vector<table::TableView>& inputs, const std::vector<table::RowRef>& refs, int owner, int64_t bytes_in, const std::vector<size_t>& drop) {
  std::vector<table::OwnedColumn> cols;
  if (!inputs.empty())
    for (size_t c = 0; c < inputs[0].ncols(); ++c)
      if (std::find(drop.begin(), drop.end(), c) == drop.end()) cols.push_back(table::gather_refs(std::string(inputs[0].column(c).name), inputs[0].column(c).type, table::column_of_inputs(inputs, c), refs));
  return publish_table(cols, refs.size(), owner, bytes_in);
}

TaskResult publish_table(const std::vector<table::OwnedColumn>& cols, uint64_t nrows, int owner, int64_t bytes_in) {
  auto out = table::build_table(cols, nrows, owner);
  return publish_result(out, bytes_in);
}

}  // namespace tessera
