// Array outputs written as one Zarr v2 store (`tessera run --out xs.zarr`, dask's to_zarr; a Store
// of io/store_writer.h): a
// group folder with an array folder per output, chunked as the output is (regular chunks, which
// the planner ensures), each chunk compressed as zarr's default does (blosc, lz4, byte shuffle)
// by the write task that has it, in parallel: no lock is shared. The store is built under a
// temporary name beside the final one (OutputFile's pattern, a folder here) and renamed into place
// when the last output's commit task has run; an abort removes it (ADR 0035).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../io/store_writer.h"

namespace tessera::zarr {

class ZarrOutput {
 public:
  explicit ZarrOutput(std::string final_path);
  ~ZarrOutput();
  // Declares an array (all are declared before the first write); returns its number. A complex
  // one is (re, im) pairs of `dtype` along a last axis of 2 (in `shape` and `chunks`): stored as
  // zarr's complex dtype over the other axes.
  int add(const std::string& name, DType dtype, const std::vector<int64_t>& shape, const std::vector<int64_t>& chunks, bool complex = false);
  // The box at `offset` must be one whole chunk of the array's grid (cut at the array's edge).
  void write(int k, const Chunk& chunk, const std::vector<int64_t>& offset, const std::vector<int64_t>& box);
  void commit(int k);
  void abort();
  std::string open();

 private:
  struct Declared {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape, chunks;
    bool complex = false;
    bool committed = false;
  };
  void open_locked();
  std::mutex mu_;
  std::string final_path_, temp_path_;
  std::vector<Declared> datasets_;
  bool opened_ = false, done_ = false;
};

}  // namespace tessera::zarr
