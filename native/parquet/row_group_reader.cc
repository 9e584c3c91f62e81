#include "row_group_reader.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>
#include <algorithm>

#include "../common/error.h"
#include "../csv/string_dict.h"
#include "../table/table_builder.h"
#include "duckdb_library.h"
#include "parquet_plan.h"
#include "sql.h"

namespace tessera::parquet {

namespace {

using table::ColumnType;

const csv::NaSet& no_na_values() {
  static const csv::NaSet none{{}};
  return none;
}

// The store's type, cast by DuckDB in the SELECT: decimals and float32 become float64, smaller ints
// int64, and every timestamp kind (and dates) int64 ns since 1970 UTC through epoch_ns (a value
// outside the ns range is a conversion error, the same limit as pandas' datetime64[ns]).
std::string select_expr(const ReadColumn& c) {
  const std::string id = duck::quote_ident(c.name);
  switch (c.type) {
    case ColumnType::Int64: return "CAST(" + id + " AS BIGINT)";
    case ColumnType::Float64: return "CAST(" + id + " AS DOUBLE)";
    case ColumnType::Bool: return "CAST(" + id + " AS BOOLEAN)";
    case ColumnType::Timestamp: return "epoch_ns(" + id + ")";
    case ColumnType::String: break;
    case ColumnType::Timedelta: break;  // never planned for a file (the decoder refuses it)
  }
  return "CAST(" + id + " AS VARCHAR)";
}

duck::Type result_type(ColumnType t) {
  switch (t) {
    case ColumnType::Float64: return duck::kDouble;
    case ColumnType::Bool: return duck::kBoolean;
    case ColumnType::String: return duck::kVarchar;
    default: return duck::kBigint;
  }
}

// A term's literal as SQL of the column's store type, parsed first: nothing unparsed reaches the query.
std::string literal_sql(ColumnType t, const std::string& text) {
  const table::Literal v = table::parse_literal(t, text);
  switch (t) {
    case ColumnType::Float64: {
      char buf[32];
      const auto printed = std::to_chars(buf, buf + sizeof buf, v.f);  // shortest text that reads back as v.f
      return "CAST('" + std::string(buf, printed.ptr) + "' AS DOUBLE)";
    }
    case ColumnType::Bool: return v.i ? "true" : "false";
    case ColumnType::String: return duck::quote_literal(v.s);
    default: return std::to_string(v.i);
  }
}

// A term as SQL (read_parquet's decoder checked it names a column read from the file).
std::string term_sql(const RowGroupRead& r, const table::ReadTerm& t) {
  const ReadColumn& c = r.columns[t.column];
  const std::string lhs = t.plain ? duck::quote_ident(c.name) : select_expr(c);
  using table::Compare;
  switch (t.op) {
    case Compare::NotNull: return lhs + " IS NOT NULL";
    case Compare::Eq: return lhs + " = " + literal_sql(c.type, t.literal);
    case Compare::Lt: return lhs + " < " + literal_sql(c.type, t.literal);
    case Compare::Le: return lhs + " <= " + literal_sql(c.type, t.literal);
    case Compare::Gt: return lhs + " > " + literal_sql(c.type, t.literal);
    case Compare::Ge: return lhs + " >= " + literal_sql(c.type, t.literal);
  }
  throw Error("BAD_TASK", "read_parquet: a term has an unknown comparison", "this is a bug in the planner, please report it");
}

std::string query_of(const RowGroupRead& r, const std::vector<const ReadColumn*>& cols) {
  std::string sql = "SELECT ";
  for (size_t k = 0; k < cols.size(); ++k) sql += (k ? ", " : "") + select_expr(*cols[k]);
  sql += " FROM " + duck::scan_of(r.path, true) + " WHERE file_row_number >= " + std::to_string(r.first_row) +
         " AND file_row_number < " + std::to_string(r.end_row);
  for (const table::ReadTerm& t : r.where) sql += " AND " + term_sql(r, t);
  return sql;
}

std::string where(const RowGroupRead& r) { return r.path + ", row group " + std::to_string(r.row_group); }

[[noreturn]] void invalid(const std::string& what) {
  throw Error("PARQUET_INVALID", what,
              "the file is damaged or is not what its footer says; Parquet pages rarely carry checksums, so read it with another tool to see what is wrong");
}

// One column as it fills, sized from the footer's row count (growing vectors instead cost 6x on
// the flights file: fresh pages are expensive on this kind of VM, ADR 0015).
// Codes of short strings by their 16 bytes as DuckDB hands them over (length, then up to 12 bytes
// inline; the bytes past the length masked off): a column of a few hundred distinct short values
// (airport codes, categories) then costs two compares a row instead of a hash and a probe of the
// dictionary's bytes. Direct-mapped: a collision only sends a row to the dictionary.
class InlineCodes {
 public:
  // The code of an inline string (n <= 12), or -1 when it is not cached.
  int32_t find(const duck::String& s, uint64_t& a, uint64_t& b, size_t& slot) const {
    key(s, a, b);
    slot = static_cast<size_t>(((a ^ (b * 0x9E3779B97F4A7C15ull)) * 0xbf58476d1ce4e5b9ull) >> (64 - kBits));
    const Entry& e = entries_[slot];
    return e.code >= 0 && e.a == a && e.b == b ? e.code : -1;
  }
  void put(size_t slot, uint64_t a, uint64_t b, int32_t code) { entries_[slot] = Entry{a, b, code}; }

