// The matmul kind: one output block of a matrix product, the sum over k-blocks of a[i] @ b[i].
// Float blocks go through the BLAS (kernels/blas_gemm.h), reading operands where they lie when
// their layout allows; other operands, and other types, are packed into a contiguous buffer of the
// compute type first.
//   fields: ctype, m, n, outDtype, [pairs, ...(k, accessA, accessB)]
#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "../../common/checked.h"
#include "../../common/error.h"
#include "../../kernels/blas_gemm.h"
#include "../../kernels/evaluate.h"
#include "../kind.h"

namespace tessera {

namespace {

struct MatmulTask {
  CType type = CType::F64;
  std::vector<Access> a, b;            // pairs: a[i] is m x k_i, b[i] is k_i x n (iteration shapes)
  std::vector<int64_t> k;              // k_i per pair
  int64_t m = 0, n = 0;
  DType out_dtype = DType::F64;
  int owner = 0;
};

MatmulTask decode(Reader& r, int owner) {
  MatmulTask t;
  t.type = r.ctype();
  t.m = r.integer(0);
  t.n = r.integer(0);
  t.out_dtype = r.dtype();
  size_t pairs = r.count(1 << 20);
  for (size_t k = 0; k < pairs; ++k) {
    t.k.push_back(r.integer(0));
    t.a.push_back(r.access());
    t.b.push_back(r.access());
  }
  t.owner = owner;
  return t;
}

// Copies an operand block into `buf`, contiguous and row-major in the compute type (converting
// another dtype, generating a generator's values); returns its bytes read.
int64_t pack(const Access& acc, CType type, int64_t rows, int64_t cols, std::vector<uint8_t>& buf) {
  const size_t csz = ctype_size(type);
  buf.assign(static_cast<size_t>(element_count({rows, cols, static_cast<int64_t>(csz)}, "a matmul operand block")), 0);
  std::vector<Access> one{acc};
  std::vector<int64_t> shape{rows, cols};
  auto ops = resolve_accesses(one, shape);
  Program copy;
  copy.nregs = 1;
  copy.result = 0;
  copy.result_type = type;
  Instr load{};
  load.op = Op::Load; load.type = type; load.dst = 0; load.a = 0;
  copy.code.push_back(load);
  evaluate(copy, ops, shape, [&](const void* v, int64_t len, const std::vector<int64_t>& outer, int64_t j0) {
    std::memcpy(buf.data() + static_cast<size_t>(outer[0] * cols + j0) * csz, v, static_cast<size_t>(len) * csz);
  });
  return total_bytes_in(ops);
}

// Set once a read of a mapped file faulted inside the BLAS. The jump out of it skips OpenBLAS's
// release of its packing buffer, a slot of a fixed table: from then on this process packs file
// operands through the evaluator's own guard, so at most a few slots are ever lost.
std::atomic<bool> blas_fault_seen{false};

// The operand where it lies, when the BLAS can read it there: a chunk or mapped file of the
// compute type in native byte order, with unit stride along rows or columns and the other stride
// at least a row or column (a slice, a transpose, a file's block); otherwise nothing, and it is
// packed. A dimension of one has no stride to check.
std::optional<blas::Operand> in_place(const ResolvedAccess& r, CType type, int64_t rows, int64_t cols) {
  const Access& a = *r.access;
  const DType want = type == CType::F64 ? DType::F64 : DType::F32;
  if ((a.kind != Access::Kind::Chunk && a.kind != Access::Kind::File) || a.dtype != want || a.byteswap || a.strides.size() != 2) return std::nullopt;
  // A mapped file after a fault inside the BLAS (see run_blas), and data not aligned to its item
  // (a raw file at an odd offset), are packed.
  if (a.kind == Access::Kind::File && blas_fault_seen.load(std::memory_order_relaxed)) return std::nullopt;
  if (reinterpret_cast<uintptr_t>(r.data) % r.item != 0) return std::nullopt;
  const int64_t s0 = a.strides[0], s1 = a.strides[1];
  const void* data = r.data + a.base * static_cast<int64_t>(r.item);
  std::optional<blas::Operand> view;
  if ((cols <= 1 || s1 == 1) && (rows <= 1 || s0 >= cols)) view = blas::Operand{data, rows <= 1 ? std::max<int64_t>(cols, 1) : s0, false};
  else if ((rows <= 1 || s0 == 1) && (cols <= 1 || s1 >= rows)) view = blas::Operand{data, cols <= 1 ? std::max<int64_t>(rows, 1) : s1, true};
  if (view && view->ld > std::numeric_limits<int>::max()) return std::nullopt;
  return view;
}

// One BLAS product as guarded_read runs it: plain values only (a fault jumps out of it).
struct GemmCall {
  bool f32, accumulate;
  void* c;
  int64_t ldc;
  blas::Operand a, b;
  int64_t m, n, k;
  bool ok;
};

void run_gemm(void* arg) {
  auto* g = static_cast<GemmCall*>(arg);
  g->ok = blas::gemm(g->f32, g->accumulate, g->c, g->ldc, g->a, g->b, g->m, g->n, g->k);
}

// A float block through the BLAS, written straight into the output chunk: the first pair sets it,
// the others add to it; operands are read in place where they can be. The BLAS reads a mapped
// file's block under guarded_read, as the evaluator does: a file truncated meanwhile is
// INPUT_CHANGED, not a SIGBUS that ends the process.
TaskResult run_blas(const MatmulTask& t) {
  const bool f32 = t.type == CType::F32;
  auto out = ChunkStore::instance().allocate(t.out_dtype, {t.m, t.n}, t.owner);
  if (t.a.empty()) std::memset(out->data, 0, out->nbytes);
  TaskResult r;
  std::vector<uint8_t> pa, pb;
  for (size_t i = 0; i < t.a.size(); ++i) {
    const int64_t k = t.k[i];
    auto operand = [&](const Access& acc, int64_t rows, int64_t cols, std::vector<uint8_t>& buf) {
      std::vector<Access> one{acc};
      auto ops = resolve_accesses(one, {rows, cols});
      if (auto view = in_place(ops[0], t.type, rows, cols)) {
        r.bytes_in += total_bytes_in(ops);
        ResolvedAccess kept = ops[0];  // keeps the chunk or mapping alive while the BLAS reads it
        kept.access = nullptr;         // (it pointed into `one`, gone with this call)
        return std::make_pair(*view, kept);
      }
      r.bytes_in += pack(acc, t.type, rows, cols, buf);
      return std::make_pair(blas::Operand{buf.data(), std::max<int64_t>(cols, 1), false}, ResolvedAccess{});
    };
    auto [a, keep_a] = operand(t.a[i], t.m, k, pa);
    auto [b, keep_b] = operand(t.b[i], k, t.n, pb);
    GemmCall call{f32, i > 0, out->data, t.n, a, b, t.m, t.n, k, false};
    try {
      run_reading(run_gemm, &call, {&keep_a, &keep_b});
    } catch (const Error&) {  // a read faulted inside the BLAS: INPUT_CHANGED
      blas_fault_seen.store(true, std::memory_order_relaxed);
      throw;
    }
    if (!call.ok) throw Error("INTERNAL", "the BLAS refused a matmul block", "this is a bug, please report it");
  }
  r.bytes_out = static_cast<int64_t>(out->nbytes);
  r.chunk = ChunkStore::instance().publish(out);
  return r;
}

TaskResult run(const MatmulTask& t) {
  if (t.a.size() != t.b.size() || t.a.size() != t.k.size()) throw Error("INTERNAL", "matmul pairs mismatch", "this is a planner bug");
  const bool float_out = (t.type == CType::F64 && t.out_dtype == DType::F64) || (t.type == CType::F32 && t.out_dtype == DType::F32);
  bool fits_int = t.m <= std::numeric_limits<int>::max() && t.n <= std::numeric_limits<int>::max();
  for (int64_t k : t.k) fits_int = fits_int && k <= std::numeric_limits<int>::max();
  if (float_out && fits_int && blas::optimised()) return run_blas(t);
  // Integers and bools, or no optimised BLAS (or a block past its int sizes): the own blocked
  // kernel over packed operands.
  const OpTable& table = op_table();
  const int ty = static_cast<int>(t.type);
  const size_t csz = ctype_size(t.type);
  std::vector<uint8_t> c(static_cast<size_t>(element_count({t.m, t.n, static_cast<int64_t>(csz)}, "a matmul block")), 0);
  std::vector<uint8_t> pa, pb;
  TaskResult r;
  for (size_t i = 0; i < t.a.size(); ++i) {
    r.bytes_in += pack(t.a[i], t.type, t.m, t.k[i], pa);
    r.bytes_in += pack(t.b[i], t.type, t.k[i], t.n, pb);
    table.matmul_acc[ty](c.data(), pa.data(), pb.data(), t.m, t.n, t.k[i]);
  }
  auto out = ChunkStore::instance().allocate(t.out_dtype, {t.m, t.n}, t.owner);
  table.store[ty][static_cast<int>(t.out_dtype)](out->data, c.data(), t.m * t.n);
  r.bytes_out = static_cast<int64_t>(out->nbytes);
  r.chunk = ChunkStore::instance().publish(out);
  return r;
}

}  // namespace

extern const TaskKind kMatmulKind = task_kind<MatmulTask, decode, run>();

}  // namespace tessera
