// The reduce kind: a fused program over the task's iteration space, folded along the reduced
// dimensions into a partial (or, when one task covers the whole reduction, the finalized output).
//   fields: program, [reduceKind, acc, ddof, sqrt, outDtype], finalize, iterShape,
//           ...reduced (one per dim), indexBase, ...indexStrides (one per dim), outShape, [n, ...accesses]
#include <limits>
#include <memory>
#include <vector>

#include "../../common/error.h"
#include "../../kernels/evaluate.h"
#include "../../kernels/program_registry.h"
#include "../../kernels/reduce_state.h"
#include "../kind.h"
#include "reduction.h"
#include "same_count.h"

namespace tessera {

namespace {

struct ReduceTask {
  std::shared_ptr<const Program> program;
  std::vector<Access> accesses;
  std::vector<int64_t> iter_shape;
  std::vector<uint8_t> reduced;        // per iteration dim: 1 if reduced
  int64_t index_base = 0;              // argmin/argmax: the index of iteration point 0
  std::vector<int64_t> index_strides;  // per iteration dim
  ReduceSpec spec;
  bool finalize = false;               // produce the output chunk directly
  std::vector<int64_t> out_shape;      // when finalizing
  int owner = 0;
};

ReduceTask decode(Reader& r, int owner) {
  ReduceTask t;
  t.program = ProgramRegistry::instance().get(static_cast<int>(r.integer(0, std::numeric_limits<int>::max())));
  t.spec = r.reduce_spec();
  t.finalize = r.integer(0, 1) != 0;
  t.iter_shape = r.shape();
  for (int64_t v : r.ints(t.iter_shape.size())) t.reduced.push_back(v ? 1 : 0);
  t.index_base = r.integer();
  t.index_strides = r.ints(t.iter_shape.size());
  t.out_shape = r.shape();
  t.accesses = r.accesses();
  t.owner = owner;
  return t;
}

DType acc_dtype(CType c) {
  switch (c) {
    case CType::I64: return DType::I64;
    case CType::U64: return DType::U64;
    default: return DType::F64;
  }
}

TaskResult run(const ReduceTask& t) {
  const size_t nd = t.iter_shape.size();
  if (t.reduced.size() != nd || t.index_strides.size() != nd)
    throw Error("INTERNAL", "reduce task rank mismatch", "this is a planner bug, please report it");
  auto ops = resolve_accesses(t.accesses, t.iter_shape);
  // Slots: the iteration space with reduced dimensions collapsed to 1 (keepdims layout).
  std::vector<int64_t> slot_shape(nd), slot_stride(nd, 0);
  int64_t slots = 1;
  for (size_t d = 0; d < nd; ++d) slot_shape[d] = t.reduced[d] ? 1 : t.iter_shape[d];
  for (size_t d = nd; d-- > 0;) {
    slot_stride[d] = t.reduced[d] ? 0 : slots;
    slots *= slot_shape[d];
  }
  const int planes = reduce_planes(t.spec.kind, t.spec.acc);
  std::vector<int64_t> pshape{planes};
  pshape.insert(pshape.end(), slot_shape.begin(), slot_shape.end());
  auto partial = ChunkStore::instance().allocate(acc_dtype(t.spec.acc), pshape, t.owner);
  reduce_init(t.spec, *partial, slots);
  ReduceSlots s = reduce_slots(t.spec, *partial, slots);
  const OpTable& table = op_table();
  const int k = static_cast<int>(t.spec.kind), a = static_cast<int>(t.spec.acc);
  const bool inner_reduced = nd == 0 || t.reduced[nd - 1];
  const auto reduce = inner_reduced ? table.reduce_scalar[k][a] : table.reduce_vector[k][a];
  if (!reduce) throw Error("INTERNAL", "reduction not defined for this accumulator type", "this is a planner bug");
  const int64_t inner_istride = nd == 0 ? 0 : t.index_strides[nd - 1];
  evaluate(*t.program, ops, t.iter_shape, [&](const void* v, int64_t len, const std::vector<int64_t>& outer, int64_t j0) {
    int64_t slot = 0;
    uint64_t index = static_cast<uint64_t>(t.index_base);  // wrapping: index strides are not range-checked
    for (size_t d = 0; d < outer.size(); ++d) {
      slot += outer[d] * slot_stride[d];
      index += static_cast<uint64_t>(outer[d]) * static_cast<uint64_t>(t.index_strides[d]);
    }
    if (!inner_reduced) slot += j0;
    index += static_cast<uint64_t>(j0) * static_cast<uint64_t>(inner_istride);
    reduce(s, slot, v, len, static_cast<int64_t>(index), inner_istride);
  });
  release_file_pages(ops);
  TaskResult r;
  r.bytes_in = total_bytes_in(ops);
  if (t.finalize) check_same_count(t.out_shape, slot_shape);
  publish_reduction(t.spec, t.finalize, t.out_shape, partial, slots, t.owner, r);
  return r;
}

}  // namespace

extern const TaskKind kReduceKind = task_kind<ReduceTask, decode, run>();

}  // namespace tessera
