// What the table kinds share: their input partitions as checked views, and publishing the output
// partition (gathered through row references, for the row operations).
#pragma once
#include <memory>
#include <vector>

#include "../store/chunk_store.h"
#include "../table/column_output.h"
#include "../table/row_ops.h"
#include "../table/row_refs.h"
#include "../table/table_view.h"
#include "reader.h"
#include "task.h"

namespace tessera {

// The task's dependencies as table views (each must have the same columns as the first).
std::vector<table::TableView> table_inputs(const std::vector<uint64_t>& ids, int64_t* bytes_in);

// A partition made of `cols` (nrows rows), published; what a table kind returns.
TaskResult publish_table(const std::vector<table::OwnedColumn>& cols, uint64_t nrows, int owner, int64_t bytes_in);

// Every column of `inputs` but those in `drop` gathered at `refs`, published as one partition.
TaskResult publish_rows(const std::vector<table::TableView>& inputs, const std::vector<table::RowRef>& refs, int owner, int64_t bytes_in, const std::vector<size_t>& drop = {});

// The dependency ids of a task that reads at least `min` partitions.
std::vector<uint64_t> dependency_ids(Reader& r, size_t min);

// Columns dropped from a row operation's output (a partitioned join's row and bucket columns):
// n, n x column.
std::vector<size_t> read_dropped_columns(Reader& r);

// Sort keys as the row kinds encode them: n, n x [column, flags (1: ascending, 2: nulls first)].
std::vector<table::SortKey> read_sort_keys(Reader& r);

}  // namespace tessera
