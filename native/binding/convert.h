// JS value <-> core struct conversions for the binding layer. Shapes of objects are validated by
// the TypeScript layer (src-main/native); these only read fields and reject wrong JS types.
#pragma once
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "../common/error.h"
#include "../kernels/program.h"

namespace tessera::binding {

[[noreturn]] void throw_js(const Napi::Env& env, const Error& e);
std::string get_string(const Napi::Object& o, const char* key);
int64_t get_int(const Napi::Object& o, const char* key, int64_t fallback);
std::vector<int64_t> get_ints(const Napi::Object& o, const char* key);
DType get_dtype(const Napi::Object& o, const char* key);
CType get_ctype(const Napi::Object& o, const char* key);
Program to_program(const Napi::Object& o);
Napi::Array from_ints(const Napi::Env& env, const std::vector<int64_t>& v);

}  // namespace tessera::binding
