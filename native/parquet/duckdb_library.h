// The process's one DuckDB (ADR 0015): libduckdb is dlopened the first time a job touches Parquet,
// from the path the TS side resolved (the @duckdb/node-bindings-<platform> package), never linked,
// so arrays and CSV never load it and the addon builds and loads without it. One in-memory database
// serves every thread: threads=1 (our worker threads are the parallelism; DuckDB starts none),
// nothing downloaded or autoloaded, footers cached; each thread keeps one connection for its life.
#pragma once
#include <stdexcept>
#include <string>

#include "duckdb_api.h"

namespace tessera::duck {

// The DuckDB release the header and the settings were written and checked for.
constexpr const char* kPinnedVersion = "v1.5.6";
constexpr const char* kPackageHint = "install the npm package @duckdb/node-bindings (its platform package ships libduckdb) or reinstall Tessera";

// Loads the library at `path` and opens the database, once per process; later calls return the
// loaded one whatever the path. Throws Error("PARQUET_UNAVAILABLE") naming the package.
const Api& load(const std::string& path);

// A failed query: DuckDB's message, which the caller wraps with the file, row group and column.
class QueryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A query's result, read chunk by chunk (a materialized result: duckdb_query then
// duckdb_fetch_chunk, the non-deprecated path). Owns the result and the current chunk.
class QueryResult {
 public:
  // Runs `sql` on this thread's connection (opened on first use). Throws QueryError.
  explicit QueryResult(const std::string& sql);
  ~QueryResult();
  QueryResult(const QueryResult&) = delete;
  QueryResult& operator=(const QueryResult&) = delete;

  idx_t columns();
  Type type(idx_t col);
  // The next chunk's row count, 0 at the end; its vectors stay valid until the next call.
  idx_t next();
  void* data(idx_t col) const;
  const uint64_t* validity(idx_t col) const;

 private:
  const Api& api_;
  Result result_{};
  DataChunk chunk_ = nullptr;
};

// The bytes of a VARCHAR value (valid while its chunk lives).
inline std::string_view string_of(const String& s) {
  const uint32_t n = s.value.inlined.length;
  return n <= kStringInlineLength ? std::string_view(s.value.inlined.inlined, n) : std::string_view(s.value.pointer.ptr, n);
}

}  // namespace tessera::duck
