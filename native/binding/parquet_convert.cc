#include "parquet_convert.h"

namespace tessera::binding {

Napi::Array from_parquet_plan(const Napi::Env& env, const std::vector<parquet::PlanFile>& files) {
  Napi::Array out = Napi::Array::New(env, files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const parquet::PlanFile& f = files[i];
    Napi::Array cols = Napi::Array::New(env, f.columns.size());
    for (size_t c = 0; c < f.columns.size(); ++c) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("name", f.columns[c].name);
      o.Set("duckType", f.columns[c].duck_type);
      cols.Set(static_cast<uint32_t>(c), o);
    }
    Napi::Array groups = Napi::Array::New(env, f.row_groups.size());
    for (size_t g = 0; g < f.row_groups.size(); ++g) {
      const parquet::PlanRowGroup& rg = f.row_groups[g];
      Napi::Object o = Napi::Object::New(env);
      o.Set("rows", static_cast<double>(rg.rows));
      o.Set("firstRow", static_cast<double>(rg.first_row));
      o.Set("compressedBytes", static_cast<double>(rg.compressed_bytes));
      Napi::Array nulls = Napi::Array::New(env, rg.null_counts.size());
      for (size_t c = 0; c < rg.null_counts.size(); ++c)
        nulls.Set(static_cast<uint32_t>(c), rg.null_counts[c] < 0 ? env.Null() : Napi::Number::New(env, static_cast<double>(rg.null_counts[c])));
      o.Set("nullCounts", nulls);
      Napi::Array stats = Napi::Array::New(env, rg.has_stats.size());
      for (size_t c = 0; c < rg.has_stats.size(); ++c) {
        if (!rg.has_stats[c]) { stats.Set(static_cast<uint32_t>(c), env.Null()); continue; }
        Napi::Array mm = Napi::Array::New(env, 2);
        mm.Set(0u, Napi::String::New(env, rg.min_values[c]));
        mm.Set(1u, Napi::String::New(env, rg.max_values[c]));
        stats.Set(static_cast<uint32_t>(c), mm);
      }
      o.Set("stats", stats);
      groups.Set(static_cast<uint32_t>(g), o);
    }
    Napi::Object file = Napi::Object::New(env);
    file.Set("columns", cols);
    file.Set("rowGroups", groups);
    out.Set(static_cast<uint32_t>(i), file);
  }
  return out;
}

}  // namespace tessera::binding
