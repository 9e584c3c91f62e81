// Storage dtypes (what chunks and files hold) and compute types (what kernels compute in).
// Integers compute in 64 bits and are cast back on store: for + - * and comparisons the low bits
// of a 64-bit result equal numpy's wrap-around result in the narrow type, so this matches numpy
// while keeping the number of kernel instantiations small.
#pragma once
#include <cstdint>
#include <cstddef>
#include <string>

namespace tessera {

enum class DType : uint8_t { F64, F32, I64, I32, I16, I8, U64, U32, U16, U8, Bool };

enum class CType : uint8_t { F64, F32, I64, U64 };  // bool computes as I64 holding 0 or 1

inline size_t dtype_size(DType d) {
  switch (d) {
    case DType::F64: case DType::I64: case DType::U64: return 8;
    case DType::F32: case DType::I32: case DType::U32: return 4;
    case DType::I16: case DType::U16: return 2;
    default: return 1;
  }
}

inline size_t ctype_size(CType c) { return c == CType::F32 ? 4 : 8; }

inline const char* dtype_name(DType d) {
  switch (d) {
    case DType::F64: return "float64"; case DType::F32: return "float32";
    case DType::I64: return "int64"; case DType::I32: return "int32";
    case DType::I16: return "int16"; case DType::I8: return "int8";
    case DType::U64: return "uint64"; case DType::U32: return "uint32";
    case DType::U16: return "uint16"; case DType::U8: return "uint8";
    default: return "bool";
  }
}

// Returns false for an unknown name.
inline bool dtype_from_name(const std::string& s, DType* out) {
  static const char* names[] = {"float64", "float32", "int64", "int32", "int16", "int8",
                                "uint64", "uint32", "uint16", "uint8", "bool"};
  for (int i = 0; i < 11; ++i)
    if (s == names[i]) { *out = static_cast<DType>(i); return true; }
  return false;
}

inline bool ctype_from_name(const std::string& s, CType* out) {
  if (s == "f64") *out = CType::F64;
  else if (s == "f32") *out = CType::F32;
  else if (s == "i64") *out = CType::I64;
  else if (s == "u64") *out = CType::U64;
  else return false;
  return true;
}

}  // namespace tessera
