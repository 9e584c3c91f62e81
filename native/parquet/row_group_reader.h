// Reads rows [first_row, end_row) of one Parquet file (whole row groups, from the planner) into one
// table partition (table/table_format.h): DuckDB decodes, in a query that selects only the columns
// asked for, cast to the store's types, and limits the scan to the range by file_row_number (which
// DuckDB turns into row-group skipping). Each 2,048-row result chunk is copied into columns sized
// from the footer's row count; strings are dictionary-encoded per partition; validity is kept only
// for a column with a null in the partition. Constant columns (hive keys) are filled here, not read.
// A read may carry and-ed `column op literal` terms (the planner's pushdown of a filter): they go
// into the query's WHERE, so DuckDB skips rows inside its scan; the partition then holds the rows
// that pass, a superset of what the job's filter keeps (the filter still runs after the read).
// Every DuckDB error becomes PARQUET_INVALID naming the file, the row group and, when one column
// alone fails, that column. The partition comes back unpublished.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../store/chunk_store.h"
#include "../table/read_term.h"
#include "../table/table_format.h"

namespace tessera::parquet {

struct ReadColumn {
  std::string name;
  table::ColumnType type = table::ColumnType::Int64;
  // A hive key's value for every row (nullopt with `constant`: every row null), else read from the file.
  bool constant = false;
  std::optional<std::string> value;
};

struct RowGroupRead {
  std::string path;
  int64_t row_group = 0;  // the first row group of the range: for messages
  int64_t first_row = 0, end_row = 0;
  std::vector<ReadColumn> columns;
  std::vector<table::ReadTerm> where;  // `plain`: the file holds the column in the store's own DuckDB type
};

std::shared_ptr<Chunk> read_row_group(const RowGroupRead& read, int owner);

}  // namespace tessera::parquet
