// The scan kind: a cumulative sum or product along one axis of a chunk (numpy's cumsum and
// cumprod). A fused program computes the chunk's input values, stored in the output dtype; then
// each line along the axis is accumulated in place, starting from the carry (the sum or product
// of every element before this chunk along the axis, a chunk with the axis of length 1) when
// there is one. Lines accumulate row by row, so a scan along a leading axis is vector adds.
//   fields: program, outDtype, iterShape, axis, op (0 sum, 1 product), hasCarry, [carry], [n, ...accesses]
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "../../common/checked.h"
#include "../../common/error.h"
#include "../../kernels/evaluate.h"
#include "../../kernels/program_registry.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct ScanTask {
  std::shared_ptr<const Program> program;
  std::vector<Access> accesses;
  std::vector<int64_t> shape;
  DType out_dtype = DType::F64;
  size_t axis = 0;
  bool product = false;
  bool has_carry = false;
  uint64_t carry = 0;
  int owner = 0;
};

ScanTask decode(Reader& r, int owner) {
  ScanTask t;
  t.program = ProgramRegistry::instance().get(static_cast<int>(r.integer(0, std::numeric_limits<int>::max())));
  t.out_dtype = r.dtype();
  t.shape = r.shape();
  t.axis = static_cast<size_t>(r.integer(0, 63));
  t.product = r.integer(0, 1) != 0;
  t.has_carry = r.integer(0, 1) != 0;
  if (t.has_carry) t.carry = r.chunk_ref();
  t.accesses = r.accesses();
  t.owner = owner;
  if (t.axis >= t.shape.size()) Reader::bad("the scan axis is not an axis of the chunk");
  if (t.has_carry && t.shape[t.axis] == 0) Reader::bad("a scan of nothing has no carry");
  return t;
}

// Integers wrap (numpy's accumulation in int64/uint64), computed unsigned so overflow is defined.
template <class T> T combine(T a, T b, bool product) {
  if constexpr (std::is_floating_point<T>::value) {
    return product ? a * b : a + b;
  } else {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(product ? static_cast<U>(a) * static_cast<U>(b) : static_cast<U>(a) + static_cast<U>(b));
  }
}

template <class T> void scan_lines(T* data, const T* carry, int64_t outer, int64_t n, int64_t inner, bool product) {
  for (int64_t o = 0; o < outer; ++o) {
    T* base = data + o * n * inner;
    if (carry) {
      const T* c = carry + o * inner;
      for (int64_t j = 0; j < inner; ++j) base[j] = combine(c[j], base[j], product);
    }
    for (int64_t i = 1; i < n; ++i) {
      T* row = base + i * inner;
      const T* prev = row - inner;
      for (int64_t j = 0; j < inner; ++j) row[j] = combine(prev[j], row[j], product);
    }
  }
}

TaskResult run(const ScanTask& t) {
  auto ops = resolve_accesses(t.accesses, t.shape);
  auto out = ChunkStore::instance().allocate(t.out_dtype, t.shape, t.owner);
  evaluate_dense(*t.program, ops, t.shape, t.out_dtype, out->data);
  release_file_pages(ops);
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < t.axis; ++d) outer *= t.shape[d];
  for (size_t d = t.axis + 1; d < t.shape.size(); ++d) inner *= t.shape[d];
  const int64_t n = t.shape[t.axis];
  std::shared_ptr<Chunk> carry;
  int64_t bytes_in = total_bytes_in(ops);
  if (t.has_carry) {
    carry = ChunkStore::instance().get_dense(t.carry);
    std::vector<int64_t> carry_shape = t.shape;
    carry_shape[t.axis] = 1;
    if (carry->dtype != t.out_dtype || carry->shape != carry_shape)
      throw Error("INTERNAL", "a scan's carry does not match its chunk", "this is a planner bug, please report it");
    bytes_in += static_cast<int64_t>(carry->nbytes);
  }
  switch (t.out_dtype) {
    case DType::F64: scan_lines(reinterpret_cast<double*>(out->data), carry ? reinterpret_cast<const double*>(carry->data) : nullptr, outer, n, inner, t.product); break;
    case DType::F32: scan_lines(reinterpret_cast<float*>(out->data), carry ? reinterpret_cast<const float*>(carry->data) : nullptr, outer, n, inner, t.product); break;
    case DType::I64: scan_lines(reinterpret_cast<int64_t*>(out->data), carry ? reinterpret_cast<const int64_t*>(carry->data) : nullptr, outer, n, inner, t.product); break;
    case DType::U64: scan_lines(reinterpret_cast<uint64_t*>(out->data), carry ? reinterpret_cast<const uint64_t*>(carry->data) : nullptr, outer, n, inner, t.product); break;
    default: throw Error("INTERNAL", "a scan accumulates in float64, float32, int64 or uint64", "this is a planner bug, please report it");
  }
  return publish_result(out, bytes_in);
}

}  // namespace

extern const TaskKind kScanKind = task_kind<ScanTask, decode, run>();

}  // namespace tessera
