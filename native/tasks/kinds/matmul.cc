// The matmul kind: one output block of a matrix product, the sum over k-blocks of a[i] @ b[i]; each
// operand block is packed into a contiguous buffer of the compute type first.
//   fields: ctype, m, n, outDtype, [pairs, ...(k, accessA, accessB)]
#include <cstring>
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

TaskResult run(const MatmulTask& t) {
  if (t.a.size() != t.b.size() || t.a.size() != t.k.size()) throw Error("INTERNAL", "matmul pairs mismatch", "this is a planner bug");
  const OpTable& table = op_table();
  const int ty = static_cast<int>(t.type);
  const size_t csz = ctype_size(t.type);
  std::vector<uint8_t> c(static_cast<size_t>(element_count({t.m, t.n, static_cast<int64_t>(csz)}, "a matmul block")), 0);
  std::vector<uint8_t> pa, pb;
  TaskResult r;
  // Packs an operand block into a contiguous row-major buffer of the compute type.
  auto pack = [&](const Access& acc, int64_t rows, int64_t cols, std::vector<uint8_t>& buf) {
    buf.assign(static_cast<size_t>(element_count({rows, cols, static_cast<int64_t>(csz)}, "a matmul operand block")), 0);
    std::vector<Access> one{acc};
    std::vector<int64_t> shape{rows, cols};
    auto ops = resolve_accesses(one, shape);
    r.bytes_in += total_bytes_in(ops);
    Program copy;
    copy.nregs = 1;
    copy.result = 0;
    copy.result_type = t.type;
    Instr load{};
    load.op = Op::Load; load.type = t.type; load.dst = 0; load.a = 0;
    copy.code.push_back(load);
    evaluate(copy, ops, shape, [&](const void* v, int64_t len, const std::vector<int64_t>& outer, int64_t j0) {
      std::memcpy(buf.data() + static_cast<size_t>(outer[0] * cols + j0) * csz, v, static_cast<size_t>(len) * csz);
    });
  };
  for (size_t i = 0; i < t.a.size(); ++i) {
    pack(t.a[i], t.m, t.k[i], pa);
    pack(t.b[i], t.k[i], t.n, pb);
    const bool is_float = t.type == CType::F64 || t.type == CType::F32;
    if (!is_float || !blas::gemm_accumulate(t.type == CType::F32, c.data(), pa.data(), pb.data(), t.m, t.n, t.k[i]))
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
