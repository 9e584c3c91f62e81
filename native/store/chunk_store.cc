#include "chunk_store.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>

#include "../common/checked.h"
#include "chunk_memory.h"
#include "../common/error.h"

namespace tessera {

const char* layout_name(ChunkLayout l) {
  switch (l) {
    case ChunkLayout::Bytes: return "bytes";
    case ChunkLayout::Table: return "table";
    default: return "dense";
  }
}

Chunk::~Chunk() {
  std::free(data);
  ChunkStore::instance().account_free(owner, nbytes);
}

int64_t Chunk::size() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

ChunkStore& ChunkStore::instance() {
  static ChunkStore store;
  return store;
}

std::shared_ptr<Chunk> ChunkStore::allocate(DType dtype, const std::vector<int64_t>& shape,
                                            int owner) {
  const int64_t n = element_count(shape, "a chunk");
  const size_t nbytes = static_cast<size_t>(checked_mul(n, static_cast<int64_t>(dtype_size(dtype)), "a chunk's size in bytes"));
  void* p = allocate_chunk_memory(nbytes);
  if (!p)
    throw Error("OUT_OF_MEMORY", "could not allocate a chunk of " + std::to_string(nbytes) + " bytes",
                "use smaller chunks or a lower --memory-limit");
  auto c = std::make_shared<Chunk>();
  c->dtype = dtype;
  c->shape = shape;
  c->data = static_cast<uint8_t*>(p);
  c->nbytes = nbytes;
  c->owner = owner;
  account_alloc(owner, nbytes);
  return c;
}

std::shared_ptr<Chunk> ChunkStore::allocate_bytes(size_t nbytes, int owner) {
  if (nbytes > static_cast<size_t>(std::numeric_limits<int64_t>::max()))
    throw Error("SIZE_OVERFLOW", "a bytes chunk is too large to represent", "");
  auto c = allocate(DType::U8, {static_cast<int64_t>(nbytes)}, owner);
  c->layout = ChunkLayout::Bytes;
  return c;
}

std::shared_ptr<Chunk> ChunkStore::allocate_table(size_t nbytes, int owner) {
  auto c = allocate_bytes(nbytes, owner);
  c->layout = ChunkLayout::Table;
  return c;
}

std::shared_ptr<Chunk> ChunkStore::allocate_like(const Chunk& like, int owner) {
  auto c = allocate(like.dtype, like.shape, owner);
  c->layout = like.layout;
  return c;
}

uint64_t ChunkStore::put_bytes(const uint8_t* data, size_t nbytes, int owner) {
  auto c = allocate_bytes(nbytes, owner);
  if (nbytes) std::memcpy(c->data, data, nbytes);
  return publish(std::move(c));
}

uint64_t ChunkStore::publish(std::shared_ptr<Chunk> chunk) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id = next_id_++;
  chunks_.emplace(id, std::move(chunk));
  return id;
}

std::shared_ptr<Chunk> ChunkStore::get(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = chunks_.find(id);
  if (it == chunks_.end())
    throw Error("CHUNK_NOT_FOUND", "chunk " + std::to_string(id) + " is not in the store",
                "it was released before its last use: this is a scheduler bug, please report it");
  return it->second;
}

std::shared_ptr<Chunk> ChunkStore::get_dense(uint64_t id) const {
  auto c = get(id);
  if (c->layout != ChunkLayout::Dense)
    throw Error("NOT_DENSE", "chunk " + std::to_string(id) + " holds " + (c->layout == ChunkLayout::Table ? "a table partition" : "opaque bytes") + ", not an array",
                std::string(c->layout == ChunkLayout::Table ? "read it with readTable" : "read it with getBytes") +
                    "; a task that reads it as an array is a planner bug, please report it");
  return c;
}

std::shared_ptr<Chunk> ChunkStore::get_bytes(uint64_t id) const {
  auto c = get(id);
  if (c->layout != ChunkLayout::Bytes)
    throw Error("NOT_BYTES", "chunk " + std::to_string(id) + " is " + (c->layout == ChunkLayout::Table ? "a table partition" : "an array") + ", not a bytes chunk",
                c->layout == ChunkLayout::Table ? "read it with readTable" : "read it with readChunk");
  return c;
}

std::shared_ptr<Chunk> ChunkStore::get_table(uint64_t id) const {
  auto c = get(id);
  if (c->layout != ChunkLayout::Table)
    throw Error("NOT_TABLE", "chunk " + std::to_string(id) + " is " + (c->layout == ChunkLayout::Dense ? "an array" : "a bytes chunk") + ", not a table partition",
                c->layout == ChunkLayout::Dense ? "read it with readChunk" : "read it with getBytes");
  return c;
}

bool ChunkStore::release(uint64_t id) {
  std::shared_ptr<Chunk> dropped;  // freed outside the lock: ~Chunk takes the lock itself
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = chunks_.find(id);
    if (it == chunks_.end()) return false;
    dropped = std::move(it->second);
    chunks_.erase(it);
  }
  return true;
}

int64_t ChunkStore::release_owner(int owner) {
  std::vector<std::shared_ptr<Chunk>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = chunks_.begin(); it != chunks_.end();) {
      if (it->second->owner == owner) {
        dropped.push_back(std::move(it->second));
        it = chunks_.erase(it);
      } else {
        ++it;
      }
    }
  }
  return static_cast<int64_t>(dropped.size());
}

StoreStats ChunkStore::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  StoreStats s;
  s.current_bytes = current_;
  s.peak_bytes = peak_;
  s.chunks = static_cast<int64_t>(chunks_.size());
  s.owners = owners_;
  return s;
}

void ChunkStore::forget_owner(int owner) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = owners_.find(owner);
  if (it != owners_.end() && it->second.current == 0) owners_.erase(it);
}

void ChunkStore::reset_peak() {
  std::lock_guard<std::mutex> lock(mu_);
  peak_ = current_;
  for (auto& [owner, b] : owners_) b.peak = b.current;
}

void ChunkStore::account_alloc(int owner, size_t nbytes) {
  std::lock_guard<std::mutex> lock(mu_);
  current_ += static_cast<int64_t>(nbytes);
  if (current_ > peak_) peak_ = current_;
  OwnerBytes& b = owners_[owner];
  b.current += static_cast<int64_t>(nbytes);
  if (b.current > b.peak) b.peak = b.current;
}

void ChunkStore::account_free(int owner, size_t nbytes) {
  std::lock_guard<std::mutex> lock(mu_);
  current_ -= static_cast<int64_t>(nbytes);
  auto it = owners_.find(owner);
  if (it != owners_.end()) {
    it->second.current -= static_cast<int64_t>(nbytes);
  }
}

}  // namespace tessera
