// What every task kind shares: how a task reads an operand (Access), what a reduction computes
// (ReduceSpec) and what a task reports (TaskResult). Each kind's own task struct lives in its
// module under tasks/kinds/.
#pragma once
#include <cstdint>
#include <vector>

#include "../common/dtype.h"
#include "../kernels/op_table.h"

namespace tessera {

// How a task reads one operand: element index = base + sum(i_d * strides[d]) over the task's
// iteration index i. For chunks and files the index is into their C-order element space; for
// generators it is the element's global index (what makes random arrays chunking-independent).
struct Access {
  enum class Kind : uint8_t { Chunk, File, Uniform, Normal, Arange } kind = Kind::Chunk;
  DType dtype = DType::F64;   // Chunk and File: the stored dtype
  bool byteswap = false;      // File: big-endian data
  uint64_t chunk = 0;
  int file = 0;
  int64_t data_offset = 0;    // File: byte offset of element 0
  int64_t data_elements = 0;  // File: elements available (bounds check)
  int64_t base = 0;
  std::vector<int64_t> strides;
  uint64_t seed = 0;          // Uniform, Normal
  double start = 0, step = 1; // Arange
};

struct ReduceSpec {
  ReduceKind kind = ReduceKind::Sum;
  CType acc = CType::F64;     // the accumulator type; the program's result has this type
  int ddof = 0;               // Var (std is var + sqrt at finalize)
  bool sqrt = false;          // std
  DType out_dtype = DType::F64;
};

struct TaskResult {
  uint64_t chunk = 0;      // 0 when the task produced no chunk
  int64_t bytes_in = 0;
  int64_t bytes_out = 0;
};

}  // namespace tessera
