// The table_map kind: one partition in, one out. It evaluates a column-expression program
// (table/expr.h) over the input partition, keeps the rows where the filter node is true (a null
// is false), and writes the output columns, each one of the program's nodes: selections,
// filters, computed and renamed columns in one pass (the planner fuses a chain of them into one
// program). TS twin: src-main/collections/dataframe/kinds/table-map.ts.
//   fields: input types (read_column_types), program (read_program), nout, nout x [name (string),
//           node], filter node + 1 (0: keep every row)
//   deps: the input partition
#include <string>
#include <vector>

#include "../../common/error.h"
#include "../../store/chunk_store.h"
#include "../../table/column_output.h"
#include "../../table/expr.h"
#include "../../table/table_view.h"
#include "../kind.h"
#include "../table_inputs.h"
#include "../table_program_task.h"

namespace tessera {

namespace {

struct TableMapTask {
  PartitionProgram program;
  std::vector<std::pair<std::string, size_t>> outputs;
  int owner = 0;
};

TableMapTask decode(Reader& r, int owner) {
  TableMapTask t;
  t.owner = owner;
  t.program = read_partition_program(r, "table_map");
  const size_t nodes = t.program.program.nodes.size();
  const size_t nout = r.count(1 << 16);
  for (size_t k = 0; k < nout; ++k) {
    std::string name = r.string_ref();
    const size_t node = static_cast<size_t>(r.integer(0, static_cast<int64_t>(nodes) - 1));
    t.outputs.emplace_back(std::move(name), node);
  }
  read_filter(r, t.program);
  return t;
}

TaskResult run(const TableMapTask& t) {
  const ProgramValues v = run_partition_program(t.program, "table_map");
  const uint32_t* rows = v.filtered ? v.kept.data() : nullptr;
  const size_t nout = v.filtered ? v.kept.size() : v.nrows;
  std::vector<table::OwnedColumn> cols;
  for (const auto& [name, node] : t.outputs) cols.push_back(table::gather(name, v.values[node], rows, nout));
  return publish_table(cols, nout, t.owner, static_cast<int64_t>(v.chunk->nbytes));
}

}  // namespace

extern const TaskKind kTableMapKind = task_kind<TableMapTask, decode, run>();

}  // namespace tessera
