#include "convert.h"

namespace tessera::binding {

namespace {
[[noreturn]] void type_error(const std::string& what) {
  throw Error("BAD_ARGUMENT", "native call: " + what, "this is a bug in the TypeScript layer, please report it");
}
Napi::Value field(const Napi::Object& o, const char* key) { return o.Get(key); }
}  // namespace

void throw_js(const Napi::Env& env, const Error& e) {
  Napi::Error err = Napi::Error::New(env, e.what());
  err.Set("code", Napi::String::New(env, e.code()));
  err.Set("hint", Napi::String::New(env, e.hint()));
  throw err;
}

std::string get_string(const Napi::Object& o, const char* key) {
  Napi::Value v = field(o, key);
  if (!v.IsString()) type_error(std::string(key) + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

double get_number(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = field(o, key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) type_error(std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

int64_t get_int(const Napi::Object& o, const char* key, int64_t fallback) {
  Napi::Value v = field(o, key);
  if (v.IsUndefined()) return fallback;
  if (v.IsBigInt()) { bool lossless; return v.As<Napi::BigInt>().Int64Value(&lossless); }
  if (!v.IsNumber()) type_error(std::string(key) + " must be an integer");
  return v.As<Napi::Number>().Int64Value();
}

bool get_bool(const Napi::Object& o, const char* key, bool fallback) {
  Napi::Value v = field(o, key);
  if (v.IsUndefined()) return fallback;
  return v.ToBoolean().Value();
}

std::vector<int64_t> get_ints(const Napi::Object& o, const char* key) {
  Napi::Value v = field(o, key);
  if (!v.IsArray()) type_error(std::string(key) + " must be an array of integers");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> out(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    Napi::Value x = a.Get(i);
    if (!x.IsNumber()) type_error(std::string(key) + " must be an array of integers");
    out[i] = x.As<Napi::Number>().Int64Value();
  }
  return out;
}

DType get_dtype(const Napi::Object& o, const char* key) {
  DType d;
  if (!dtype_from_name(get_string(o, key), &d)) type_error(std::string(key) + " is not a dtype name");
  return d;
}

CType get_ctype(const Napi::Object& o, const char* key) {
  CType c;
  if (!ctype_from_name(get_string(o, key), &c)) type_error(std::string(key) + " is not a compute type");
  return c;
}

// code: [[op, type, dst, a, b, c, imm, srcType?], ...]
Program to_program(const Napi::Object& o) {
  Program p;
  p.nregs = static_cast<int>(get_int(o, "nregs", 0));
  p.result = static_cast<int>(get_int(o, "result", 0));
  p.result_type = get_ctype(o, "resultType");
  Napi::Value code = o.Get("code");
  if (!code.IsArray()) type_error("program.code must be an array");
  Napi::Array arr = code.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value iv = arr.Get(i);
    if (!iv.IsArray()) type_error("program.code entries must be arrays");
    Napi::Array e = iv.As<Napi::Array>();
    if (e.Length() < 7) type_error("program.code entries need 7 fields");
    Instr in{};
    if (!e.Get(0u).IsString() || !op_from_name(e.Get(0u).As<Napi::String>().Utf8Value(), &in.op)) type_error("unknown op");
    if (!e.Get(1u).IsString() || !ctype_from_name(e.Get(1u).As<Napi::String>().Utf8Value(), &in.type)) type_error("bad op type");
    in.dst = e.Get(2u).As<Napi::Number>().Int32Value();
    in.a = e.Get(3u).As<Napi::Number>().Int32Value();
    in.b = e.Get(4u).As<Napi::Number>().Int32Value();
    in.c = e.Get(5u).As<Napi::Number>().Int32Value();
    in.imm = e.Get(6u).As<Napi::Number>().DoubleValue();
    in.imm_i = e.Get(6u).As<Napi::Number>().Int64Value();
    in.src_type = in.type;
    if (e.Length() > 7 && e.Get(7u).IsString() && !ctype_from_name(e.Get(7u).As<Napi::String>().Utf8Value(), &in.src_type))
      type_error("bad cast source type");
    p.code.push_back(in);
  }
  return p;
}

Access to_access(const Napi::Object& o) {
  Access a;
  std::string kind = get_string(o, "kind");
  if (kind == "chunk") a.kind = Access::Kind::Chunk;
  else if (kind == "file") a.kind = Access::Kind::File;
  else if (kind == "uniform") a.kind = Access::Kind::Uniform;
  else if (kind == "normal") a.kind = Access::Kind::Normal;
  else if (kind == "arange") a.kind = Access::Kind::Arange;
  else type_error("unknown access kind " + kind);
  if (a.kind == Access::Kind::Chunk || a.kind == Access::Kind::File) a.dtype = get_dtype(o, "dtype");
  a.byteswap = get_bool(o, "byteswap", false);
  a.chunk = static_cast<uint64_t>(get_int(o, "chunk", 0));
  a.file = static_cast<int>(get_int(o, "file", 0));
  a.data_offset = get_int(o, "dataOffset", 0);
  a.data_elements = get_int(o, "dataElements", 0);
  a.base = get_int(o, "base", 0);
  a.strides = get_ints(o, "strides");
  a.seed = static_cast<uint64_t>(get_int(o, "seed", 0));
  a.start = get_number(o, "start", 0);
  a.step = get_number(o, "step", 1);
  return a;
}

std::vector<Access> get_accesses(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) type_error(std::string(key) + " must be an array of accesses");
  Napi::Array arr = v.As<Napi::Array>();
  std::vector<Access> out;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value x = arr.Get(i);
    if (!x.IsObject()) type_error(std::string(key) + " entries must be objects");
    out.push_back(to_access(x.As<Napi::Object>()));
  }
  return out;
}

ReduceSpec to_reduce_spec(const Napi::Object& o) {
  static const char* kinds[] = {"sum", "prod", "mean", "var", "min", "max", "argmin", "argmax", "any", "all", "count_nonzero"};
  ReduceSpec s;
  std::string k = get_string(o, "reduce");
  bool found = false;
  for (int i = 0; i < 11; ++i)
    if (k == kinds[i]) { s.kind = static_cast<ReduceKind>(i); found = true; }
  if (!found) type_error("unknown reduction " + k);
  s.acc = get_ctype(o, "acc");
  s.ddof = static_cast<int>(get_int(o, "ddof", 0));
  s.sqrt = get_bool(o, "sqrt", false);
  s.out_dtype = get_dtype(o, "outDtype");
  return s;
}

Napi::Object from_result(const Napi::Env& env, const TaskResult& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("chunk", Napi::Number::New(env, static_cast<double>(r.chunk)));
  o.Set("bytesIn", Napi::Number::New(env, static_cast<double>(r.bytes_in)));
  o.Set("bytesOut", Napi::Number::New(env, static_cast<double>(r.bytes_out)));
  return o;
}

Napi::Array from_ints(const Napi::Env& env, const std::vector<int64_t>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) a.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(v[i])));
  return a;
}

}  // namespace tessera::binding
