#include "word_count_chunk.h"

#include "../store/chunk_store.h"

namespace tessera {

TaskResult publish_word_counts(const text::WordCounts& counts, int owner, int64_t bytes_in) {
  auto out = ChunkStore::instance().allocate_bytes(counts.encoded_size(), owner);
  counts.encode(out->data);
  TaskResult r;
  r.bytes_in = bytes_in;
  r.bytes_out = static_cast<int64_t>(out->nbytes);
  r.chunk = ChunkStore::instance().publish(out);
  return r;
}

}  // namespace tessera
