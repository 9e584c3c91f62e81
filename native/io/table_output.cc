#include "table_output.h"

#include "../common/error.h"
#include "../parquet/parquet_table_writer.h"
#include "../table/csv_table_writer.h"

namespace tessera {

int declare_table_output(TableOutputSpec s) {
  if (s.columns.names.size() != s.columns.types.size()) throw Error("BAD_ARGUMENT", "a table output needs one type per column", "");
  std::unique_ptr<table::TableWriter> w;
  if (s.format == "csv") w = std::make_unique<table::CsvTableWriter>(s.path, std::move(s.columns), s.limit);
  else if (s.format == "parquet") w = std::make_unique<parquet::ParquetTableWriter>(s.path, s.library, std::move(s.columns), s.limit, s.inline_rows);
  else throw Error("BAD_OPTION", "unknown table output format '" + s.format + "'", "use csv or parquet");
  return table::TableWriterRegistry::instance().declare(std::move(w));
}

}  // namespace tessera
