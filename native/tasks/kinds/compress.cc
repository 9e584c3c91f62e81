// The compress kind: boolean-mask indexing. A fused program computes the chunk's rows (its first
// axis; the rest of each row is the other axes) block by block, and the values of the rows where
// the mask chunk (bool, one byte per row) is true go, in order, straight into the output chunk,
// whose row count the planner knows from an earlier count of the same mask.
//   fields: program, outDtype, iterShape, count, mask (a dependency), [n, ...accesses]
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "../../common/error.h"
#include "../../kernels/evaluate.h"
#include "../../kernels/op_table.h"
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

// The output place of a row: the kept rows before it. Rows are asked for in increasing order (as
// evaluate's blocks come), so counting them runs once over the mask.
struct Places {
  const uint8_t* mask;
  int64_t row = 0, kept = 0;
  int64_t before(int64_t r) {
    if (r < row) row = kept = 0;
    for (; row < r; ++row) kept += mask[row] != 0;
    return kept;
  }
};

// Appends the elements of src whose mask byte is set to dst.
template <typename T>
void compact(const uint8_t* src, const uint8_t* mask, int64_t len, uint8_t* dst) {
  const T* s = reinterpret_cast<const T*>(src);
  T* d = reinterpret_cast<T*>(dst);
  int64_t n = 0;
  for (int64_t k = 0; k < len; ++k)
    if (mask[k]) d[n++] = s[k];
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
  const size_t nd = t.shape.size();
  int64_t row_elems = 1;
  for (size_t d = 1; d < nd; ++d) row_elems *= t.shape[d];
  std::vector<int64_t> out_shape = t.shape;
  out_shape[0] = t.count;
  auto out = ChunkStore::instance().allocate(t.out_dtype, out_shape, t.owner);
  const auto store = op_table().store[static_cast<int>(t.program->result_type)][static_cast<int>(t.out_dtype)];
  Places places{mask->data};
  std::vector<uint8_t> block;  // a 1-D block in the output dtype, before its kept values are copied
  // Each block as it is computed: a 1-D block's kept values appended at its first row's place; a
  // block of a longer row (a row is the first axis) stored at its place in that row, if kept.
  evaluate(*t.program, ops, t.shape, [&](const void* v, int64_t len, const std::vector<int64_t>& outer, int64_t j0) {
    if (nd == 1) {
      block.resize(static_cast<size_t>(len) * item);
      store(block.data(), v, len);
      uint8_t* dst = out->data + places.before(j0) * static_cast<int64_t>(item);
      const uint8_t* m = mask->data + j0;
      switch (item) {
        case 1: compact<uint8_t>(block.data(), m, len, dst); break;
        case 2: compact<uint16_t>(block.data(), m, len, dst); break;
        case 4: compact<uint32_t>(block.data(), m, len, dst); break;
        case 8: compact<uint64_t>(block.data(), m, len, dst); break;
        default: throw Error("INTERNAL", "a compress task's dtype has an unexpected size", "this is a bug, please report it");
      }
      return;
    }
    const int64_t r = outer[0];
    if (!mask->data[r]) return;
    const int64_t within = block_offset(t.shape, outer, j0) - r * row_elems;
    store(out->data + (places.before(r) * row_elems + within) * static_cast<int64_t>(item), v, len);
  });
  release_file_pages(ops);
  return publish_result(out, total_bytes_in(ops) + static_cast<int64_t>(mask->nbytes));
}

}  // namespace

extern const TaskKind kCompressKind = task_kind<CompressTask, decode, run>();

}  // namespace tessera
