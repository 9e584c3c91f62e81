// The read_parquet kind (ADR 0015): the rows [first, end) of one Parquet file, whole row groups as
// the planner found them in the footer, read by DuckDB (loaded on first use from the library path
// the task names) into one Table chunk (parquet/row_group_reader.h). Its TS twin is
// src-main/collections/dataframe/kinds/read-parquet.ts.
//   fields: file, library (string), row group, first, end, bytes in (the range's compressed bytes),
//           ncols, ncols x [name (string), type (table::ColumnType), origin], where origin is
//           0 (read from the file), 1 (a constant null) or 2 followed by the constant (string),
//           the filter's terms (tasks/read_terms.h)
//
// The file comes through the job's file table, so it is checked against the size and mtime the job
// planned with; DuckDB opens it by path (its own reads, not the mapping). The chunk is published
// only once the whole range has been read.
#include <string>

#include "../../io/mapped_file.h"
#include "../../parquet/duckdb_library.h"
#include "../../parquet/row_group_reader.h"
#include "../../store/chunk_store.h"
#include "../kind.h"
#include "../read_terms.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct ReadParquetTask {
  int file = 0;
  std::string library;
  parquet::RowGroupRead read;
  int64_t bytes_in = 0;
  int owner = 0;
};

ReadParquetTask decode(Reader& r, int owner) {
  ReadParquetTask t;
  t.owner = owner;
  t.file = r.file_ref();
  t.library = r.string_ref();
  t.read.row_group = r.integer(0);
  t.read.first_row = r.integer(0);
  t.read.end_row = r.integer(t.read.first_row);
  t.bytes_in = r.integer(0);
  const size_t ncols = r.count(1 << 16);
  for (size_t k = 0; k < ncols; ++k) {
    parquet::ReadColumn c;
    c.name = r.string_ref();
    c.type = static_cast<table::ColumnType>(r.integer(1, 5));
    const int64_t origin = r.integer(0, 2);
    c.constant = origin != 0;
    if (origin == 2) c.value = r.string_ref();
    if (c.constant && c.value && c.type != table::ColumnType::Int64 && c.type != table::ColumnType::String)
      Reader::bad("read_parquet: a constant column is int64 or string");
    t.read.columns.push_back(std::move(c));
  }
  t.read.where = read_terms(r, ncols);
  for (const table::ReadTerm& term : t.read.where) {
    const parquet::ReadColumn& c = t.read.columns[term.column];
    if (c.constant) Reader::bad("read_parquet: a term compares a constant column");
    // A timestamp's file value has another unit than the store's ns: only its cast compares.
    if (term.plain && c.type == table::ColumnType::Timestamp) Reader::bad("read_parquet: a timestamp term compares the file's value");
  }
  return t;
}

TaskResult run(const ReadParquetTask& t) {
  auto f = FileRegistry::instance().get(t.file);
  f->check_unchanged();
  duck::load(t.library);
  parquet::RowGroupRead read = t.read;
  read.path = f->path();
  auto out = parquet::read_row_group(read, t.owner);
  f->check_unchanged();  // a file rewritten while DuckDB read it may have given mixed pages
  return publish_result(out, t.bytes_in);
}

}  // namespace

extern const TaskKind kReadParquetKind = task_kind<ReadParquetTask, decode, run>();

}  // namespace tessera
