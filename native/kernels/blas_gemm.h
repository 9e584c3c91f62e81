// Float matrix products through the BLAS that LAPACK brought (kernels/linalg.h), when it is an
// optimised one: OpenBLAS's packed, register-blocked dgemm/sgemm run 2.6x faster a core here than
// the cache-blocked loops of simd/matmul.h. Found at run time: with Debian's reference BLAS (which
// is slower than those loops) the caller keeps its own kernel. OpenBLAS is set to one thread, since
// the engine already runs one task per worker.
#pragma once
#include <cstdint>

namespace tessera::blas {

// Whether the BLAS that LAPACK brought is OpenBLAS; the first call sets it to one thread. LAPACK's
// callers (kernels/linalg.cc) call it first for that.
bool optimised();

// c (m x n) += a (m x k) . b (k x n), all row-major and contiguous, float64 or float32 (f32).
// Returns false, touching nothing, when no optimised BLAS is loaded.
bool gemm_accumulate(bool f32, void* c, const void* a, const void* b, int64_t m, int64_t n, int64_t k);

}  // namespace tessera::blas
