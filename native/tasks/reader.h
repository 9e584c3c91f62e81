// Reads one encoded task (see each kind's TS module for its layout; the header is src-main/engine/task-kinds.ts) field by field. Every read
// is checked: a missing field, a value out of range or a reference to a dependency or file the
// task was not given fails with Error("BAD_TASK"), never with a read out of bounds. Each task
// kind's decoder (tasks/kinds/) reads its own fields with it; the registry reads the header.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "task.h"

namespace tessera {

class Reader {
 public:
  // `strings`: the job's string table (string_tables.h), or null for a job without one.
  Reader(const double* p, size_t n, const double* ids, size_t nids, const double* files, size_t nfiles, const std::vector<std::string>* strings = nullptr)
      : p_(p), n_(n), ids_(ids), nids_(nids), files_(files), nfiles_(nfiles), strings_(strings) {}

  // The scalar reads stay inline here: a task has tens of fields, each read on the hot path.
  double number() {
    if (i_ >= n_) bad("the task ends early");
    return p_[i_++];
  }
  int64_t integer(int64_t lo = std::numeric_limits<int64_t>::min() / 2, int64_t hi = std::numeric_limits<int64_t>::max() / 2) {
    double v = number();
    if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) || v != std::floor(v)) bad("a field is not an integer in range");
    return static_cast<int64_t>(v);
  }
  std::vector<int64_t> ints(size_t count, int64_t lo = 0) {
    std::vector<int64_t> out(count);
    for (size_t k = 0; k < count; ++k) out[k] = integer(lo);
    return out;
  }
  size_t count(size_t max = 1 << 20) { return static_cast<size_t>(integer(0, static_cast<int64_t>(max))); }
  DType dtype() { return static_cast<DType>(integer(0, static_cast<int64_t>(DType::Bool))); }
  CType ctype() { return static_cast<CType>(integer(0, static_cast<int64_t>(CType::U64))); }
  uint64_t chunk_ref() {
    size_t dep = count(nids_ ? nids_ - 1 : 0);
    if (dep >= nids_) bad("a chunk access names a missing dependency");
    return static_cast<uint64_t>(ids_[dep]);
  }
  int file_ref() {
    size_t k = count(nfiles_ ? nfiles_ - 1 : 0);
    if (k >= nfiles_) bad("a file access names a missing file");
    return static_cast<int>(files_[k]);
  }
  // A string of the job's table, named by its index (EncodeContext.stringIndex on the TS side).
  const std::string& string_ref() {
    const size_t n = strings_ ? strings_->size() : 0;
    size_t k = count(n ? n - 1 : 0);
    if (k >= n) bad("a string field names a missing string");
    return (*strings_)[k];
  }
  const double* ids() const { return ids_; }
  size_t nids() const { return nids_; }
  bool done() const { return i_ == n_; }

  // [kind, dtype, byteswap, ref, dataOffset, dataElements, base, seed, start, step, ndim, strides...]
  Access access();
  std::vector<Access> accesses();  // [n, ...accesses]
  std::vector<int64_t> shape() { return ints(count(64)); }
  ReduceSpec reduce_spec();        // [reduceKind, acc, ddof, sqrt, outDtype]

  [[noreturn]] static void bad(const std::string& why);

 private:
  const double* p_;
  size_t n_;
  const double* ids_;
  size_t nids_;
  const double* files_;
  size_t nfiles_;
  const std::vector<std::string>* strings_;
  size_t i_ = 0;
};

}  // namespace tessera
