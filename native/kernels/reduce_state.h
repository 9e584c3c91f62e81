// Reduction state outside the hot loop: initial values, the merge of two partials (the tree
// combine), and the final value. Partials are chunks of shape [planes, ...output shape] in the
// accumulator type, so they live in the store like any other chunk.
#pragma once
#include <cstdint>

#include "../store/chunk_store.h"
#include "../tasks/task.h"

namespace tessera {

// Number of state planes a reduction keeps per output element.
int reduce_planes(ReduceKind kind, CType acc);

void reduce_init(const ReduceSpec& spec, Chunk& partial, int64_t slots);
void reduce_merge(const ReduceSpec& spec, Chunk& into, const Chunk& from, int64_t slots);
void reduce_finalize(const ReduceSpec& spec, const Chunk& partial, Chunk& out, int64_t slots);
ReduceSlots reduce_slots(const ReduceSpec& spec, Chunk& partial, int64_t slots);

}  // namespace tessera
