#include "linalg.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../common/error.h"
#include "blas_gemm.h"

// LAPACK's Fortran entry points (every LAPACK provides them; no LAPACKE needed).
extern "C" {
void dlatsqr_(const int* m, const int* n, const int* mb, const int* nb, double* a, const int* lda, double* t, const int* ldt, double* work,
              const int* lwork, int* info);
void dorgtsqr_(const int* m, const int* n, const int* mb, const int* nb, double* a, const int* lda, const double* t, const int* ldt,
               double* work, const int* lwork, int* info);
void dgesdd_(const char* jobz, const int* m, const int* n, double* a, const int* lda, double* s, double* u, const int* ldu, double* vt,
             const int* ldvt, double* work, const int* lwork, int* iwork, int* info);
void dgesv_(const int* n, const int* nrhs, double* a, const int* lda, int* ipiv, double* b, const int* ldb, int* info);
}

namespace tessera::linalg {

namespace {

int as_int(int64_t v, const char* what) {
  if (v < 0 || v > 2147483647) throw Error("NOT_SUPPORTED", std::string(what) + " is too large for LAPACK (2^31 rows or columns)", "use smaller blocks");
  return static_cast<int>(v);
}

// f(i, j) over an m x n block in 32 x 32 tiles: a copy between row-major and column-major order
// keeps both sides in cache.
template <class F> void by_tiles(int64_t m, int64_t n, F f) {
  constexpr int64_t kTile = 32;
  for (int64_t i0 = 0; i0 < m; i0 += kTile)
    for (int64_t j0 = 0; j0 < n; j0 += kTile)
      for (int64_t i = i0; i < std::min(m, i0 + kTile); ++i)
        for (int64_t j = j0; j < std::min(n, j0 + kTile); ++j) f(i, j);
}

// Column-major copy of a row-major m x n block.
std::vector<double> col_major(const double* a, int64_t m, int64_t n) {
  std::vector<double> c(static_cast<size_t>(m * n));
  by_tiles(m, n, [&](int64_t i, int64_t j) { c[static_cast<size_t>(j * m + i)] = a[i * n + j]; });
  return c;
}

void check(int info, const char* routine) {
  if (info < 0) throw Error("INTERNAL", std::string(routine) + ": argument " + std::to_string(-info) + " is invalid", "this is a bug, please report it");
}

}  // namespace

// LAPACK's tall-skinny QR (dlatsqr, and dorgtsqr for Q): the block's rows are factored in row
// blocks of about 1 MiB, each folded into R while it is in cache, where dgeqrf/dorgqr stream the
// whole block through each of their panels: 3x faster for a 50,000 x 100 block here.
void qr(const double* a, int64_t m64, int64_t n64, double* q, double* r) {
  blas::optimised();  // OpenBLAS on one thread: the engine runs a task per worker
  const int m = as_int(m64, "a QR block"), n = as_int(n64, "a QR block");
  if (m < n || n < 1) throw Error("INTERNAL", "a QR block has fewer rows than columns", "this is a planner bug, please report it");
  std::vector<double> c = col_major(a, m, n);
  // Row blocks: more rows than columns (else dlatsqr factors the block in one), ~1 MiB each.
  const int mb = std::max(n + 1, std::max(2 * n, static_cast<int>((int64_t{1} << 17) / n)));
  const int nb = std::min(n, 32);
  const int64_t row_blocks = m <= mb ? 1 : (m - n + (mb - n) - 1) / (mb - n);
  const int ldt = nb;
  std::vector<double> t(static_cast<size_t>(int64_t{ldt} * n * row_blocks));
  std::vector<double> work(static_cast<size_t>((int64_t{m} + nb) * n));
  const int lwork = as_int(static_cast<int64_t>(work.size()), "a QR block's workspace");
  int info = 0;
  dlatsqr_(&m, &n, &mb, &nb, c.data(), &m, t.data(), &ldt, work.data(), &lwork, &info);
  check(info, "dlatsqr");
  // R: the upper triangle; its signs made non-negative below.
  std::vector<double> sign(static_cast<size_t>(n), 1.0);
  for (int i = 0; i < n; ++i) {
    const double d = c[static_cast<size_t>(i * m + i)];
    sign[static_cast<size_t>(i)] = d < 0 ? -1.0 : 1.0;
    for (int j = 0; j < n; ++j) r[i * n + j] = j >= i ? sign[static_cast<size_t>(i)] * c[static_cast<size_t>(j * m + i)] : 0.0;
  }
  dorgtsqr_(&m, &n, &mb, &nb, c.data(), &m, t.data(), &ldt, work.data(), &lwork, &info);
  check(info, "dorgtsqr");
  by_tiles(m, n, [&](int64_t i, int64_t j) { q[i * n + j] = sign[static_cast<size_t>(j)] * c[static_cast<size_t>(j * m + i)]; });
}

void svd(const double* a, int64_t n64, double* u, double* s, double* vt) {
  blas::optimised();
  const int n = as_int(n64, "an SVD block");
  if (n == 0) return;
  std::vector<double> c = col_major(a, n, n), uc(static_cast<size_t>(n * n)), vc(static_cast<size_t>(n * n));
  std::vector<int> iwork(static_cast<size_t>(8 * n));
  int info = 0, lwork = -1;
  double query = 0;
  const char jobz = 'S';
  dgesdd_(&jobz, &n, &n, c.data(), &n, s, uc.data(), &n, vc.data(), &n, &query, &lwork, iwork.data(), &info);
  lwork = std::max(1, static_cast<int>(query));
  std::vector<double> work(static_cast<size_t>(lwork));
  dgesdd_(&jobz, &n, &n, c.data(), &n, s, uc.data(), &n, vc.data(), &n, work.data(), &lwork, iwork.data(), &info);
  check(info, "dgesdd");
  if (info > 0) throw Error("LINALG_ERROR", "SVD did not converge", "the matrix may hold NaN or inf");
  for (int k = 0; k < n; ++k) {
    // The pair's sign: its right vector's largest component positive.
    int at = 0;
    for (int j = 1; j < n; ++j)
      if (std::fabs(vc[static_cast<size_t>(j * n + k)]) > std::fabs(vc[static_cast<size_t>(at * n + k)])) at = j;
    const double f = vc[static_cast<size_t>(at * n + k)] < 0 ? -1.0 : 1.0;
    for (int i = 0; i < n; ++i) {
      u[i * n64 + k] = f * uc[static_cast<size_t>(k * n + i)];   // column k of U
      vt[k * n64 + i] = f * vc[static_cast<size_t>(i * n + k)];  // row k of Vt
    }
  }
}

void solve(const double* a, const double* b, int64_t n64, int64_t k64, double* x) {
  blas::optimised();
  const int n = as_int(n64, "a system"), k = as_int(k64, "a system's right-hand side");
  if (n == 0 || k == 0) return;
  std::vector<double> ac = col_major(a, n, n), bc = col_major(b, n, k);
  std::vector<int> ipiv(static_cast<size_t>(n));
  int info = 0;
  dgesv_(&n, &k, ac.data(), &n, ipiv.data(), bc.data(), &n, &info);
  check(info, "dgesv");
  if (info > 0) throw Error("LINALG_ERROR", "Singular matrix", "the system has no unique solution: check the matrix's rank (np.linalg.lstsq is not available here)");
  for (int64_t i = 0; i < n64; ++i)
    for (int64_t j = 0; j < k64; ++j) x[i * k64 + j] = bc[static_cast<size_t>(j * n64 + i)];
}

}  // namespace tessera::linalg
