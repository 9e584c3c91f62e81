// The commit_table kind: after every write_table task of an output, completes its file under its
// temporary name (CSV: flush; Parquet: DuckDB's COPY; the job renames it once every task has
// succeeded: TableWriter::publish), or removes it when the output holds
// at most `inline_rows` rows (a table streamed to its file while the job ran, whose rows the job
// returns instead). Produces no chunk. Its TS twin is
// src-main/collections/dataframe/kinds/write-table.ts.
//   fields: writer, partitions, inline_rows + 1 (0: always keep the file)
#include <limits>

#include "../../table/table_writer.h"
#include "../kind.h"

namespace tessera {

namespace {

struct CommitTableTask {
  int writer = 0;
  uint64_t partitions = 0;
  int64_t inline_rows = -1;
};

CommitTableTask decode(Reader& r, int owner) {
  CommitTableTask t;
  t.writer = static_cast<int>(r.integer(0, std::numeric_limits<int>::max()));
  t.partitions = static_cast<uint64_t>(r.integer(0));
  t.inline_rows = r.integer(0, int64_t{1} << 52) - 1;
  return t;
}

TaskResult run(const CommitTableTask& t) {
  table::TableWriterRegistry::instance().get(t.writer)->commit(t.partitions, t.inline_rows);
  return TaskResult{};
}

}  // namespace

extern const TaskKind kCommitTableKind = task_kind<CommitTableTask, decode, run>();

}  // namespace tessera
