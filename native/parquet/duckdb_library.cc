#include "duckdb_library.h"

#include <memory>

#include <dlfcn.h>

#include <mutex>

#include "../common/error.h"

namespace tessera::duck {

namespace {

struct Loaded {
  Api api;
  Database db = nullptr;
};

std::mutex load_mu;
Loaded* loaded = nullptr;  // set once, never freed: DuckDB lives as long as the process

[[noreturn]] void unavailable(const std::string& path, const std::string& why) {
  throw Error("PARQUET_UNAVAILABLE", "Parquet needs DuckDB's library, which could not be loaded from " + path + ": " + why, kPackageHint);
}

// The settings of ADR 0015, at open time so no query ever runs with others.
constexpr const char* kSettings[][2] = {
    {"threads", "1"},
    {"autoinstall_known_extensions", "false"},
    {"autoload_known_extensions", "false"},
    {"enable_external_file_cache", "false"},
    {"memory_limit", "64MB"},
    // Nothing is spilled: an in-memory database would otherwise write into ./.tmp under the cwd.
    {"temp_directory", ""},
};

Loaded* open_library(const std::string& path) {
  // RTLD_LOCAL: DuckDB's symbols (and its bundled third-party code) never bind to anything else in
  // the process. The handle is never closed.
  // dlopen("") is the program itself, never libduckdb.
  if (path.empty()) unavailable(path, "no library path was given");
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) unavailable(path, dlerror());
  // Owned until it is complete: a library that fails a check below leaves nothing behind.
  auto owned = std::make_unique<Loaded>();
  Loaded* l = owned.get();
#define TESSERA_DUCKDB_LOOKUP(name, ret, args)                                      \
  l->api.name = reinterpret_cast<ret(*) args>(dlsym(h, #name));                             \
  if (!l->api.name) unavailable(path, "it has no function " #name " (not libduckdb?)");
  TESSERA_DUCKDB_FUNCTIONS(TESSERA_DUCKDB_LOOKUP)
#undef TESSERA_DUCKDB_LOOKUP
  const std::string version = l->api.duckdb_library_version();
  if (version != kPinnedVersion)
    unavailable(path, "it is DuckDB " + version + ", and this build of Tessera was checked with " + kPinnedVersion + " only");
  Config config = nullptr;
  if (l->api.duckdb_create_config(&config) != State::Success) unavailable(path, "duckdb_create_config failed");
  for (const auto& s : kSettings)
    if (l->api.duckdb_set_config(config, s[0], s[1]) != State::Success) {
      l->api.duckdb_destroy_config(&config);
      unavailable(path, std::string("it refuses the setting ") + s[0] + "=" + s[1]);
    }
  char* err = nullptr;
  const State st = l->api.duckdb_open_ext(nullptr, &l->db, config, &err);
  l->api.duckdb_destroy_config(&config);
  if (st != State::Success) {
    const std::string why = err ? err : "duckdb_open_ext failed";
    if (err) l->api.duckdb_free(err);
    unavailable(path, why);
  }
  // The Parquet extension's own setting is not known at open time. With it a footer is parsed once
  // per file, not once per row group's task.
  Connection c = nullptr;
  Result r{};
  if (l->api.duckdb_connect(l->db, &c) != State::Success) unavailable(path, "DuckDB refused a connection");
  const State set = l->api.duckdb_query(c, "SET GLOBAL parquet_metadata_cache = true", &r);
  l->api.duckdb_destroy_result(&r);
  l->api.duckdb_disconnect(&c);
  if (set != State::Success) unavailable(path, "it refuses the setting parquet_metadata_cache");
  return owned.release();
}

// This thread's connection, disconnected when the thread ends (a worker thread's end; the
// database itself stays open).
struct ThreadConnection {
  Connection c = nullptr;
  ~ThreadConnection() {
    if (c) loaded->api.duckdb_disconnect(&c);
  }
};

Connection connection() {
  thread_local ThreadConnection tc;
  if (!tc.c) {
    if (!loaded) throw Error("INTERNAL", "a Parquet query ran before DuckDB was loaded", "this is a bug, please report it");
    if (loaded->api.duckdb_connect(loaded->db, &tc.c) != State::Success) {
      tc.c = nullptr;
      throw Error("PARQUET_UNAVAILABLE", "DuckDB refused a connection", kPackageHint);
    }
  }
  return tc.c;
}

}  // namespace

const Api& load(const std::string& path) {
  std::lock_guard<std::mutex> lock(load_mu);
  if (!loaded) loaded = open_library(path);
  return loaded->api;
}

QueryResult::QueryResult(const std::string& sql) : api_(loaded ? loaded->api : throw Error("INTERNAL", "DuckDB is not loaded", "")) {
  if (api_.duckdb_query(connection(), sql.c_str(), &result_) != State::Success) {
    const char* e = api_.duckdb_result_error(&result_);
    std::string why = e ? e : "the query failed";
    // Only DuckDB's first line: what follows quotes our generated SQL, which says nothing to a user.
    why = why.substr(0, why.find('\n'));
    api_.duckdb_destroy_result(&result_);
    throw QueryError(why);
  }
}

QueryResult::~QueryResult() {
  if (chunk_) api_.duckdb_destroy_data_chunk(&chunk_);
  api_.duckdb_destroy_result(&result_);
}

idx_t QueryResult::columns() { return api_.duckdb_column_count(&result_); }
Type QueryResult::type(idx_t col) { return api_.duckdb_column_type(&result_, col); }

idx_t QueryResult::next() {
  if (chunk_) api_.duckdb_destroy_data_chunk(&chunk_);
  chunk_ = api_.duckdb_fetch_chunk(result_);
  return chunk_ ? api_.duckdb_data_chunk_get_size(chunk_) : 0;
}

void* QueryResult::data(idx_t col) const { return api_.duckdb_vector_get_data(api_.duckdb_data_chunk_get_vector(chunk_, col)); }

const uint64_t* QueryResult::validity(idx_t col) const {
  return api_.duckdb_vector_get_validity(api_.duckdb_data_chunk_get_vector(chunk_, col));
}

}  // namespace tessera::duck
