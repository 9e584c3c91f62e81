// A table output written to a file (CSV or Parquet) from the partitions of a finished job: one
// write task per partition (any worker thread, any order) and one commit task after them all.
// The base class keeps the file's rows in partition order: a partition that arrives early waits
// (its view keeps its chunk alive) until those before it are in. prepare() runs in the calling
// thread without the lock (the expensive part: formatting, building DuckDB chunks), consume()
// under the lock in order. A head's row limit is applied here, by row count in order; a tail's
// cut is a partition's first rows left out (`skip`), given with the partition.
//
// Nothing is written under the final name before commit (the formats write to a temporary file
// and rename it); abort(), a failed write, or the writer's destruction removes the temporary files.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "../store/chunk_store.h"
#include "table_format.h"
#include "table_view.h"

namespace tessera::table {

// An output's columns: what the file's header (or schema) says, in order.
struct OutputColumns {
  std::vector<std::string> names;
  std::vector<ColumnType> types;
};

// A partition's columns in the output's order and types (found by name: a partition may hold
// them in another order, or more of them).
using Columns = std::vector<ColumnView>;

class TableWriter {
 public:
  TableWriter(OutputColumns columns, uint64_t limit) : columns_(std::move(columns)), limit_(limit) {}
  virtual ~TableWriter() = default;

  // Partition `index` of the output, without its first `skip` rows.
  void write(uint64_t index, std::shared_ptr<Chunk> chunk, uint64_t skip = 0);
  // After every write: the output had `partitions` partitions. Renames the file into place.
  void commit(uint64_t partitions);
  // Removes whatever was written (a failed or cancelled job).
  void abort();

  // What prepare() makes of a partition for consume(): the format's own.
  struct Prepared {
    virtual ~Prepared() = default;
  };

 protected:
  virtual std::unique_ptr<Prepared> prepare(const Columns& cols, uint64_t nrows) = 0;
  // In order; `cols` hold `nrows` rows, of which the first `take` belong to the output (a head's
  // limit). `view` owns the chunk `cols` point into: keep a copy to read them later.
  virtual void consume(const TableView& view, const Columns& cols, std::unique_ptr<Prepared> prepared, uint64_t nrows, uint64_t take) = 0;
  virtual void finish() = 0;
  virtual void discard() = 0;

  const OutputColumns columns_;

 private:
  struct Waiting {
    TableView view;
    Columns cols;
    uint64_t nrows;
    std::unique_ptr<Prepared> prepared;
  };
  void fail_locked();
  Columns project(const TableView& t) const;

  std::mutex mu_;
  const uint64_t limit_;
  uint64_t taken_ = 0, next_ = 0;
  std::map<uint64_t, Waiting> waiting_;
  bool closed_ = false;
};

class TableWriterRegistry {
 public:
  static TableWriterRegistry& instance();
  int declare(std::unique_ptr<TableWriter> w);
  std::shared_ptr<TableWriter> get(int id) const;
  void forget(int id);

 private:
  mutable std::mutex mu_;
  std::unordered_map<int, std::shared_ptr<TableWriter>> writers_;
  int next_id_ = 1;
};

}  // namespace tessera::table