 private:
  static constexpr int kBits = 12;
  struct Entry {
    uint64_t a = 0, b = 0;
    int32_t code = -1;
  };
  static void key(const duck::String& s, uint64_t& a, uint64_t& b) {
    const uint32_t n = s.value.inlined.length;
    uint8_t bytes[16];
    std::memcpy(bytes, &s, 16);
    std::memcpy(&a, bytes, 8);  // the length and the first 4 bytes
    std::memcpy(&b, bytes + 8, 8);
    // Bytes past the string's end are not part of it: zero them, whatever DuckDB left there.
    const uint32_t in_a = n < 4 ? n : 4;
    if (in_a < 4) a &= (uint64_t{1} << (32 + 8 * in_a)) - 1;
    const uint32_t in_b = n > 4 ? n - 4 : 0;
    if (in_b < 8) b &= in_b ? (uint64_t{1} << (8 * in_b)) - 1 : 0;
  }
  std::vector<Entry> entries_ = std::vector<Entry>(size_t{1} << kBits);
};

struct Fill {
  const ReadColumn* col;
  std::unique_ptr<uint8_t[]> data;
  std::unique_ptr<uint8_t[]> valid;  // allocated at the first null
  csv::StringDict dict{no_na_values()};
  std::unique_ptr<InlineCodes> inline_codes;  // string columns only
};

bool all_valid(const uint64_t* v, duck::idx_t n) {
  if (!v) return true;
  for (duck::idx_t w = 0; w < n / 64; ++w)
    if (v[w] != ~uint64_t{0}) return false;
  const duck::idx_t tail = n % 64;
  return !tail || (v[n / 64] | (~uint64_t{0} << tail)) == ~uint64_t{0};
}

// The values of rows [row, row + n) of one column from one result chunk.
void copy_chunk(Fill& f, const RowGroupRead& r, uint64_t nrows, uint64_t row, duck::idx_t n, const void* src, const uint64_t* v) {
  const ColumnType t = f.col->type;
  const bool dense = all_valid(v, n);
  if (t == ColumnType::String) {
    auto* codes = reinterpret_cast<int32_t*>(f.data.get()) + row;
    const auto* s = static_cast<const duck::String*>(src);
    for (duck::idx_t i = 0; i < n; ++i) {
      if (!dense && !duck::row_valid(v, i)) {
        codes[i] = 0;
        continue;
      }
      const bool short_one = s[i].value.inlined.length <= duck::kStringInlineLength;
      uint64_t a = 0, b = 0;
      size_t slot = 0;
      if (short_one) {
        if (!f.inline_codes) f.inline_codes = std::make_unique<InlineCodes>();
        const int32_t cached = f.inline_codes->find(s[i], a, b, slot);
        if (cached >= 0) {
          codes[i] = cached;
          continue;
        }
      }
      const std::string_view sv = duck::string_of(s[i]);
      const int32_t c = f.dict.code(reinterpret_cast<const uint8_t*>(sv.data()), sv.size());
      if (c < 0) invalid(where(r) + ", column '" + f.col->name + "': a string is not valid UTF-8");
      if (short_one) f.inline_codes->put(slot, a, b, c);
      codes[i] = c;
    }
  } else {
    const size_t w = table::value_width(t);
    std::memcpy(f.data.get() + row * w, src, n * w);
  }
  if (dense) {
    if (f.valid) std::memset(f.valid.get() + row, 1, n);
    return;
  }
  if (!f.valid) {
    f.valid.reset(new uint8_t[nrows]);
    std::memset(f.valid.get(), 1, row);
  }
  for (duck::idx_t i = 0; i < n; ++i) {
    const bool ok = duck::row_valid(v, i);
    f.valid[row + i] = ok;
    if (ok || t == ColumnType::String) continue;
    // What a null row holds in the store: NaN for float64, 0 for the others.
    if (t == ColumnType::Float64) reinterpret_cast<double*>(f.data.get())[row + i] = std::numeric_limits<double>::quiet_NaN();
    else if (t == ColumnType::Bool) f.data[row + i] = 0;
    else reinterpret_cast<int64_t*>(f.data.get())[row + i] = 0;
  }
}

// Runs the query for `cols` and fills them; throws QueryError as DuckDB reports it. Returns the rows
// read: all `nrows` of the range, or those passing the read's terms.
uint64_t read_columns(const RowGroupRead& r, std::vector<Fill>& fills, uint64_t nrows) {
  std::vector<const ReadColumn*> cols;
  for (const Fill& f : fills) cols.push_back(f.col);
  duck::QueryResult q(query_of(r, cols));
  for (size_t k = 0; k < cols.size(); ++k)
    if (q.type(k) != result_type(cols[k]->type))
      throw Error("INTERNAL", where(r) + ": DuckDB returned column '" + cols[k]->name + "' as type " + std::to_string(q.type(k)),
                  "this is a bug, please report it");
  uint64_t row = 0;
  for (duck::idx_t n; (n = q.next()) > 0; row += n) {
    if (row + n > nrows) invalid(where(r) + ": it holds more rows than its footer says (" + std::to_string(nrows) + ")");
    for (size_t k = 0; k < fills.size(); ++k) copy_chunk(fills[k], r, nrows, row, n, q.data(k), q.validity(k));
  }
  if (r.where.empty() && row != nrows) invalid(where(r) + ": it holds " + std::to_string(row) + " rows, and its footer says " + std::to_string(nrows));
  return row;
}

// The first column that fails to read alone over `r`'s range, with DuckDB's message; none when each reads.
std::optional<std::pair<const ReadColumn*, std::string>> failing_column(const RowGroupRead& r, const std::vector<const ReadColumn*>& cols) {
  const uint64_t nrows = static_cast<uint64_t>(r.end_row - r.first_row);
  for (const ReadColumn* c : cols) {
    std::vector<Fill> one(1);
    one[0].col = c;
    one[0].data.reset(new uint8_t[nrows * table::value_width(c->type)]);
    try {
      read_columns(r, one, nrows);
    } catch (const duck::QueryError& e) {
      return std::make_pair(c, std::string(e.what()));
    }
  }
  return std::nullopt;
}

// DuckDB's message does not always name the column (a damaged page header gave only "don't know
// what type"), and a read of several row groups (a merged partition) should name the one that is
// damaged: on failure each row group of the range is read alone (its bounds from the footer), each
// column alone, and the first that fails is named. Error path only.
[[noreturn]] void blame(const RowGroupRead& r, const std::vector<const ReadColumn*>& cols, const std::string& why) {
  const std::vector<PlanFile> plan = plan_parquet(std::string(), {r.path});  // the library is loaded already
  int64_t index = 0;
  for (const PlanRowGroup& g : plan[0].row_groups) {
    const int64_t end = g.first_row + g.rows;
    if (end > r.first_row && g.first_row < r.end_row) {
      RowGroupRead one = r;
      one.row_group = index;
      one.first_row = std::max(g.first_row, r.first_row);
      one.end_row = std::min(end, r.end_row);
      if (const auto failed = failing_column(one, cols)) invalid(where(one) + ", column '" + failed->first->name + "': " + failed->second);
    }
    ++index;
  }
  invalid(r.path + ", rows " + std::to_string(r.first_row) + " to " + std::to_string(r.end_row) +
          (cols.size() == 1 ? ", column '" + cols[0]->name + "'" : "") + ": " + why);
}

}  // namespace

std::shared_ptr<Chunk> read_row_group(const RowGroupRead& r, int owner) {
  if (r.end_row < r.first_row) throw Error("BAD_TASK", "a read_parquet range ends before it starts", "");
  const uint64_t nrows = static_cast<uint64_t>(r.end_row - r.first_row);
  std::vector<Fill> fills;
  std::vector<const ReadColumn*> read;
  for (const ReadColumn& c : r.columns)
    if (!c.constant) read.push_back(&c);
  fills.resize(read.size());
  for (size_t k = 0; k < read.size(); ++k) {
    fills[k].col = read[k];
    fills[k].data.reset(new uint8_t[nrows * table::value_width(read[k]->type)]);
  }
  uint64_t rows = nrows;
  if (!read.empty()) {
    try {
      rows = read_columns(r, fills, nrows);
    } catch (const duck::QueryError& e) {
      blame(r, read, e.what());
    }
  }

  // Hive keys: one value (or null) for every row.
  std::vector<Fill> constants(r.columns.size() - read.size());
  size_t next = 0;
  for (const ReadColumn& c : r.columns) {
    if (!c.constant) continue;
    Fill& f = constants[next++];
    f.col = &c;
    f.data.reset(new uint8_t[rows * table::value_width(c.type)]);
    if (!c.value) {
      f.valid.reset(new uint8_t[rows]);
      std::memset(f.valid.get(), 0, rows);
      std::memset(f.data.get(), 0, rows * table::value_width(c.type));
    } else if (c.type == ColumnType::String) {
      f.dict.code(reinterpret_cast<const uint8_t*>(c.value->data()), c.value->size());
      std::memset(f.data.get(), 0, rows * 4);
    } else {
      int64_t x = 0;
      const char* end = c.value->data() + c.value->size();
      if (c.type != ColumnType::Int64 || std::from_chars(c.value->data(), end, x).ptr != end)
        throw Error("BAD_TASK", "read_parquet: constant column '" + c.name + "' is not an int64 or a string", "");
      auto* d = reinterpret_cast<int64_t*>(f.data.get());
      for (uint64_t i = 0; i < rows; ++i) d[i] = x;
    }
  }

  table::TableBuilder b(rows);
  size_t k_read = 0, k_const = 0;
  for (const ReadColumn& c : r.columns) {
    Fill& f = c.constant ? constants[k_const++] : fills[k_read++];
    table::ColumnBuffers cb;
    cb.name = c.name;
    cb.type = c.type;
    cb.data = f.data.get();
    cb.validity = f.valid.get();
    if (c.type == ColumnType::String) {
      cb.dict_count = f.dict.count();
      cb.dict_offsets = f.dict.offsets().data();
      cb.dict_bytes = f.dict.bytes().data();
    }
    b.add(std::move(cb));
  }
  return b.build(owner);
}

}  // namespace tessera::parquet
