// The .npy format (numpy's NEP 1): magic, version 1.0 / 2.0 / 3.0, a header length (u16 or u32),
// then a Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }.
// The parser takes bytes, not a path, so it can be fuzzed, and rejects anything it does not
// fully understand with a typed error rather than guessing.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../common/dtype.h"

namespace tessera {

struct NpyHeader {
  int major = 1;
  int minor = 0;
  DType dtype = DType::F64;
  bool big_endian = false;  // data needs a byte swap on this (little-endian) machine
  bool fortran_order = false;
  // complex128 ('c16') or complex64 ('c8'): each value is a (real, imaginary) pair of `dtype`
  // (F64 or F32), numpy's layout, so the data read as floats have a trailing axis of 2.
  bool complex = false;
  std::vector<int64_t> shape;
  size_t data_offset = 0;  // where the array data starts
  int64_t data_bytes = 0;  // product(shape) * itemsize (twice that for complex)
};

// Parses the header from the first bytes of a file. `file_size` (when known, else 0) is checked
// against the data size so a truncated file is reported with the bytes expected and found.
// Throws Error with code NPY_BAD_MAGIC, NPY_BAD_VERSION, NPY_BAD_HEADER, NPY_TRUNCATED,
// UNSUPPORTED_DTYPE. `need_more` is set (and nothing thrown) when `len` is too short to hold the
// whole header; it then holds how many bytes are needed.
NpyHeader parse_npy_header(const uint8_t* bytes, size_t len, uint64_t file_size, size_t* need_more);

// The header bytes for a little-endian C-order array, padded so the data starts 64-byte aligned.
// `complex`: the array is complex, its values (re, im) pairs of `dtype` (float64: complex128,
// float32: complex64) along the last axis of `shape` (of length 2), which the header drops.
std::string format_npy_header(DType dtype, const std::vector<int64_t>& shape, bool complex = false);

}  // namespace tessera
