// The part of DuckDB's C API that Tessera calls, written from DuckDB's documented C API (the stable
// API, v1.0 onwards; nothing from its deprecated section) for the pinned release (ADR 0015). The npm
// package that ships libduckdb has no duckdb.h, and the addon is never linked against the library:
// duckdb_library.cc dlopens it and looks these names up into DuckApi. Only what we call is here:
// opaque handles, the result struct the caller allocates, the string layout of a VARCHAR vector,
// the type codes we branch on, and one function pointer type per function.
// test/parquet-read.test.ts loads the real library through it (a wrong layout fails those tests).
#pragma once
#include <cstdint>

namespace tessera::duck {

using idx_t = uint64_t;

enum class State : int { Success = 0, Error = 1 };

// duckdb_type: the codes of the logical types a result column may have (those we branch on).
enum Type : int {
  kInvalid = 0,
  kBoolean = 1,
  kTinyint = 2,
  kSmallint = 3,
  kInteger = 4,
  kBigint = 5,
  kUtinyint = 6,
  kUsmallint = 7,
  kUinteger = 8,
  kUbigint = 9,
  kFloat = 10,
  kDouble = 11,
  kTimestamp = 12,
  kDate = 13,
  kVarchar = 17,
  kTimestampNs = 22,
};

// Handles: pointers to structs whose only member is an internal pointer.
struct DatabaseT { void* internal_ptr; };
struct ConnectionT { void* internal_ptr; };
struct ConfigT { void* internal_ptr; };
struct DataChunkT { void* internal_ptr; };
struct VectorT { void* internal_ptr; };
struct AppenderT { void* internal_ptr; };
struct LogicalTypeT { void* internal_ptr; };
using Database = DatabaseT*;
using Connection = ConnectionT*;
using Config = ConfigT*;
using DataChunk = DataChunkT*;
using Vector = VectorT*;
using Appender = AppenderT*;
using LogicalType = LogicalTypeT*;

// duckdb_result: allocated by the caller, filled by duckdb_query, freed by duckdb_destroy_result.
// The leading fields are deprecated and never read; only the layout matters.
struct Result {
  idx_t deprecated_column_count;
  idx_t deprecated_row_count;
  idx_t deprecated_rows_changed;
  void* deprecated_columns;
  char* deprecated_error_message;
  void* internal_data;
};

// duckdb_string_t: 16 bytes. Up to 12 bytes are inline; a longer string is a pointer into memory
// that lives as long as its data chunk.
struct String {
  union {
    struct {
      uint32_t length;
      char prefix[4];
      const char* ptr;
    } pointer;
    struct {
      uint32_t length;
      char inlined[12];
    } inlined;
  } value;
};
static_assert(sizeof(String) == 16, "duckdb_string_t is 16 bytes");
constexpr uint32_t kStringInlineLength = 12;

// The functions, by their C names (the X-macro keeps the names, the pointer types and the lookup in
// one list).
#define TESSERA_DUCKDB_FUNCTIONS(X)                                                                  \
  X(duckdb_library_version, const char*, ())                                                       \
  X(duckdb_create_config, State, (Config*))                                                        \
  X(duckdb_set_config, State, (Config, const char*, const char*))                                  \
  X(duckdb_destroy_config, void, (Config*))                                                        \
  X(duckdb_open_ext, State, (const char*, Database*, Config, char**))                              \
  X(duckdb_free, void, (void*))                                                                    \
  X(duckdb_connect, State, (Database, Connection*))                                                \
  X(duckdb_disconnect, void, (Connection*))                                                        \
  X(duckdb_query, State, (Connection, const char*, Result*))                                       \
  X(duckdb_result_error, const char*, (Result*))                                                   \
  X(duckdb_destroy_result, void, (Result*))                                                        \
  X(duckdb_column_count, idx_t, (Result*))                                                         \
  X(duckdb_column_name, const char*, (Result*, idx_t))                                             \
  X(duckdb_column_type, Type, (Result*, idx_t))                                                    \
  X(duckdb_fetch_chunk, DataChunk, (Result))                                                       \
  X(duckdb_destroy_data_chunk, void, (DataChunk*))                                                 \
  X(duckdb_data_chunk_get_size, idx_t, (DataChunk))                                                \
  X(duckdb_data_chunk_get_vector, Vector, (DataChunk, idx_t))                                      \
  X(duckdb_vector_get_data, void*, (Vector))                                                       \
  X(duckdb_vector_get_validity, uint64_t*, (Vector))                                               \
  /* Writing (table outputs, ADR 0017): a data chunk filled in place, appended to a table. */      \
  X(duckdb_close, void, (Database*))                                                               \
  X(duckdb_vector_size, idx_t, ())                                                                 \
  X(duckdb_create_logical_type, LogicalType, (Type))                                               \
  X(duckdb_destroy_logical_type, void, (LogicalType*))                                             \
  X(duckdb_create_data_chunk, DataChunk, (LogicalType*, idx_t))                                    \
  X(duckdb_data_chunk_set_size, void, (DataChunk, idx_t))                                          \
  X(duckdb_vector_ensure_validity_writable, void, (Vector))                                        \
  X(duckdb_vector_assign_string_element_len, void, (Vector, idx_t, const char*, idx_t))            \
  X(duckdb_appender_create, State, (Connection, const char*, const char*, Appender*))              \
  X(duckdb_appender_error, const char*, (Appender))                                                \
  X(duckdb_append_data_chunk, State, (Appender, DataChunk))                                        \
  X(duckdb_appender_close, State, (Appender))                                                      \
  X(duckdb_appender_destroy, State, (Appender*))

struct Api {
#define TESSERA_DUCKDB_FIELD(name, ret, args) ret(*name) args = nullptr;
  TESSERA_DUCKDB_FUNCTIONS(TESSERA_DUCKDB_FIELD)
#undef TESSERA_DUCKDB_FIELD
};

// Row i of a vector is valid unless its validity mask (null: all valid) has bit i clear.
inline bool row_valid(const uint64_t* validity, idx_t i) { return !validity || (validity[i >> 6] >> (i & 63) & 1); }

}  // namespace tessera::duck
