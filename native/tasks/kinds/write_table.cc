// The write_table kind: one partition (dependency 0) of a table output into its declared writer
// (table/table_writer.h: CSV or Parquet), as partition `index` of the file; the writer keeps the
// rows in partition order whatever order the tasks run in. Produces no chunk. Its TS twin is
// src-main/collections/dataframe/kinds/write-table.ts.
//   fields: writer, index, skip (the partition's first rows that are not in the output: a tail's cut)
#include <limits>

#include "../../store/chunk_store.h"
#include "../../table/table_writer.h"
#include "../kind.h"

namespace tessera {

namespace {

struct WriteTableTask {
  int writer = 0;
  uint64_t index = 0;
  uint64_t skip = 0;
  uint64_t chunk = 0;
};

WriteTableTask decode(Reader& r, int owner) {
  WriteTableTask t;
  t.writer = static_cast<int>(r.integer(0, std::numeric_limits<int>::max()));
  t.index = static_cast<uint64_t>(r.integer(0));
  t.skip = static_cast<uint64_t>(r.integer(0));
  if (r.nids() < 1) Reader::bad("a write_table task needs its partition");
  t.chunk = static_cast<uint64_t>(r.ids()[0]);
  return t;
}

TaskResult run(const WriteTableTask& t) {
  auto c = ChunkStore::instance().get_table(t.chunk);
  TaskResult r;
  r.bytes_in = static_cast<int64_t>(c->nbytes);
  table::TableWriterRegistry::instance().get(t.writer)->write(t.index, std::move(c), t.skip);
  return r;
}

}  // namespace

extern const TaskKind kWriteTableKind = task_kind<WriteTableTask, decode, run>();

}  // namespace tessera
