// Overflow-checked size arithmetic: shapes and strides come from outside (files, JS, the task
// encoding), so a product or a span that would overflow is an error, not undefined behaviour.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "error.h"

namespace tessera {

inline int64_t checked_mul(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    throw Error("SIZE_OVERFLOW", std::string(what) + " is too large to represent", "check the shape and chunking");
  return r;
}

inline int64_t checked_add(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    throw Error("SIZE_OVERFLOW", std::string(what) + " is too large to represent", "check the shape and chunking");
  return r;
}

// The number of elements of a shape; throws on a negative dimension or on overflow.
inline int64_t element_count(const std::vector<int64_t>& shape, const char* what = "an array") {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw Error("BAD_SHAPE", std::string(what) + " has a negative dimension", "");
    n = checked_mul(n, d, what);
  }
  return n;
}

}  // namespace tessera
