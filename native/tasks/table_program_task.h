// What the kinds that run a column-expression program over one partition share (table_map,
// group_by_partial): reading the program (table/expr.h) out of an encoded task, and running it.
// The TS writer is src-main/collections/dataframe/kinds/table-program.ts.
//   program: nnodes, nnodes x [op, type, nargs, nargs x arg node, extra]
//   extra by op: Column: input column index; Literal: is_null, then (unless null) the value
//   (int64/timestamp/timedelta: decimal string; float64, bool: number; string: string);
//   StrContains/StartsWith/EndsWith: the pattern (string); StrSlice: has_start, start, has_stop, stop.
#pragma once
#include <memory>
#include <vector>

#include "../store/chunk_store.h"
#include "../table/expr.h"
#include "../table/table_view.h"
#include "reader.h"

namespace tessera {

// The program, checked against the input columns' types (BAD_TASK on any inconsistency).
table::Program read_program(Reader& r, const std::vector<table::ColumnType>& input_types);

// [ntypes, ntypes x type]: the types of the columns a program reads, as planned.
std::vector<table::ColumnType> read_column_types(Reader& r);

// A program over a task's one input partition, and the node whose true rows it keeps.
struct PartitionProgram {
  uint64_t input = 0;
  std::vector<table::ColumnType> input_types;
  table::Program program;
  int filter = -1;  // a bool node, or -1: every row
};

// The dependency, [input types, program]; `kind` names the task in errors.
PartitionProgram read_partition_program(Reader& r, const char* kind);
// [filter node + 1] (0: none) into p.filter.
void read_filter(Reader& r, PartitionProgram& p);

// The program evaluated over its partition (kept alive by `chunk`): every node's values, and the
// rows the filter keeps (`kept`, when there is a filter).
struct ProgramValues {
  std::shared_ptr<Chunk> chunk;
  size_t nrows = 0;
  std::vector<table::Vec> values;
  bool filtered = false;
  std::vector<uint32_t> kept;
};
ProgramValues run_partition_program(const PartitionProgram& p, const char* kind);

}  // namespace tessera
