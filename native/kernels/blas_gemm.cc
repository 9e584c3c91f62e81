#include "blas_gemm.h"

#include <dlfcn.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <mutex>

extern "C" {
void dgemm_(const char* ta, const char* tb, const int* m, const int* n, const int* k, const double* alpha, const double* a, const int* lda,
            const double* b, const int* ldb, const double* beta, double* c, const int* ldc);
void sgemm_(const char* ta, const char* tb, const int* m, const int* n, const int* k, const float* alpha, const float* a, const int* lda,
            const float* b, const int* ldb, const float* beta, float* c, const int* ldc);
}

namespace tessera::blas {

// Whether the library that provides dgemm_ is OpenBLAS (it exports openblas_set_num_threads); if
// so, it is set to one thread. The addon's libraries are loaded locally, so the lookup goes
// through the library that holds dgemm_ rather than the global namespace.
bool optimised() {
  static bool ok = false;
  static std::once_flag once;
  std::call_once(once, [] {
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void*>(&dgemm_), &info) || !info.dli_fname) return;
    void* lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    if (!lib) return;
    using SetThreads = void (*)(int);
    if (auto set = reinterpret_cast<SetThreads>(dlsym(lib, "openblas_set_num_threads"))) {
      set(1);
      ok = true;
    }
    dlclose(lib);
  });
  return ok;
}

bool gemm(bool f32, bool accumulate, void* c, int64_t ldc, Operand a, Operand b, int64_t m, int64_t n, int64_t k) {
  for (int64_t v : {m, n, k, ldc, a.ld, b.ld})
    if (v > INT_MAX) return false;
  if (!optimised()) return false;
  if (m == 0 || n == 0) return true;
  // A leading dimension below what the BLAS checks would have it stop the process (xerbla).
  const int64_t need_b = b.column_major ? k : n, need_a = a.column_major ? m : k;
  if (ldc < n || b.ld < std::max<int64_t>(1, need_b) || a.ld < std::max<int64_t>(1, need_a)) return false;
  if (k == 0) {
    if (!accumulate)
      for (int64_t i = 0; i < m; ++i) std::memset(static_cast<uint8_t*>(c) + i * ldc * (f32 ? 4 : 8), 0, static_cast<size_t>(n) * (f32 ? 4 : 8));
    return true;
  }
  // Row-major C = A.B is column-major C^T = B^T.A^T: a row-major operand is its transpose in
  // column-major order as it lies ('N'), a column-major one is itself ('T' makes the transpose).
  const int M = static_cast<int>(n), N = static_cast<int>(m), K = static_cast<int>(k);
  const int LDB = static_cast<int>(b.ld), LDA = static_cast<int>(a.ld), LDC = static_cast<int>(ldc);
  const char tb = b.column_major ? 'T' : 'N', ta = a.column_major ? 'T' : 'N';
  // With beta = 0 the BLAS does not read c (whatever garbage or NaN a fresh chunk holds).
  if (f32) {
    const float one = 1, beta = accumulate ? 1.0f : 0.0f;
    sgemm_(&tb, &ta, &M, &N, &K, &one, static_cast<const float*>(b.data), &LDB, static_cast<const float*>(a.data), &LDA, &beta,
           static_cast<float*>(c), &LDC);
  } else {
    const double one = 1, beta = accumulate ? 1.0 : 0.0;
    dgemm_(&tb, &ta, &M, &N, &K, &one, static_cast<const double*>(b.data), &LDB, static_cast<const double*>(a.data), &LDA, &beta,
           static_cast<double*>(c), &LDC);
  }
  return true;
}

}  // namespace tessera::blas
