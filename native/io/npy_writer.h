// Writes a .npy output chunk by chunk, from any worker thread, and only ever under a temporary
// name: commit() renames it into place, abort() removes it. A crash or a cancelled job therefore
// never leaves a partial file under the real name. A write that fails (a full disk: DISK_FULL;
// anything else: WRITE_FAILED) removes the temporary file at once.
//
// On a cluster the writers of one output are in several processes (ADR 0029): the client's owns
// the temporary file (creates and sizes it with open(), commits or aborts it); the task hosts'
// are attached to it by its name and only write into it, so they never remove or rename it.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "../common/dtype.h"
#include "../store/chunk_store.h"
#include "array_writer.h"

namespace tessera {

class NpyWriter : public ArrayWriter {
 public:
  // An empty temp_path names one of this process's own; attach writes into an existing one.
  // `complex`: (re, im) float pairs along the last axis of `shape`, written as numpy's complex dtype.
  NpyWriter(std::string final_path, DType dtype, std::vector<int64_t> shape, std::string temp_path = "", bool attach = false, bool complex = false);
  ~NpyWriter() override;  // removes the temporary file if not committed
  // Writes a chunk's elements, in C order, as the box of `shape` at `offset` (one entry per
  // dimension each). The box is the task's, not the chunk's own shape: a reshaped output's chunks
  // are its input's, in the input's shape. Opens the file on first use.
  void write_chunk(const Chunk& chunk, const std::vector<int64_t>& offset, const std::vector<int64_t>& shape) override;
  void commit() override;
  void abort() override;
  // Creates and sizes the temporary file now (else the first write does); returns its name.
  std::string open() override;

 private:
  void open_locked();
  [[noreturn]] void fail_locked(const std::string& what, int err);
  std::mutex mu_;
  std::string final_path_, temp_path_;
  DType dtype_;
  std::vector<int64_t> shape_;
  int fd_ = -1;
  size_t data_offset_ = 0;
  bool attach_ = false;
  bool complex_ = false;
  bool done_ = false;
  bool failed_ = false;  // a write failed: the temp file is gone and every later call throws this
  std::string failed_code_, failed_message_, failed_hint_;
};


}  // namespace tessera
