#include "word_count_chunk.h"

#include "../store/chunk_store.h"
#include "publish_result.h"

namespace tessera {

TaskResult publish_word_counts(const text::WordCounts& counts, int owner, int64_t bytes_in) {
  auto out = ChunkStore::instance().allocate_bytes(counts.encoded_size(), owner);
  counts.encode(out->data);
  return publish_result(out, bytes_in);
}

}  // namespace tessera
