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

namespace {
// A typed array's bytes, checked to be of `type` and `bytes` long.
const uint8_t* typed_bytes(const Napi::Value& v, napi_typedarray_type type, size_t bytes, const std::string& what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) type_error(what + " has the wrong typed array type");
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  if (a.ByteLength() != bytes) type_error(what + " has " + std::to_string(a.ByteLength()) + " bytes, not " + std::to_string(bytes));
  return static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
}

napi_typedarray_type data_array_type(table::ColumnType t) {
  using table::ColumnType;
  switch (t) {
    case ColumnType::Float64: return napi_float64_array;
    case ColumnType::Bool: return napi_uint8_array;
    case ColumnType::String: return napi_int32_array;
    default: return napi_bigint64_array;
  }
}
}  // namespace

TableColumns to_table_columns(const Napi::Value& v) {
  if (!v.IsObject()) type_error("putTable takes { nrows, columns }");
  Napi::Object o = v.As<Napi::Object>();
  const Napi::Value rows = o.Get("nrows");
  if (!rows.IsNumber() || !(rows.As<Napi::Number>().DoubleValue() >= 0) || rows.As<Napi::Number>().DoubleValue() > 9e15) type_error("nrows must be a count");
  TableColumns out;
  out.nrows = static_cast<uint64_t>(rows.As<Napi::Number>().DoubleValue());
  const Napi::Value cols = o.Get("columns");
  if (!cols.IsArray()) type_error("columns must be an array");
  Napi::Array a = cols.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) {
    if (!a.Get(i).IsObject()) type_error("a column must be an object");
    Napi::Object c = a.Get(i).As<Napi::Object>();
    table::ColumnBuffers b;
    if (!c.Get("name").IsString() || !c.Get("dtype").IsString()) type_error("a column has a name and a dtype");
    b.name = c.Get("name").As<Napi::String>().Utf8Value();
    const std::string what = "column '" + b.name + "'";
    if (!table::column_type_from_name(c.Get("dtype").As<Napi::String>().Utf8Value(), &b.type)) type_error(what + " has an unknown dtype");
    const size_t n = static_cast<size_t>(out.nrows);
    b.data = typed_bytes(c.Get("data"), data_array_type(b.type), n * table::value_width(b.type), what + "'s data");
    const Napi::Value valid = c.Get("valid");
    if (!valid.IsNull() && !valid.IsUndefined()) b.validity = typed_bytes(valid, napi_uint8_array, n, what + "'s validity");
    if (b.type == table::ColumnType::String) {
      const Napi::Value offsets = c.Get("dictOffsets");
      if (!offsets.IsTypedArray()) type_error(what + " needs dictOffsets");
      const size_t count = offsets.As<Napi::TypedArray>().ElementLength();
      if (count == 0) type_error(what + "'s dictOffsets must hold at least the first offset, 0");
      b.dict_count = count - 1;
      b.dict_offsets = reinterpret_cast<const uint64_t*>(typed_bytes(offsets, napi_biguint64_array, count * 8, what + "'s dictOffsets"));
      const Napi::Value bytes = c.Get("dictBytes");
      if (!bytes.IsTypedArray()) type_error(what + " needs dictBytes");
      b.dict_bytes = typed_bytes(bytes, napi_uint8_array, static_cast<size_t>(b.dict_offsets[b.dict_count]), what + "'s dictBytes");
    }
    out.columns.push_back(std::move(b));
  }
  return out;
}

}  // namespace tessera::binding
