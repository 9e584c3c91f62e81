// Debian's libhdf5 (1.10, built thread-safe: one library-wide lock) behind small RAII handles.
// Every call that can fail goes through check(), which turns a negative return into a typed
// Error carrying the library's own innermost message. The library's habit of printing its error
// stack to stderr is switched off per thread (the stack is thread-local in a thread-safe build).
#pragma once
#include <hdf5.h>

#include <string>

namespace tessera::hdf5 {

// Switches off this thread's automatic error printing (idempotent, cheap).
void quiet();

// The innermost message of this thread's HDF5 error stack ("" if none).
std::string last_message();

// Throws Error(code, what + ": " + the library's message, hint) when `status` < 0.
template <class T> T check(T status, const char* code, const std::string& what, const std::string& hint = "") ;
[[noreturn]] void fail(const char* code, const std::string& what, const std::string& hint);

template <class T> T check(T status, const char* code, const std::string& what, const std::string& hint) {
  if (status < 0) fail(code, what, hint);
  return status;
}

// An hid_t closed by its H5*close function.
class Handle {
 public:
  using Close = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Close close) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) { reset(); id_ = o.id_; close_ = o.close_; o.id_ = -1; }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  // Closes now and reports a failure (a close that flushes data must not fail silently).
  void close(const char* code, const std::string& what);

 private:
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  hid_t id_ = -1;
  Close close_ = nullptr;
};

// h5py's bool: an enum over int8 with FALSE = 0 and TRUE = 1 (a new type: close it).
hid_t bool_type();
// The in-memory type of elements of a Tessera dtype (common/dtype.h's DType, as its number), in
// this machine's byte order: what H5Dread converts into and H5Dwrite converts from.
hid_t memory_type(int dtype_code);
// h5py's complex type over float parts of a Tessera dtype (F64 or F32): a compound of "r" and "i",
// in memory native floats (the (re, im) pairs as they lie in a chunk), in a file little-endian
// IEEE (a new type: close it).
hid_t complex_type(int part_dtype_code, bool in_file);

// Opens an existing file read-only: HDF5_NOT_HDF5 if it is not one, FILE_NOT_FOUND if missing.
Handle open_file(const std::string& path);
// Opens a dataset by its path in the file: HDF5_NO_DATASET naming the file's datasets if absent.
Handle open_dataset(hid_t file, const std::string& path, const std::string& name);

}  // namespace tessera::hdf5
