// The linalg kind: one LAPACK factorisation of whole float64 chunks (kernels/linalg.h), packed into
// one output chunk the planner slices:
//   qr    (a: m x n)             -> (m + n) x n: Q's rows, then R's
//   svd   (a: n x n)             -> (2n + 1) x n: U's rows, the singular values, Vt's rows
//   solve (a: n x n, b: n x k)   -> n x k
//   fields: fn (0 qr, 1 svd, 2 solve), then its operands as dependencies
#include <limits>

#include "../../common/error.h"
#include "../../kernels/linalg.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct LinalgTask {
  int fn = 0;
  uint64_t a = 0, b = 0;
  int owner = 0;
};

LinalgTask decode(Reader& r, int owner) {
  LinalgTask t;
  t.fn = static_cast<int>(r.integer(0, 2));
  t.a = r.chunk_ref();
  if (t.fn == 2) t.b = r.chunk_ref();
  t.owner = owner;
  return t;
}

// A float64 chunk; `two_d`: a matrix (a right-hand side may be a vector's chunk, read as n x 1).
std::shared_ptr<Chunk> operand(uint64_t id, const char* what, bool two_d) {
  auto c = ChunkStore::instance().get_dense(id);
  if (c->dtype != DType::F64 || (two_d && c->shape.size() != 2))
    throw Error("INTERNAL", std::string("a linalg task's ") + what + " is not a float64 matrix chunk", "this is a planner bug, please report it");
  return c;
}

TaskResult run(const LinalgTask& t) {
  auto a = operand(t.a, "operand", true);
  const int64_t m = a->shape[0], n = a->shape[1];
  const auto* pa = reinterpret_cast<const double*>(a->data);
  if (t.fn == 0) {
    auto out = ChunkStore::instance().allocate(DType::F64, {m + n, n}, t.owner);
    auto* po = reinterpret_cast<double*>(out->data);
    linalg::qr(pa, m, n, po, po + m * n);
    return publish_result(out, static_cast<int64_t>(a->nbytes));
  }
  if (m != n) throw Error("INTERNAL", "a linalg task's matrix is not square", "this is a planner bug, please report it");
  if (t.fn == 1) {
    auto out = ChunkStore::instance().allocate(DType::F64, {2 * n + 1, n}, t.owner);
    auto* po = reinterpret_cast<double*>(out->data);
    linalg::svd(pa, n, po, po + n * n, po + n * n + n);
    return publish_result(out, static_cast<int64_t>(a->nbytes));
  }
  auto b = operand(t.b, "right-hand side", false);
  const int64_t k = n ? b->size() / n : 0;
  if (b->shape.empty() || b->shape[0] != n || k * n != b->size()) throw Error("INTERNAL", "a linalg task's right-hand side does not match its matrix", "this is a planner bug, please report it");
  auto out = ChunkStore::instance().allocate(DType::F64, {n, k}, t.owner);
  linalg::solve(pa, reinterpret_cast<const double*>(b->data), n, k, reinterpret_cast<double*>(out->data));
  return publish_result(out, static_cast<int64_t>(a->nbytes + b->nbytes));
}

}  // namespace

extern const TaskKind kLinalgKind = task_kind<LinalgTask, decode, run>();

}  // namespace tessera
