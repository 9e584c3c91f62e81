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

int64_t get_int(const Napi::Object& o, const char* key, int64_t fallback) {
  Napi::Value v = field(o, key);
  if (v.IsUndefined()) return fallback;
  if (v.IsBigInt()) { bool lossless; return v.As<Napi::BigInt>().Int64Value(&lossless); }
  if (!v.IsNumber()) type_error(std::string(key) + " must be an integer");
  return v.As<Napi::Number>().Int64Value();
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
    Napi::Value imm = e.Get(6u);
    if (imm.IsBigInt()) {  // an exact 64-bit constant: its bits (uint64 ones wrap into imm_i)
      bool lossless = false;
      in.imm_i = in.type == CType::U64 ? static_cast<int64_t>(imm.As<Napi::BigInt>().Uint64Value(&lossless))
                                       : imm.As<Napi::BigInt>().Int64Value(&lossless);
      in.imm = in.type == CType::U64 ? static_cast<double>(static_cast<uint64_t>(in.imm_i)) : static_cast<double>(in.imm_i);
    } else {
      in.imm = imm.As<Napi::Number>().DoubleValue();
      in.imm_i = imm.As<Napi::Number>().Int64Value();
    }
    in.src_type = in.type;
    if (e.Length() > 7 && e.Get(7u).IsString() && !ctype_from_name(e.Get(7u).As<Napi::String>().Utf8Value(), &in.src_type))
      type_error("bad cast source type");
    p.code.push_back(in);
  }
  return p;
}

Napi::Array from_ints(const Napi::Env& env, const std::vector<int64_t>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) a.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(v[i])));
  return a;
}

}  // namespace tessera::binding
