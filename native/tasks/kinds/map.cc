// The map kind: a fused elementwise program over the task's iteration space, stored into
// a new chunk of the output dtype and shape.
//   fields: program, outDtype, iterShape, outShape, [n, ...accesses]
#include <limits>
#include <memory>
#include <vector>

#include "../../kernels/evaluate.h"
#include "../../kernels/program_registry.h"
#include "../kind.h"
#include "same_count.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct MapTask {
  std::shared_ptr<const Program> program;
  std::vector<Access> accesses;
  std::vector<int64_t> iter_shape;
  DType out_dtype = DType::F64;
  std::vector<int64_t> out_shape;  // same element count as iter_shape (a reshape relabels)
  int owner = 0;
};

MapTask decode(Reader& r, int owner) {
  MapTask t;
  t.program = ProgramRegistry::instance().get(static_cast<int>(r.integer(0, std::numeric_limits<int>::max())));
  t.out_dtype = r.dtype();
  t.iter_shape = r.shape();
  t.out_shape = r.shape();
  t.accesses = r.accesses();
  t.owner = owner;
  return t;
}

TaskResult run(const MapTask& t) {
  check_same_count(t.iter_shape, t.out_shape);
  auto ops = resolve_accesses(t.accesses, t.iter_shape);
  auto out = ChunkStore::instance().allocate(t.out_dtype, t.out_shape, t.owner);
  evaluate_dense(*t.program, ops, t.iter_shape, t.out_dtype, out->data);
  release_file_pages(ops);
  return publish_result(out, total_bytes_in(ops));
}

}  // namespace

extern const TaskKind kMapKind = task_kind<MapTask, decode, run>();

}  // namespace tessera
