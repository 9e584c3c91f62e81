// What the planner needs of Parquet files, from their footers only (no page is read): each file's
// columns as DuckDB types them, and its row groups: rows, where they start in the file's row
// numbering (what a read_parquet task's file_row_number range names), their compressed bytes and
// per column the footer's null count (-1 when the footer has no statistics). A file that is
// missing, empty, truncated or whose footer is damaged fails here, before any task exists, with
// PARQUET_INVALID naming it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::parquet {

struct PlanColumn {
  std::string name;
  std::string duck_type;  // DuckDB's name of the type it reads the column as: BIGINT, DECIMAL(21,1), ...
};

struct PlanRowGroup {
  int64_t rows = 0;
  int64_t first_row = 0;
  int64_t compressed_bytes = 0;
  std::vector<int64_t> null_counts;  // per column of the file, in its order; -1: not known
  // Per column: the footer's min and max as DuckDB spells the column's values (empty with
  // has_stats 0 when the footer has none); the planner prunes row groups with them.
  std::vector<std::string> min_values, max_values;
  std::vector<uint8_t> has_stats;
};

struct PlanFile {
  std::vector<PlanColumn> columns;
  std::vector<PlanRowGroup> row_groups;
};

// `library`: libduckdb's path (loaded on first use, duckdb_library.h).
std::vector<PlanFile> plan_parquet(const std::string& library, const std::vector<std::string>& paths);

}  // namespace tessera::parquet
