// The combine kind: merges reduce partials (every dependency, in index order) into one partial,
// or into the finalized output when it is the last step of the tree.
//   fields: [reduceKind, acc, ddof, sqrt, outDtype], finalize, outShape     (partials: the ids)
#include <cstring>
#include <memory>
#include <vector>

#include "../../common/checked.h"
#include "../../common/error.h"
#include "../../kernels/reduce_state.h"
#include "../kind.h"
#include "reduction.h"

namespace tessera {

namespace {

struct CombineTask {
  std::vector<uint64_t> partials;      // in index order
  ReduceSpec spec;
  bool finalize = false;
  std::vector<int64_t> out_shape;
  int owner = 0;
};

CombineTask decode(Reader& r, int owner) {
  CombineTask t;
  t.spec = r.reduce_spec();
  t.finalize = r.integer(0, 1) != 0;
  t.out_shape = r.shape();
  for (size_t k = 0; k < r.nids(); ++k) t.partials.push_back(static_cast<uint64_t>(r.ids()[k]));
  t.owner = owner;
  return t;
}

TaskResult run(const CombineTask& t) {
  if (t.partials.empty()) throw Error("INTERNAL", "combine without inputs", "this is a planner bug");
  std::vector<std::shared_ptr<Chunk>> in;
  for (uint64_t id : t.partials) in.push_back(ChunkStore::instance().get_dense(id));
  const int planes = reduce_planes(t.spec.kind, t.spec.acc);
  const int64_t slots = in[0]->size() / planes;
  auto acc = ChunkStore::instance().allocate(in[0]->dtype, in[0]->shape, t.owner);
  std::memcpy(acc->data, in[0]->data, in[0]->nbytes);
  TaskResult r;
  for (size_t i = 0; i < in.size(); ++i) {
    r.bytes_in += static_cast<int64_t>(in[i]->nbytes);
    if (i == 0) continue;
    if (in[i]->size() != in[0]->size() || in[i]->dtype != in[0]->dtype)
      throw Error("INTERNAL", "partials of different shapes", "this is a planner bug");
    reduce_merge(t.spec, *acc, *in[i], slots);
  }
  if (t.finalize && element_count(t.out_shape) != slots) throw Error("INTERNAL", "finalize shape mismatch", "this is a planner bug");
  publish_reduction(t.spec, t.finalize, t.out_shape, acc, slots, t.owner, r);
  return r;
}

}  // namespace

extern const TaskKind kCombineKind = task_kind<CombineTask, decode, run>();

}  // namespace tessera
