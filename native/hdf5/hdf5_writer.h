// Array outputs written into one HDF5 file, a dataset each (`tessera run --out xs.h5`, dask's
// to_hdf5; a Store of io/store_writer.h): the file is made under a temporary name beside the final one (OutputFile's pattern,
// which a later run clears after a crash), every output's write tasks put their chunks into its
// dataset, and when the last dataset's commit task has run the file is closed and renamed into
// place. An abort of any dataset (a failed or cancelled job) removes the whole file.
//
// The library serialises every call (thread-safe build), and a mutex here keeps the file's own
// state consistent. A chunk that is one whole chunk of its dataset (the usual case: the datasets
// are chunked as the outputs are) is not written through the library: the datasets' chunks are
// allocated when they are created (no fill written), the write task looks up its chunk's address
// under the lock and writes the bytes there itself, outside it, in parallel with the other
// workers (through H5Dwrite, one worker's write held the others up: ADR 0034). Other chunks, and
// datasets of more than kDirectChunks chunks, go through H5Dwrite.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../io/store_writer.h"

namespace tessera::hdf5 {

class Hdf5Output {
 public:
  explicit Hdf5Output(std::string final_path);
  ~Hdf5Output();
  // Declares a dataset (all are declared before the first write); returns its number. A complex
  // one is (re, im) pairs of `dtype` along a last axis of 2 (in `shape` and `chunks`): stored as
  // h5py's complex type (a compound of "r" and "i") over the other axes.
  int add(const std::string& name, DType dtype, const std::vector<int64_t>& shape, const std::vector<int64_t>& chunks, bool complex = false);
  void write(int k, const Chunk& chunk, const std::vector<int64_t>& offset, const std::vector<int64_t>& box);
  // The last dataset to commit closes the file and renames it into place.
  void commit(int k);
  void abort();
  std::string open();

 private:
  struct Declared {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape, chunks;  // of the values (a complex dataset's without its pairs axis)
    std::vector<int64_t> file_chunks;     // the dataset's HDF5 chunk shape; empty when not written directly
    bool complex = false;
    hid_t id = -1;
    bool committed = false;
  };
  void open_locked();
  void close_locked();
  // Writes a chunk that is one whole chunk of the dataset straight to its place in the file,
  // outside the lock (held on entry and on return); false for any other chunk.
  bool write_direct(std::unique_lock<std::mutex>& lock, const Declared& d, const Chunk& chunk, const std::vector<int64_t>& offset,
                    const std::vector<int64_t>& box);
  // Closes and removes the file, then throws WRITE_FAILED (DISK_FULL for ENOSPC and EDQUOT) with
  // `err`'s message, or the library's when err is 0.
  [[noreturn]] void fail_locked(const std::string& what, int err = 0);
  std::mutex mu_;
  std::string final_path_, temp_path_;
  std::vector<Declared> datasets_;
  hid_t file_ = -1;
  int raw_fd_ = -1;  // the temporary file, for the direct chunk writes
  bool done_ = false;
};

}  // namespace tessera::hdf5

