// Boxes of elements in C order: copying the overlap of a stored chunk (HDF5's, Zarr's) into a
// task's region, and filling a box with a fill value. Both in the dataset's coordinates.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

// Copies the overlap of a box `src_shape` at `src_at` (a decoded chunk, C order) into a box
// `dst_shape` at `dst_at` (the task's region), both in the dataset's coordinates; elements of
// `elem` bytes, byte-swapped when `swap`. Where the chunk runs past the dataset's edge the overlap
// is cut by the region anyway.
void copy_overlap(const uint8_t* src, const std::vector<int64_t>& src_at, const std::vector<int64_t>& src_shape,
                  uint8_t* dst, const std::vector<int64_t>& dst_at, const std::vector<int64_t>& dst_shape, size_t elem, bool swap);

// Where a stored chunk's elements land as one contiguous run of a region (C order), so it can be
// decoded straight into it: the element offset in the region, or -1. True when the chunk lies
// inside the region and spans it whole along every dimension but the first.
int64_t contiguous_offset(const std::vector<int64_t>& src_at, const std::vector<int64_t>& src_shape,
                          const std::vector<int64_t>& dst_at, const std::vector<int64_t>& dst_shape);

// Fills a box of `n` elements with `value`, decimal text ("nan" and "inf" for floats, exact for
// 64-bit integers), as the element type named by `dtype_code` (common/dtype.h's DType).
void fill_elements(uint8_t* dst, size_t n, int dtype_code, const std::string& value);

}  // namespace tessera
