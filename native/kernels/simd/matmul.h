// Matmul blocks.
// Part of ops_impl.h: included inside its per-level anonymous namespace (see there), never alone.
// Cache-blocked i-k-j order: the innermost loop is an axpy over a row of B and a row of C, which
// vectorises at every level; tiles keep a panel of B and a row block of C in L1/L2.
template <class T> void k_matmul_acc(void* c_, const void* a_, const void* b_, int64_t m, int64_t n, int64_t k) {
  T* __restrict c = static_cast<T*>(c_);
  const T* __restrict a = static_cast<const T*>(a_);
  const T* __restrict b = static_cast<const T*>(b_);
  constexpr int64_t TI = 32, TK = 128, TJ = 512;
  for (int64_t j0 = 0; j0 < n; j0 += TJ) {
    int64_t j1 = j0 + TJ < n ? j0 + TJ : n;
    for (int64_t k0 = 0; k0 < k; k0 += TK) {
      int64_t k1 = k0 + TK < k ? k0 + TK : k;
      for (int64_t i0 = 0; i0 < m; i0 += TI) {
        int64_t i1 = i0 + TI < m ? i0 + TI : m;
        for (int64_t i = i0; i < i1; ++i) {
          T* __restrict crow = c + i * n;
          for (int64_t kk = k0; kk < k1; ++kk) {
            T av = a[i * k + kk];
            const T* __restrict brow = b + kk * n;
            for (int64_t j = j0; j < j1; ++j) crow[j] = wrap_add(crow[j], wrap_mul(av, brow[j]));
          }
        }
      }
    }
  }
}
