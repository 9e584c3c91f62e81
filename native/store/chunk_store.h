// The process-wide chunk store. Every worker thread of the process shares it: JS holds chunk ids,
// never bytes. A chunk is immutable once published; its memory is freed when the store has
// released it and no running task still holds it (shared_ptr), and the byte accounting follows
// the memory exactly: bytes are counted from allocation to free, per owner (a job) and in total.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "../common/dtype.h"

namespace tessera {

struct Chunk {
  DType dtype;
  std::vector<int64_t> shape;
  uint8_t* data = nullptr;
  size_t nbytes = 0;
  int owner = 0;
  ~Chunk();
  int64_t size() const;  // number of elements
};

struct OwnerBytes {
  int64_t current = 0;
  int64_t peak = 0;
};

struct StoreStats {
  int64_t current_bytes = 0;
  int64_t peak_bytes = 0;
  int64_t chunks = 0;
  std::unordered_map<int, OwnerBytes> owners;
};

class ChunkStore {
 public:
  static ChunkStore& instance();

  // Allocates an unpublished chunk (counted from now on). Throws Error("OUT_OF_MEMORY").
  std::shared_ptr<Chunk> allocate(DType dtype, const std::vector<int64_t>& shape, int owner);
  uint64_t publish(std::shared_ptr<Chunk> chunk);
  std::shared_ptr<Chunk> get(uint64_t id) const;  // throws Error("CHUNK_NOT_FOUND")
  bool release(uint64_t id);                      // false if the id was not held
  int64_t release_owner(int owner);               // releases every chunk of a job; returns count
  StoreStats stats() const;
  void forget_owner(int owner);  // drops a finished job's byte record once it holds nothing
  void reset_peak();

  // Called by ~Chunk only.
  void account_free(int owner, size_t nbytes);

 private:
  void account_alloc(int owner, size_t nbytes);
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, std::shared_ptr<Chunk>> chunks_;
  uint64_t next_id_ = 1;
  int64_t current_ = 0;
  int64_t peak_ = 0;
  std::unordered_map<int, OwnerBytes> owners_;
};

}  // namespace tessera
