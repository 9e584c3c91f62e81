#include "blas_gemm.h"

#include <dlfcn.h>

#include <climits>
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

bool gemm_accumulate(bool f32, void* c, const void* a, const void* b, int64_t m, int64_t n, int64_t k) {
  if (m > INT_MAX || n > INT_MAX || k > INT_MAX || !optimised()) return false;
  if (m == 0 || n == 0 || k == 0) return true;
  // Row-major C = A.B is column-major C^T = B^T.A^T: the same buffers, the operands swapped.
  const int M = static_cast<int>(n), N = static_cast<int>(m), K = static_cast<int>(k);
  const char no = 'N';
  if (f32) {
    const float one = 1;
    sgemm_(&no, &no, &M, &N, &K, &one, static_cast<const float*>(b), &M, static_cast<const float*>(a), &K, &one, static_cast<float*>(c), &M);
  } else {
    const double one = 1;
    dgemm_(&no, &no, &M, &N, &K, &one, static_cast<const double*>(b), &M, static_cast<const double*>(a), &K, &one, static_cast<double*>(c), &M);
  }
  return true;
}

}  // namespace tessera::blas
