// The last step of a task that makes a chunk: publish it and report its bytes (TaskResult). Every
// kind that makes one chunk ends this way.
#pragma once
#include <cstdint>
#include <memory>

#include "../store/chunk_store.h"
#include "task.h"

namespace tessera {

inline TaskResult publish_result(std::shared_ptr<Chunk> out, int64_t bytes_in) {
  TaskResult r;
  r.bytes_in = bytes_in;
  r.bytes_out = static_cast<int64_t>(out->nbytes);
  r.chunk = ChunkStore::instance().publish(std::move(out));
  return r;
}

}  // namespace tessera
