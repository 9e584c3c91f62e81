// Dense linear algebra on one block, through LAPACK (Debian's liblapack, or OpenBLAS's): the thin
// QR of a tall block, the SVD of a small square one and the solution of a square system. Blocks are
// row-major float64, as chunks are; LAPACK's column-major copies are made here. Each result is
// made unique where the factorisation allows it, so results do not depend on the chunking: R's
// diagonal is non-negative (Q's columns flipped with it), and each singular vector pair is
// signed so that the largest component of its right vector is positive.
#pragma once
#include <cstdint>

namespace tessera::linalg {

// a: m x n (m >= n). q: m x n, r: n x n (upper triangular, diagonal >= 0).
void qr(const double* a, int64_t m, int64_t n, double* q, double* r);

// a: n x n. u: n x n, s: n (descending), vt: n x n.
void svd(const double* a, int64_t n, double* u, double* s, double* vt);

// a: n x n, b: n x k (row-major); x: n x k. Error("LINALG_ERROR", "Singular matrix") if a is.
void solve(const double* a, const double* b, int64_t n, int64_t k, double* x);

}  // namespace tessera::linalg
