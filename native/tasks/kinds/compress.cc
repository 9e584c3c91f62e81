// The compress kind: boolean-mask indexing. A fused program computes the chunk's rows (its first
// axis; the rest of each row is the other axes), stored in the output dtype; the rows where the
// mask chunk (bool, one byte per row) is true are copied, in order, into the output chunk, whose
// row count the planner knows from an earlier count of the same mask.
//   fields: program, outDtype, iterShape, count, mask (a dependency), [n, ...accesses]
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "../../common/error.h"
#include "../../kernels/evaluate.h"
#include "../../kernels/program_registry.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct CompressTask {
  std::shared_ptr<const Program> program;
  std::vector<Access> accesses;
  std::vector<int64_t> shape;  // [rows, ...rest]
  DType out_dtype = DType::F64;
  int64_t count = 0;
  uint64_t mask = 0;
  int owner = 0;
};

CompressTask decode(Reader& r, int owner) {
  CompressTask t;
  t.program = ProgramRegistry::instance().get(static_cast<int>(r.integer(0, std::numeric_limits<int>::max())));
  t.out_dtype = r.dtype();
  t.shape = r.shape();
  t.count = r.integer(0);
  t.mask = r.chunk_ref();
  t.accesses = r.accesses();
  t.owner = owner;
  if (t.shape.empty()) Reader::bad("a compress task needs at least one axis");
  if (t.count > t.shape[0]) Reader::bad("a compress task keeps more rows than it has");
  return t;
}

TaskResult run(const CompressTask& t) {
  const int64_t rows = t.shape[0];
  auto mask = ChunkStore::instance().get_dense(t.mask);
  if (mask->dtype != DType::Bool || mask->size() != rows)
    throw Error("INTERNAL", "a compress task's mask does not match its rows", "this is a planner bug, please report it");
  int64_t kept = 0;
  for (int64_t i = 0; i < rows; ++i) kept += mask->data[i] != 0;
  if (kept != t.count)
    throw Error("INTERNAL", "a mask counted " + std::to_string(t.count) + " true values, then " + std::to_string(kept),
                "the mask's values changed between its count and its use: this is a bug, please report it");
  auto ops = resolve_accesses(t.accesses, t.shape);
  const size_t item = dtype_size(t.out_dtype);
  int64_t row_elems = 1;
  for (size_t d = 1; d < t.shape.size(); ++d) row_elems *= t.shape[d];
  const size_t row_bytes = static_cast<size_t>(row_elems) * item;
  // The rows computed in full (a block of the program may span rows), then the kept ones copied.
  std::vector<uint8_t> all(static_cast<size_t>(rows) * row_bytes);
  evaluate_dense(*t.program, ops, t.shape, t.out_dtype, all.data());
  release_file_pages(ops);
  std::vector<int64_t> out_shape = t.shape;
  out_shape[0] = t.count;
  auto out = ChunkStore::instance().allocate(t.out_dtype, out_shape, t.owner);
  uint8_t* dst = out->data;
  for (int64_t i = 0; i < rows; ++i) {
    if (!mask->data[i]) continue;
    std::memcpy(dst, all.data() + static_cast<size_t>(i) * row_bytes, row_bytes);
    dst += row_bytes;
  }
  return publish_result(out, total_bytes_in(ops) + static_cast<int64_t>(mask->nbytes));
}

}  // namespace

extern const TaskKind kCompressKind = task_kind<CompressTask, decode, run>();

}  // namespace tessera
