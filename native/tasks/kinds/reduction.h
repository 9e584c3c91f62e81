// What the two reduction kinds share. A reduce task folds its iteration space into a partial (a
// chunk of shape [planes, ...slots] in the accumulator type, see kernels/reduce_state.h); a
// combine task merges partials. Either one, when it is the last step, finalizes instead of
// publishing its partial.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "../../store/chunk_store.h"
#include "../task.h"

namespace tessera {

// Publishes the finalized output (out_dtype, out_shape) when `finalize`, else the partial itself,
// and records the published bytes in `r`. The caller has checked that out_shape holds `slots`.
void publish_reduction(const ReduceSpec& spec, bool finalize, const std::vector<int64_t>& out_shape,
                       const std::shared_ptr<Chunk>& partial, int64_t slots, int owner, TaskResult& r);

}  // namespace tessera
