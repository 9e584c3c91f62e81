// The table_to_dense kind: columns of a table partition as a dense array chunk (the bridge from
// tables to arrays: df.col.values, df[['a', 'b']].to_numpy()). One column gives a 1-D chunk of
// its rows; several give rows x columns in C order. Values convert to the planned dtype (float64,
// int64 or bool: numpy's common type of the columns); a null has no int64 or bool value, so an
// int or bool column with a null is a VALUE_ERROR (a float column's nulls are NaN already).
// TS twin: src-main/collections/dataframe/kinds/table-to-dense.ts.
//   fields: ncols, ncols x column, dtype (DType: F64, I64 or Bool), 2-d (0/1)
//   deps: the partition
#include <cmath>
#include <cstring>

#include "../../common/error.h"
#include "../../store/chunk_store.h"
#include "../../table/table_view.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct TableToDenseTask {
  uint64_t input = 0;
  std::vector<size_t> columns;
  DType dtype = DType::F64;
  bool matrix = false;
  int owner = 0;
};

TableToDenseTask decode(Reader& r, int owner) {
  TableToDenseTask t;
  t.owner = owner;
  if (r.nids() != 1) Reader::bad("a table_to_dense task reads one partition");
  t.input = static_cast<uint64_t>(r.ids()[0]);
  const size_t n = r.count(1 << 16);
  if (!n) Reader::bad("table_to_dense needs a column");
  for (size_t k = 0; k < n; ++k) t.columns.push_back(static_cast<size_t>(r.integer(0, 1 << 16)));
  t.dtype = r.dtype();
  if (t.dtype != DType::F64 && t.dtype != DType::I64 && t.dtype != DType::Bool) Reader::bad("table_to_dense makes float64, int64 or bool");
  t.matrix = r.integer(0, 1) != 0;
  if (!t.matrix && n != 1) Reader::bad("a 1-d table_to_dense takes one column");
  return t;
}

template <class T> T value_as(const table::ColumnView& c, size_t row) {
  switch (c.type) {
    case table::ColumnType::Float64: return static_cast<T>(c.f64()[row]);
    case table::ColumnType::Bool: return static_cast<T>(c.data[row]);
    default: return static_cast<T>(c.i64()[row]);
  }
}

TaskResult run(const TableToDenseTask& t) {
  auto in = ChunkStore::instance().get_table(t.input);
  const table::TableView view = table::TableView::of_chunk(in);
  const size_t rows = static_cast<size_t>(view.nrows()), ncols = t.columns.size();
  for (size_t c : t.columns) {
    if (c >= view.ncols()) throw Error("BAD_TASK", "table_to_dense: a column is out of range", "this is a bug in the planner, please report it");
    const table::ColumnView& col = view.column(c);
    if (col.type != table::ColumnType::Float64 && col.type != table::ColumnType::Int64 && col.type != table::ColumnType::Bool)
      throw Error("BAD_TASK", "table_to_dense: a column is not numeric", "this is a bug in the planner, please report it");
    // numpy's common type: float64 takes every column, int64 takes ints and bools, bool only bools.
    // Anything else would cast a float (maybe NaN) to an integer, which the planner never asks for.
    const bool converts = t.dtype == DType::F64 || col.type == table::ColumnType::Bool ||
                          (t.dtype == DType::I64 && col.type == table::ColumnType::Int64);
    if (!converts) throw Error("BAD_TASK", "table_to_dense: a column does not convert to " + std::string(dtype_name(t.dtype)), "this is a bug in the planner, please report it");
    if (col.validity && t.dtype != DType::F64)
      throw Error("VALUE_ERROR", "cannot convert the column '" + std::string(col.name) + "' to " + dtype_name(t.dtype) + ": it has missing values",
                  "fill them first (.fillna(0)) or convert to float (.astype('float64'))");
  }
  std::vector<int64_t> shape{static_cast<int64_t>(rows)};
  if (t.matrix) shape.push_back(static_cast<int64_t>(ncols));
  auto out = ChunkStore::instance().allocate(t.dtype, shape, t.owner);
  for (size_t k = 0; k < ncols; ++k) {
    const table::ColumnView& c = view.column(t.columns[k]);
    for (size_t r = 0; r < rows; ++r) {
      const size_t at = r * ncols + k;
      const bool null = !c.valid(r);
      switch (t.dtype) {
        case DType::F64: reinterpret_cast<double*>(out->data)[at] = null ? std::nan("") : value_as<double>(c, r); break;
        case DType::I64: reinterpret_cast<int64_t*>(out->data)[at] = value_as<int64_t>(c, r); break;
        default: out->data[at] = c.data[r] != 0; break;
      }
    }
  }
  return publish_result(out, static_cast<int64_t>(in->nbytes));
}

}  // namespace

extern const TaskKind kTableToDenseKind = task_kind<TableToDenseTask, decode, run>();

}  // namespace tessera
