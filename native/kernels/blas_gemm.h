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

// A matrix operand as it lies in memory, read where it is (a chunk or a mapped file): row-major
// with `ld` elements between rows (ld >= its columns), or, when `column_major`, `ld` elements
// between columns (ld >= its rows), as a transposed view is.
struct Operand {
  const void* data = nullptr;
  int64_t ld = 0;
  bool column_major = false;
};

// c (m x n, row-major, ldc >= n) = a (m x k) . b (k x n), or += it when `accumulate`; float64, or
// float32 when `f32`. Returns false, touching nothing, when no optimised BLAS is loaded or a size
// or leading dimension does not fit the BLAS's int.
bool gemm(bool f32, bool accumulate, void* c, int64_t ldc, Operand a, Operand b, int64_t m, int64_t n, int64_t k);

}  // namespace tessera::blas
