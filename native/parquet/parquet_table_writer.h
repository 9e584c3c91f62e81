// A table output as a Parquet file, written by DuckDB (ADR 0017; the library ADR 0015 loads for
// reading). The rows go, in partition order, through DuckDB's appender into a table of a scratch
// database of this output's own (a file beside the output, so DuckDB can page it out instead of
// holding the whole output in memory), and the commit runs
//   COPY t TO '<temp name>' (FORMAT parquet, COMPRESSION zstd)
// and, once the job has succeeded, renames the file into place. Types: int64 BIGINT, float64 DOUBLE, bool BOOLEAN, timestamp
// TIMESTAMP_NS, string VARCHAR, nulls as nulls; a timedelta is BIGINT nanoseconds (Parquet has no
// duration DuckDB writes, and its INTERVAL keeps only microseconds).
//
// The write tasks build DuckDB data chunks in parallel (prepare); appending them is serial. A file
// whose float columns hold both signed zeros is written without dictionary pages (DuckDB's
// dictionaries merge 0.0 and -0.0).
#pragma once
#include <atomic>
#include <mutex>
#include <string>

#include "../io/output_file.h"
#include "../table/table_writer.h"
#include "duckdb_api.h"

namespace tessera::parquet {

class ParquetTableWriter : public table::TableWriter {
 public:
  // `defer_rows`: the rows up to which the table may turn out to go back inline (a streamed
  // table's commit then removes the file): until more arrive, no DuckDB database is opened (~15 ms).
  ParquetTableWriter(std::string path, std::string library, table::OutputColumns columns, uint64_t limit, uint64_t defer_rows = 0);
  ~ParquetTableWriter() override;

 protected:
  std::unique_ptr<Prepared> prepare(const table::Columns& cols, uint64_t nrows) override;
  void consume(const table::TableView& view, const table::Columns& cols, std::unique_ptr<Prepared> prepared, uint64_t nrows, uint64_t take) override;
  void finish() override;
  void publish_file() override { file_.publish(); }
  void discard() override;

 private:
  const duck::Api& api();
  void append(Prepared& prepared, uint64_t take);
  void note_zeros(const table::ColumnView& col, uint64_t begin, uint64_t n);
  void open_database();       // and appends the deferred partitions
  void open_database_only();
  void run(const std::string& sql);
  void close_database();

  const std::string library_;
  OutputFile file_;
  const std::string db_path_;
  std::once_flag types_once_;
  const duck::Api* api_ = nullptr;
  std::vector<duck::LogicalType> types_;
  duck::Database db_ = nullptr;
  duck::Connection conn_ = nullptr;
  duck::Appender appender_ = nullptr;
  const uint64_t defer_rows_;
  // Partitions prepared while no more than defer_rows_ rows had come (appended once more do).
  std::vector<std::pair<std::unique_ptr<Prepared>, uint64_t>> deferred_;
  uint64_t deferred_rows_ = 0;
  // Whether a float column holds 0.0 and -0.0: DuckDB's Parquet dictionaries take them for one
  // value (every zero of a column chunk then gets the sign of the first), so such a file is
  // written without dictionaries.
  std::atomic<bool> positive_zero_{false}, negative_zero_{false};
};

}  // namespace tessera::parquet
