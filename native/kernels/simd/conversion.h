// Storage <-> compute: gathering stored elements (any dtype, either byte order, any stride)
// into the compute types, and storing them back.
// Part of ops_impl.h: included inside its per-level anonymous namespace (see there), never alone.

template <class S> S byteswap(S v) {
  if constexpr (sizeof(S) == 1) return v;
  unsigned char b[sizeof(S)];
  std::memcpy(b, &v, sizeof(S));
  for (size_t i = 0; i < sizeof(S) / 2; ++i) {
    unsigned char x = b[i];
    b[i] = b[sizeof(S) - 1 - i];
    b[sizeof(S) - 1 - i] = x;
  }
  std::memcpy(&v, b, sizeof(S));
  return v;
}

template <class S, class T> void k_gather(void* o_, const uint8_t* src, int64_t stride, int64_t n, bool swap) {
  T* __restrict o = static_cast<T*>(o_);
  // The contiguous path reads S values in place, so only when they are aligned (a raw file's
  // data may start at any byte offset: those go through memcpy below).
  if (!swap && stride == static_cast<int64_t>(sizeof(S)) && reinterpret_cast<uintptr_t>(src) % alignof(S) == 0) {
    const S* __restrict s = reinterpret_cast<const S*>(src);
    for (int64_t i = 0; i < n; ++i) o[i] = convert_number<T, S>(s[i]);
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    S v;
    std::memcpy(&v, src + i * stride, sizeof(S));
    if (swap) v = byteswap(v);
    o[i] = convert_number<T, S>(v);
  }
}
template <class T> void k_gather_bool(void* o_, const uint8_t* src, int64_t stride, int64_t n, bool) {
  T* __restrict o = static_cast<T*>(o_);
  for (int64_t i = 0; i < n; ++i) o[i] = src[i * stride] != 0 ? 1 : 0;
}
template <class T, class S> void k_store(uint8_t* dst, const void* v_, int64_t n) {
  S* __restrict d = reinterpret_cast<S*>(dst);
  const T* __restrict v = static_cast<const T*>(v_);
  for (int64_t i = 0; i < n; ++i) d[i] = convert_number<S, T>(v[i]);
}
template <class T> void k_store_bool(uint8_t* dst, const void* v_, int64_t n) {
  const T* __restrict v = static_cast<const T*>(v_);
  for (int64_t i = 0; i < n; ++i) dst[i] = v[i] != 0 ? 1 : 0;
}
