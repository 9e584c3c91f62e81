#include "reduction.h"

#include "../../kernels/reduce_state.h"

namespace tessera {

void publish_reduction(const ReduceSpec& spec, bool finalize, const std::vector<int64_t>& out_shape,
                       const std::shared_ptr<Chunk>& partial, int64_t slots, int owner, TaskResult& r) {
  if (finalize) {
    auto out = ChunkStore::instance().allocate(spec.out_dtype, out_shape, owner);
    reduce_finalize(spec, *partial, *out, slots);
    r.bytes_out = static_cast<int64_t>(out->nbytes);
    r.chunk = ChunkStore::instance().publish(out);
  } else {
    r.bytes_out = static_cast<int64_t>(partial->nbytes);
    r.chunk = ChunkStore::instance().publish(partial);
  }
}

}  // namespace tessera
