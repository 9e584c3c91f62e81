#include "chunk_boxes.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "../common/dtype.h"

namespace tessera {

namespace {
template <size_t N> void copy_swapped(uint8_t* dst, const uint8_t* src, size_t count) {
  for (size_t i = 0; i < count; ++i)
    for (size_t b = 0; b < N; ++b) dst[i * N + b] = src[i * N + (N - 1 - b)];
}
void copy_row(uint8_t* dst, const uint8_t* src, size_t count, size_t elem, bool swap) {
  if (!swap || elem == 1) {
    std::memcpy(dst, src, count * elem);
    return;
  }
  if (elem == 2) copy_swapped<2>(dst, src, count);
  else if (elem == 4) copy_swapped<4>(dst, src, count);
  else copy_swapped<8>(dst, src, count);
}
}  // namespace

void copy_overlap(const uint8_t* src, const std::vector<int64_t>& src_at, const std::vector<int64_t>& src_shape,
                  uint8_t* dst, const std::vector<int64_t>& dst_at, const std::vector<int64_t>& dst_shape, size_t elem, bool swap) {
  const size_t nd = src_shape.size();
  if (nd == 0) {
    copy_row(dst, src, 1, elem, swap);
    return;
  }
  std::vector<int64_t> lo(nd), len(nd);
  for (size_t d = 0; d < nd; ++d) {
    lo[d] = std::max(src_at[d], dst_at[d]);
    const int64_t hi = std::min(src_at[d] + src_shape[d], dst_at[d] + dst_shape[d]);
    len[d] = hi - lo[d];
    if (len[d] <= 0) return;
  }
  // Strides in elements of both boxes.
  std::vector<int64_t> ss(nd, 1), ds(nd, 1);
  for (size_t d = nd - 1; d-- > 0;) {
    ss[d] = ss[d + 1] * src_shape[d + 1];
    ds[d] = ds[d + 1] * dst_shape[d + 1];
  }
  std::vector<int64_t> i(nd, 0);  // position within the overlap, last dimension done per row
  for (;;) {
    int64_t so = 0, dof = 0;
    for (size_t d = 0; d < nd; ++d) {
      so += (lo[d] - src_at[d] + i[d]) * ss[d];
      dof += (lo[d] - dst_at[d] + i[d]) * ds[d];
    }
    copy_row(dst + dof * static_cast<int64_t>(elem), src + so * static_cast<int64_t>(elem), static_cast<size_t>(len[nd - 1]), elem, swap);
    size_t d = nd - 1;
    for (;;) {
      if (d == 0) return;
      --d;
      if (++i[d] < len[d]) break;
      i[d] = 0;
    }
  }
}

int64_t contiguous_offset(const std::vector<int64_t>& src_at, const std::vector<int64_t>& src_shape,
                          const std::vector<int64_t>& dst_at, const std::vector<int64_t>& dst_shape) {
  const size_t nd = src_shape.size();
  if (nd == 0) return 0;
  if (src_at[0] < dst_at[0] || src_at[0] + src_shape[0] > dst_at[0] + dst_shape[0]) return -1;
  int64_t row = 1;
  for (size_t d = 1; d < nd; ++d) {
    if (src_at[d] != dst_at[d] || src_shape[d] != dst_shape[d]) return -1;
    row *= dst_shape[d];
  }
  return (src_at[0] - dst_at[0]) * row;
}

void fill_elements(uint8_t* dst, size_t n, int dtype_code, const std::string& value) {
  auto fill = [&](auto v) {
    using T = decltype(v);
    T* p = reinterpret_cast<T*>(dst);
    std::fill(p, p + n, v);
  };
  const char* text = value.c_str();
  const long long i = std::strtoll(text, nullptr, 10);
  switch (static_cast<DType>(dtype_code)) {
    case DType::F64: fill(std::strtod(text, nullptr)); break;
    case DType::F32: fill(std::strtof(text, nullptr)); break;
    case DType::I64: fill(static_cast<int64_t>(i)); break;
    case DType::I32: fill(static_cast<int32_t>(i)); break;
    case DType::I16: fill(static_cast<int16_t>(i)); break;
    case DType::I8: fill(static_cast<int8_t>(i)); break;
    case DType::U64: fill(static_cast<uint64_t>(std::strtoull(text, nullptr, 10))); break;
    case DType::U32: fill(static_cast<uint32_t>(std::strtoull(text, nullptr, 10))); break;
    case DType::U16: fill(static_cast<uint16_t>(std::strtoull(text, nullptr, 10))); break;
    case DType::U8: fill(static_cast<uint8_t>(std::strtoull(text, nullptr, 10))); break;
    case DType::Bool: fill(static_cast<uint8_t>(value != "0" && value != "false" && value != "0.0")); break;
  }
}

}  // namespace tessera
