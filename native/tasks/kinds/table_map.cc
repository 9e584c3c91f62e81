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
#include "../table_program_reader.h"

namespace tessera {

namespace {

struct TableMapTask {
  uint64_t input = 0;
  std::vector<table::ColumnType> input_types;
  table::Program program;
  std::vector<std::pair<std::string, size_t>> outputs;
  int filter = -1;
  int owner = 0;
};

TableMapTask decode(Reader& r, int owner) {
  TableMapTask t;
  t.owner = owner;
  if (r.nids() != 1) Reader::bad("a table_map task reads one partition");
  t.input = static_cast<uint64_t>(r.ids()[0]);
  t.input_types = read_column_types(r);
  t.program = read_program(r, t.input_types);
  const size_t nodes = t.program.nodes.size();
  const size_t nout = r.count(1 << 16);
  for (size_t k = 0; k < nout; ++k) {
    std::string name = r.string_ref();
    const size_t node = static_cast<size_t>(r.integer(0, static_cast<int64_t>(nodes) - 1));
    t.outputs.emplace_back(std::move(name), node);
  }
  t.filter = static_cast<int>(r.integer(0, static_cast<int64_t>(nodes))) - 1;
  if (t.filter >= 0 && t.program.nodes[static_cast<size_t>(t.filter)].type != table::ColumnType::Bool) Reader::bad("a table_map filter is not bool");
  return t;
}

TaskResult run(const TableMapTask& t) {
  auto in = ChunkStore::instance().get_table(t.input);
  const table::TableView view = table::TableView::of_chunk(in);
  if (view.ncols() != t.input_types.size()) throw Error("BAD_TASK", "table_map: the partition has another number of columns than planned", "this is a bug in the planner, please report it");
  const std::vector<table::Vec> values = table::evaluate(t.program, view);
  const size_t nrows = static_cast<size_t>(view.nrows());
  std::vector<uint32_t> sel;
  if (t.filter >= 0) sel = table::selection(values[static_cast<size_t>(t.filter)], nrows);
  const uint32_t* rows = t.filter >= 0 ? sel.data() : nullptr;
  const size_t nout = t.filter >= 0 ? sel.size() : nrows;
  std::vector<table::OwnedColumn> cols;
  for (const auto& [name, node] : t.outputs) cols.push_back(table::gather(name, values[node], rows, nout));
  auto out = table::build_table(cols, nout, t.owner);
  TaskResult r;
  r.bytes_in = static_cast<int64_t>(in->nbytes);
  r.bytes_out = static_cast<int64_t>(out->nbytes);
  r.chunk = ChunkStore::instance().publish(out);
  return r;
}

}  // namespace

extern const TaskKind kTableMapKind = task_kind<TableMapTask, decode, run>();

}  // namespace tessera
