// Declares a table output file (ADR 0017): the one place that maps a format name to its writer.
#pragma once
#include <cstdint>
#include <string>

#include "../table/table_writer.h"

namespace tessera {

struct TableOutputSpec {
  std::string path;
  std::string format;   // "csv" | "parquet"
  table::OutputColumns columns;
  uint64_t limit = UINT64_MAX;  // rows kept from the start (a head)
  uint64_t inline_rows = 0;     // a streamed table's commit keeps no file of this many rows or fewer: Parquet defers its work until past it
  std::string library;  // libduckdb's path, for Parquet
};

// Returns the writer's id in table::TableWriterRegistry. Nothing is written until the first partition.
int declare_table_output(TableOutputSpec spec);

}  // namespace tessera
