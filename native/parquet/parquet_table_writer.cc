#include "parquet_table_writer.h"

#include <unistd.h>

#include <cmath>
#include <cstring>

#include "../common/error.h"
#include "duckdb_library.h"
#include "sql.h"

namespace tessera::parquet {

namespace {

using table::ColumnType;
using duck::idx_t;

duck::Type duck_type(ColumnType t) {
  switch (t) {
    case ColumnType::Float64: return duck::kDouble;
    case ColumnType::Bool: return duck::kBoolean;
    case ColumnType::Timestamp: return duck::kTimestampNs;
    case ColumnType::String: return duck::kVarchar;
    default: return duck::kBigint;  // int64, timedelta (ns)
  }
}

const char* sql_type(ColumnType t) {
  switch (t) {
    case ColumnType::Float64: return "DOUBLE";
    case ColumnType::Bool: return "BOOLEAN";
    case ColumnType::Timestamp: return "TIMESTAMP_NS";
    case ColumnType::String: return "VARCHAR";
    default: return "BIGINT";
  }
}

// The scratch database's settings: one thread (the job's workers are the parallelism, and one
// thread keeps COPY's row order), nothing downloaded, and a memory limit past which DuckDB pages
// the table out to its database file.
constexpr const char* kSettings[][2] = {
    {"threads", "1"},
    {"autoinstall_known_extensions", "false"},
    {"autoload_known_extensions", "false"},
    {"memory_limit", "256MB"},
    {"temp_directory", ""},
    {"preserve_insertion_order", "true"},
    // DuckDB's own column compression (RLE, constant segments) takes 0.0 and -0.0 for one value
    // when it checkpoints the scratch table; stored as they are, the bits go to the file unchanged.
    {"force_compression", "uncompressed"},
};

struct ParquetPrepared : table::TableWriter::Prepared {
  const duck::Api* api = nullptr;
  std::vector<duck::DataChunk> chunks;  // vector_size() rows each, the last one possibly fewer
  idx_t chunk_rows = 0;
  ~ParquetPrepared() override {
    for (auto& c : chunks) api->duckdb_destroy_data_chunk(&c);
  }
};

}  // namespace

ParquetTableWriter::ParquetTableWriter(std::string path, std::string library, table::OutputColumns columns, uint64_t limit, uint64_t defer_rows)
    : TableWriter(std::move(columns), limit), library_(std::move(library)), file_(path), db_path_(OutputFile::temp_name(path + ".db")), defer_rows_(defer_rows) {}

ParquetTableWriter::~ParquetTableWriter() {
  close_database();
  if (api_)
    for (auto& t : types_) api_->duckdb_destroy_logical_type(&t);
}

// DuckDB is loaded on a worker thread (the first write task), never on the thread that plans.
const duck::Api& ParquetTableWriter::api() {
  std::call_once(types_once_, [&] {
    api_ = &duck::load(library_);
    for (ColumnType t : columns_.types) types_.push_back(api_->duckdb_create_logical_type(duck_type(t)));
  });
  return *api_;
}

void ParquetTableWriter::note_zeros(const table::ColumnView& col, uint64_t begin, uint64_t n) {
  if (positive_zero_ && negative_zero_) return;
  const double* v = reinterpret_cast<const double*>(col.data) + begin;
  bool pos = false, neg = false;
  for (uint64_t i = 0; i < n; ++i)
    if (v[i] == 0 && col.valid(begin + i)) (std::signbit(v[i]) ? neg : pos) = true;
  if (pos) positive_zero_ = true;
  if (neg) negative_zero_ = true;
}

std::unique_ptr<table::TableWriter::Prepared> ParquetTableWriter::prepare(const table::Columns& cols, uint64_t nrows) {
  const duck::Api& a = api();
  auto p = std::make_unique<ParquetPrepared>();
  p->api = &a;
  const idx_t step = a.duckdb_vector_size();
  p->chunk_rows = step;
  for (uint64_t begin = 0; begin < nrows; begin += step) {
    const idx_t n = std::min<uint64_t>(step, nrows - begin);
    duck::DataChunk chunk = a.duckdb_create_data_chunk(types_.data(), types_.size());
    p->chunks.push_back(chunk);
    for (size_t c = 0; c < cols.size(); ++c) {
      const table::ColumnView& col = cols[c];
      duck::Vector v = a.duckdb_data_chunk_get_vector(chunk, c);
      void* data = a.duckdb_vector_get_data(v);
      if (col.type == ColumnType::String) {
        for (idx_t i = 0; i < n; ++i) {
          if (!col.valid(begin + i)) continue;
          const std::string_view s = col.dict_entry(static_cast<uint64_t>(col.codes()[begin + i]));
          a.duckdb_vector_assign_string_element_len(v, i, s.data(), s.size());
        }
      } else {
        std::memcpy(data, col.data + begin * table::value_width(col.type), n * table::value_width(col.type));
        if (col.type == ColumnType::Float64) note_zeros(col, begin, n);
      }
      if (col.validity) {
        a.duckdb_vector_ensure_validity_writable(v);
        uint64_t* mask = a.duckdb_vector_get_validity(v);
        for (idx_t i = 0; i < n; ++i)
          if (!col.validity[begin + i]) mask[i >> 6] &= ~(uint64_t{1} << (i & 63));
      }
    }
    a.duckdb_data_chunk_set_size(chunk, n);
  }
  return p;
}

void ParquetTableWriter::run(const std::string& sql) {
  duck::Result r{};
  const duck::State st = api_->duckdb_query(conn_, sql.c_str(), &r);
  std::string why;
  if (st != duck::State::Success) {
    const char* e = api_->duckdb_result_error(&r);
    why = e ? e : "the query failed";
  }
  api_->duckdb_destroy_result(&r);
  if (st != duck::State::Success)
    throw Error("WRITE_FAILED", "DuckDB could not write " + file_.final_path() + ": " + why.substr(0, why.find('\n')),
                "check that the output folder is writable and has free space");
}

void ParquetTableWriter::open_database() {
  open_database_only();
  for (auto& [prepared, take] : deferred_) append(*prepared, take);
  deferred_.clear();
}

void ParquetTableWriter::open_database_only() {
  const duck::Api& a = *api_;
  duck::Config config = nullptr;
  if (a.duckdb_create_config(&config) != duck::State::Success) throw Error("WRITE_FAILED", "DuckDB refused a configuration", "");
  for (const auto& s : kSettings) a.duckdb_set_config(config, s[0], s[1]);
  char* err = nullptr;
  const duck::State st = a.duckdb_open_ext(db_path_.c_str(), &db_, config, &err);
  a.duckdb_destroy_config(&config);
  if (st != duck::State::Success) {
    const std::string why = err ? err : "duckdb_open_ext failed";
    if (err) a.duckdb_free(err);
    db_ = nullptr;
    throw Error("WRITE_FAILED", "DuckDB could not open a scratch database for " + file_.final_path() + ": " + why, "check that the output folder is writable");
  }
  if (a.duckdb_connect(db_, &conn_) != duck::State::Success) {
    conn_ = nullptr;
    throw Error("WRITE_FAILED", "DuckDB refused a connection", "");
  }
  std::string create = "CREATE TABLE t (";
  for (size_t c = 0; c < columns_.names.size(); ++c)
    create += (c ? ", " : "") + duck::quote_ident(columns_.names[c]) + " " + sql_type(columns_.types[c]);
  run(create + ")");
  if (a.duckdb_appender_create(conn_, nullptr, "t", &appender_) != duck::State::Success) {
    appender_ = nullptr;
    throw Error("WRITE_FAILED", "DuckDB refused an appender for " + file_.final_path(), "");
  }
}

void ParquetTableWriter::consume(const table::TableView&, const table::Columns&, std::unique_ptr<Prepared> prepared, uint64_t, uint64_t take) {
  if (!db_ && deferred_rows_ + take <= defer_rows_) {
    deferred_rows_ += take;
    deferred_.emplace_back(std::move(prepared), take);
    return;
  }
  if (!db_) open_database();
  append(*prepared, take);
}

void ParquetTableWriter::append(Prepared& prepared, uint64_t take) {
  auto& p = static_cast<ParquetPrepared&>(prepared);
  for (size_t k = 0; k < p.chunks.size(); ++k) {
    const uint64_t first = k * p.chunk_rows;
    if (first >= take) break;
    if (take - first < p.chunk_rows) api_->duckdb_data_chunk_set_size(p.chunks[k], take - first);  // a head's last rows
    if (api_->duckdb_append_data_chunk(appender_, p.chunks[k]) != duck::State::Success) {
      const char* e = api_->duckdb_appender_error(appender_);
      throw Error("WRITE_FAILED", "DuckDB could not append to " + file_.final_path() + ": " + (e ? e : "unknown error"), "");
    }
  }
}

void ParquetTableWriter::finish() {
  api();  // an output of no partitions has loaded nothing yet
  if (!db_) open_database();
  if (api_->duckdb_appender_close(appender_) != duck::State::Success) {
    const char* e = api_->duckdb_appender_error(appender_);
    throw Error("WRITE_FAILED", "DuckDB could not append to " + file_.final_path() + ": " + (e ? e : "unknown error"), "");
  }
  const bool both_zeros = positive_zero_ && negative_zero_;
  run("COPY t TO " + duck::quote_literal(file_.temp_path()) + " (FORMAT parquet, COMPRESSION zstd" + (both_zeros ? ", DICTIONARY_SIZE_LIMIT 0" : "") + ")");
  close_database();
  file_.close_temp(/*external=*/true);
}

void ParquetTableWriter::close_database() {
  if (!api_) return;
  if (appender_) api_->duckdb_appender_destroy(&appender_);
  if (conn_) api_->duckdb_disconnect(&conn_);
  if (db_) api_->duckdb_close(&db_);
  appender_ = nullptr;
  conn_ = nullptr;
  db_ = nullptr;
  ::unlink(db_path_.c_str());
  ::unlink((db_path_ + ".wal").c_str());
}

void ParquetTableWriter::discard() {
  deferred_.clear();
  close_database();
  file_.abort();
}

}  // namespace tessera::parquet
