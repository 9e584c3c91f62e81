// A table output written to a file (CSV or Parquet) from the partitions of a finished job: one
// write task per partition (any worker thread, any order) and one commit task after them all.
// The base class keeps the file's rows in partition order: a partition that arrives early waits
// (its view keeps its chunk alive) until those before it are in. prepare() runs in the calling
// thread without the lock (the expensive part: formatting, building DuckDB chunks), consume()
// under the lock in order. A head's row limit is applied here, by row count in order; a tail's
// cut is a partition's first rows left out (`skip`), given with the partition.
//
// Nothing is written under the final name before publish(), which the job calls once every task
// has succeeded (commit only completes the temporary file), so a job that fails or is cancelled
// leaves no output file, even of an output whose rows were all written; abort(), a failed write,
// or the writer's destruction removes the temporary files.
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
  // After every write: the output had `partitions` partitions. Completes the temporary file, unless
  // the output holds at most `inline_rows` rows (when inline_rows >= 0): then it is removed, since
  // the job returns such a table's rows themselves (a table streamed while the job ran).
  void commit(uint64_t partitions, int64_t inline_rows = -1);
  // After the job: renames a committed file into place (nothing for one removed at the commit).
  void publish();
  // Rows in the output so far (after a head's limit): all of them once committed.
  uint64_t rows();
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
  // The temporary file complete; publish_file() renames it.
  virtual void finish() = 0;
  virtual void publish_file() = 0;
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
  // Open: taking writes; Finished: committed, the file complete under its temporary name;
  // Published: renamed into place; Closed: failed, aborted or removed at the commit.
  enum class State { Open, Finished, Published, Closed } state_ = State::Open;
};

class TableWriterRegistry {
 public:
  static TableWriterRegistry& instance();
  int declare(std::unique_ptr<TableWriter> w);
  std::shared_ptr<TableWriter> get(int id) const;
  // The writer, or null for an id not (or no longer) declared.
  std::shared_ptr<TableWriter> find(int id) const;
  void forget(int id);

 private:
  mutable std::mutex mu_;
  std::unordered_map<int, std::shared_ptr<TableWriter>> writers_;
  int next_id_ = 1;
};

}  // namespace tessera::table
