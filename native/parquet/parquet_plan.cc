#include "parquet_plan.h"

#include "../common/error.h"
#include "duckdb_library.h"
#include "sql.h"

namespace tessera::parquet {

namespace {

using duck::QueryResult;

[[noreturn]] void invalid(const std::string& path, const std::string& why) {
  throw Error("PARQUET_INVALID", path + " is not a readable Parquet file: " + why,
              "check that the file is complete (an interrupted copy or download is truncated) and was written as Parquet");
}

// A query whose every column is VARCHAR or BIGINT, row by row.
template <class Row> void each_row(const std::string& sql, Row&& row) {
  QueryResult r(sql);
  for (duck::idx_t n; (n = r.next()) > 0;)
    for (duck::idx_t i = 0; i < n; ++i) row(r, i);
}

std::string text(const QueryResult& r, duck::idx_t col, duck::idx_t i) {
  return std::string(duck::string_of(static_cast<const duck::String*>(r.data(col))[i]));
}
int64_t number(const QueryResult& r, duck::idx_t col, duck::idx_t i, int64_t if_null) {
  return duck::row_valid(r.validity(col), i) ? static_cast<const int64_t*>(r.data(col))[i] : if_null;
}

PlanFile plan_file(const std::string& path) {
  PlanFile f;
  const std::string scan = duck::scan_of(path, false);
  each_row("SELECT CAST(column_name AS VARCHAR), CAST(column_type AS VARCHAR) FROM (DESCRIBE SELECT * FROM " + scan + ")",
           [&](const QueryResult& r, duck::idx_t i) { f.columns.push_back({text(r, 0, i), text(r, 1, i)}); });
  // One row per column chunk, in row-group order. path_in_schema names a top-level column's chunk;
  // the chunks of a nested column's leaves match no column name and are skipped (such a column is
  // refused by the TS planner unless the dataset leaves it out).
  each_row("SELECT CAST(row_group_id AS BIGINT), CAST(row_group_num_rows AS BIGINT), CAST(path_in_schema AS VARCHAR), "
           "CAST(stats_null_count AS BIGINT), CAST(total_compressed_size AS BIGINT), "
           "CAST(stats_min_value AS VARCHAR), CAST(stats_max_value AS VARCHAR) FROM parquet_metadata(" +
               duck::quote_literal(path) + ") ORDER BY row_group_id, column_id",
           [&](const QueryResult& r, duck::idx_t i) {
             const int64_t id = number(r, 0, i, -1);
             if (id != static_cast<int64_t>(f.row_groups.size()) - 1) {
               if (id != static_cast<int64_t>(f.row_groups.size())) invalid(path, "its row groups are not numbered in order");
               PlanRowGroup g;
               g.rows = number(r, 1, i, 0);
               g.first_row = f.row_groups.empty() ? 0 : f.row_groups.back().first_row + f.row_groups.back().rows;
               g.null_counts.assign(f.columns.size(), -1);
               g.min_values.assign(f.columns.size(), std::string());
               g.max_values.assign(f.columns.size(), std::string());
               g.has_stats.assign(f.columns.size(), 0);
               f.row_groups.push_back(std::move(g));
             }
             PlanRowGroup& g = f.row_groups.back();
             g.compressed_bytes += number(r, 4, i, 0);
             const std::string name = text(r, 2, i);
             for (size_t c = 0; c < f.columns.size(); ++c) {
               if (f.columns[c].name != name) continue;
               g.null_counts[c] = number(r, 3, i, -1);
               if (duck::row_valid(r.validity(5), i) && duck::row_valid(r.validity(6), i)) {
                 g.min_values[c] = text(r, 5, i);
                 g.max_values[c] = text(r, 6, i);
                 g.has_stats[c] = 1;
               }
             }
           });
  return f;
}

}  // namespace

std::vector<PlanFile> plan_parquet(const std::string& library, const std::vector<std::string>& paths) {
  duck::load(library);
  std::vector<PlanFile> out;
  for (const std::string& path : paths) {
    if (path.find('\0') != std::string::npos) invalid(path, "its path holds a NUL character");
    try {
      out.push_back(plan_file(path));
    } catch (const duck::QueryError& e) {
      invalid(path, e.what());
    }
  }
  return out;
}

}  // namespace tessera::parquet
