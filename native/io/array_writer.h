// An array output being written: chunk by chunk from any worker thread, under a temporary name
// until commit() renames it into place (abort() removes it). The .npy writer (npy_writer.h) and
// the HDF5 dataset writer (hdf5/hdf5_writer.h) are the two; the write and commit task kinds and
// the binding reach either through WriterRegistry by id.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "../common/dtype.h"
#include "../store/chunk_store.h"

namespace tessera {

class ArrayWriter {
 public:
  virtual ~ArrayWriter() = default;
  // Writes a chunk's elements, in C order, as the box of `shape` at `offset` of the output.
  virtual void write_chunk(const Chunk& chunk, const std::vector<int64_t>& offset, const std::vector<int64_t>& shape) = 0;
  virtual void commit() = 0;
  virtual void abort() = 0;
  // Creates the temporary file now (else the first write does); returns its name.
  virtual std::string open() = 0;
};

class WriterRegistry {
 public:
  static WriterRegistry& instance();
  // A .npy output (npy_writer.h).
  int declare(const std::string& final_path, DType dtype, const std::vector<int64_t>& shape,
              const std::string& temp_path = "", bool attach = false, bool complex = false);
  int add(std::shared_ptr<ArrayWriter> w);
  std::shared_ptr<ArrayWriter> get(int id) const;
  void forget(int id);

 private:
  mutable std::mutex mu_;
  std::unordered_map<int, std::shared_ptr<ArrayWriter>> writers_;
  int next_id_ = 1;
};

}  // namespace tessera
