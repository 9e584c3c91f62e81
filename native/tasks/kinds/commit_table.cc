// The commit_table kind: after every write_table task of an output, finishes its file (CSV:
// flush; Parquet: DuckDB's COPY) and renames it into place. Produces no chunk. Its TS twin is
// src-main/collections/dataframe/kinds/write-table.ts.
//   fields: writer, partitions
#include <limits>

#include "../../table/table_writer.h"
#include "../kind.h"

namespace tessera {

namespace {

struct CommitTableTask {
  int writer = 0;
  uint64_t partitions = 0;
};

CommitTableTask decode(Reader& r, int owner) {
  CommitTableTask t;
  t.writer = static_cast<int>(r.integer(0, std::numeric_limits<int>::max()));
  t.partitions = static_cast<uint64_t>(r.integer(0));
  return t;
}

TaskResult run(const CommitTableTask& t) {
  table::TableWriterRegistry::instance().get(t.writer)->commit(t.partitions);
  return TaskResult{};
}

}  // namespace

extern const TaskKind kCommitTableKind = task_kind<CommitTableTask, decode, run>();

}  // namespace tessera
