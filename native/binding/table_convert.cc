#include "table_convert.h"

#include <cstring>

#include "../common/error.h"

namespace tessera::binding {

namespace {
[[noreturn]] void type_error(const std::string& what) {
  throw Error("BAD_ARGUMENT", "native call: " + what, "this is a bug in the TypeScript layer, please report it");
}
}  // namespace

std::vector<std::string> to_strings(const Napi::Value& v, const char* what) {
  if (!v.IsArray()) type_error(std::string(what) + " must be an array of strings");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<std::string> out(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value x = a.Get(i);
    if (!x.IsString()) type_error(std::string(what) + " must be an array of strings");
    out[i] = x.As<Napi::String>().Utf8Value();
  }
  return out;
}

csv::SniffOptions to_sniff_options(const Napi::Value& v) {
  csv::SniffOptions o;
  if (v.IsUndefined() || v.IsNull()) return o;
  if (!v.IsObject()) type_error("sniffCsv options must be an object");
  Napi::Object obj = v.As<Napi::Object>();
  auto str = [&](const char* key, std::string* out) {
    Napi::Value x = obj.Get(key);
    if (x.IsUndefined()) return;
    if (!x.IsString()) type_error(std::string(key) + " must be a string");
    *out = x.As<Napi::String>().Utf8Value();
  };
  auto flag = [&](const char* key, bool* out) {
    Napi::Value x = obj.Get(key);
    if (x.IsUndefined()) return;
    if (!x.IsBoolean()) type_error(std::string(key) + " must be a boolean");
    *out = x.As<Napi::Boolean>().Value();
  };
  str("sep", &o.sep);
  str("quote", &o.quote);
  flag("header", &o.header);
  flag("keepDefaultNa", &o.keep_default_na);
  Napi::Value sample = obj.Get("sampleBytes");
  if (!sample.IsUndefined()) {
    if (!sample.IsNumber() || !(sample.As<Napi::Number>().DoubleValue() >= 1)) type_error("sampleBytes must be a positive number");
    o.sample_bytes = static_cast<size_t>(std::min(sample.As<Napi::Number>().DoubleValue(), 1e15));
  }
  if (!obj.Get("naValues").IsUndefined()) o.na_values = to_strings(obj.Get("naValues"), "naValues");
  if (!obj.Get("parseDates").IsUndefined()) o.parse_dates = to_strings(obj.Get("parseDates"), "parseDates");
  Napi::Value dtype = obj.Get("dtype");
  if (!dtype.IsUndefined()) {
    if (!dtype.IsObject()) type_error("dtype must be an object of column name -> type name");
    Napi::Object d = dtype.As<Napi::Object>();
    Napi::Array keys = d.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      Napi::Value t = d.Get(keys.Get(i));
      if (!t.IsString()) type_error("dtype values must be type names");
      o.dtype.emplace_back(keys.Get(i).ToString().Utf8Value(), t.As<Napi::String>().Utf8Value());
    }
  }
  return o;
}

Napi::Object from_sniff_result(const Napi::Env& env, const csv::SniffResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("sep", r.sep);
  o.Set("quote", r.quote);
  o.Set("header", r.header);
  o.Set("dataOffset", static_cast<double>(r.data_offset));
  Napi::Array cols = Napi::Array::New(env, r.columns.size());
  for (size_t i = 0; i < r.columns.size(); ++i) {
    Napi::Object c = Napi::Object::New(env);
    c.Set("name", r.columns[i].name);
    c.Set("dtype", table::column_type_name(r.columns[i].type));
    cols.Set(static_cast<uint32_t>(i), c);
  }
  o.Set("columns", cols);
  o.Set("sampleRows", static_cast<double>(r.sample_rows));
  o.Set("sampleBytes", static_cast<double>(r.sample_bytes));
  o.Set("fileSize", static_cast<double>(r.file_size));
  o.Set("gzip", r.gzip);
  o.Set("inflatedSizeHint", static_cast<double>(r.inflated_size_hint));
  Napi::Array na = Napi::Array::New(env, r.na_values.size());
  for (size_t i = 0; i < r.na_values.size(); ++i) na.Set(static_cast<uint32_t>(i), r.na_values[i]);
  o.Set("naValues", na);
  return o;
}

Napi::Object from_table(const Napi::Env& env, const table::TableView& t) {
  using table::ColumnType;
  const size_t n = static_cast<size_t>(t.nrows());
  Napi::Object o = Napi::Object::New(env);
  o.Set("nrows", static_cast<double>(n));
  Napi::Array cols = Napi::Array::New(env, t.ncols());
  for (size_t ci = 0; ci < t.ncols(); ++ci) {
    const table::ColumnView& c = t.column(ci);
    Napi::Object col = Napi::Object::New(env);
    col.Set("name", Napi::String::New(env, c.name.data(), c.name.size()));
    col.Set("dtype", table::column_type_name(c.type));
    switch (c.type) {
      case ColumnType::Float64: {
        Napi::Float64Array a = Napi::Float64Array::New(env, n);
        if (n) std::memcpy(a.Data(), c.data, n * 8);
        col.Set("values", a);
        break;
      }
      case ColumnType::Int64:
      case ColumnType::Timestamp:
      case ColumnType::Timedelta: {
        Napi::BigInt64Array a = Napi::BigInt64Array::New(env, n);
        if (n) std::memcpy(a.Data(), c.data, n * 8);
        col.Set("values", a);
        break;
      }
      case ColumnType::Bool: {
        Napi::Uint8Array a = Napi::Uint8Array::New(env, n);
        if (n) std::memcpy(a.Data(), c.data, n);
        col.Set("values", a);
        break;
      }
      case ColumnType::String: {
        std::vector<Napi::String> dict;
        dict.reserve(c.dict_count);
        for (uint64_t k = 0; k < c.dict_count; ++k) {
          std::string_view s = c.dict_entry(k);
          dict.push_back(Napi::String::New(env, s.data(), s.size()));
        }
        Napi::String empty = Napi::String::New(env, "");
        Napi::Array a = Napi::Array::New(env, n);
        for (size_t r = 0; r < n; ++r) a.Set(static_cast<uint32_t>(r), c.valid(r) ? dict[static_cast<size_t>(c.codes()[r])] : empty);
        col.Set("values", a);
        break;
      }
    }
    if (c.validity) {
      Napi::Uint8Array v = Napi::Uint8Array::New(env, n);
      if (n) std::memcpy(v.Data(), c.validity, n);
      col.Set("valid", v);
    } else {
      col.Set("valid", env.Null());
    }
    cols.Set(static_cast<uint32_t>(ci), col);
  }
  o.Set("columns", cols);
  return o;
}

}  // namespace tessera::binding
