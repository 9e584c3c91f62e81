// JS value <-> core struct conversions for the table and CSV calls of the binding: the sniffer's
// options and result, a table partition copied out to JS, string lists. Conversion only.
#pragma once
#include <napi.h>

#include <string>
#include <vector>

#include "../csv/sniff.h"
#include "../table/table_builder.h"
#include "../table/table_view.h"

namespace tessera::binding {

std::vector<std::string> to_strings(const Napi::Value& v, const char* what);
csv::SniffOptions to_sniff_options(const Napi::Value& v);
Napi::Object from_sniff_result(const Napi::Env& env, const csv::SniffResult& r);
// { nrows, columns: [{ name, dtype, values, valid }] }: a copy (Electron forbids handing store
// memory to JS). Strings are decoded from the dictionary: one JS string per entry, shared by rows.
Napi::Object from_table(const Napi::Env& env, const table::TableView& t);

// putTable's argument, { nrows, columns: [{ name, dtype, data, valid, dictOffsets, dictBytes }] }
// (data: the dtype's typed array of nrows values, string codes an Int32Array; valid: a Uint8Array
// or null; dictOffsets: a BigUint64Array of entries + 1, dictBytes: a Uint8Array), as buffers that
// point into the JS arrays: valid while the call that converted them runs.
struct TableColumns {
  uint64_t nrows = 0;
  std::vector<table::ColumnBuffers> columns;
};
TableColumns to_table_columns(const Napi::Value& v);

}  // namespace tessera::binding
