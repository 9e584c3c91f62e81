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

// What a chunk's bytes are. Dense: a C-order array of dtype and shape, what every array task reads
// and writes. Bytes: an opaque payload the core never interprets (a serialized list of records
// from a JS user function). Table: one partition of a table, a self-describing columnar buffer
// (table/table_format.h; read it through table/table_view.h). Bytes and Table chunks are dtype U8
// and shape [nbytes] so sizes, accounting, release and the memory view treat them like any chunk,
// but array tasks refuse them (get_dense: NOT_DENSE).
enum class ChunkLayout : uint8_t { Dense, Bytes, Table };

const char* layout_name(ChunkLayout l);  // "dense", "bytes", "table"

struct Chunk {
  ChunkLayout layout = ChunkLayout::Dense;
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
  std::shared_ptr<Chunk> allocate_bytes(size_t nbytes, int owner);           // a Bytes chunk
  std::shared_ptr<Chunk> allocate_table(size_t nbytes, int owner);           // a Table chunk (filled by table::TableBuilder)
  std::shared_ptr<Chunk> allocate_like(const Chunk& like, int owner);        // same layout, dtype, shape
  uint64_t publish(std::shared_ptr<Chunk> chunk);
  uint64_t put_bytes(const uint8_t* data, size_t nbytes, int owner);         // allocate, copy, publish
  std::shared_ptr<Chunk> get(uint64_t id) const;  // throws Error("CHUNK_NOT_FOUND")
  // get() for readers of one layout: a chunk of another throws Error("NOT_DENSE") / ("NOT_BYTES") /
  // ("NOT_TABLE").
  std::shared_ptr<Chunk> get_dense(uint64_t id) const;
  std::shared_ptr<Chunk> get_bytes(uint64_t id) const;
  std::shared_ptr<Chunk> get_table(uint64_t id) const;
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
