// Task descriptions: plain structs the binding layer fills from JS objects (validated there by the
// TS layer first, checked again here for anything that could read out of bounds).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../common/dtype.h"
#include "../kernels/op_table.h"
#include "../kernels/program.h"

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

struct MapTask {
  std::shared_ptr<const Program> program;
  std::vector<Access> accesses;
  std::vector<int64_t> iter_shape;
  DType out_dtype = DType::F64;
  std::vector<int64_t> out_shape;  // same element count as iter_shape (a reshape relabels)
  int owner = 0;
};

struct ReduceSpec {
  ReduceKind kind = ReduceKind::Sum;
  CType acc = CType::F64;     // the accumulator type; the program's result has this type
  int ddof = 0;               // Var (std is var + sqrt at finalize)
  bool sqrt = false;          // std
  DType out_dtype = DType::F64;
};

struct ReduceTask {
  std::shared_ptr<const Program> program;
  std::vector<Access> accesses;
  std::vector<int64_t> iter_shape;
  std::vector<uint8_t> reduced;        // per iteration dim: 1 if reduced
  int64_t index_base = 0;              // argmin/argmax: the index of iteration point 0
  std::vector<int64_t> index_strides;  // per iteration dim
  ReduceSpec spec;
  bool finalize = false;               // produce the output chunk directly
  std::vector<int64_t> out_shape;      // when finalizing
  int owner = 0;
};

struct CombineTask {
  std::vector<uint64_t> partials;      // in index order
  ReduceSpec spec;
  bool finalize = false;
  std::vector<int64_t> out_shape;
  int owner = 0;
};

struct AssemblePiece {
  Access source;                       // a Chunk access over the piece's shape
  std::vector<int64_t> shape;
  std::vector<int64_t> dest_offset;
};

struct AssembleTask {
  DType dtype = DType::F64;
  std::vector<int64_t> out_shape;
  std::vector<AssemblePiece> pieces;
  int owner = 0;
};

struct MatmulTask {
  CType type = CType::F64;
  std::vector<Access> a, b;            // pairs: a[i] is m x k_i, b[i] is k_i x n (iteration shapes)
  std::vector<int64_t> k;              // k_i per pair
  int64_t m = 0, n = 0;
  DType out_dtype = DType::F64;
  int owner = 0;
};

struct TaskResult {
  uint64_t chunk = 0;      // 0 when the task produced no chunk
  int64_t bytes_in = 0;
  int64_t bytes_out = 0;
};

TaskResult run_map(const MapTask& t);
TaskResult run_reduce(const ReduceTask& t);
TaskResult run_combine(const CombineTask& t);
TaskResult run_assemble(const AssembleTask& t);
TaskResult run_matmul(const MatmulTask& t);
// Writes the chunk as the box of `shape` at `offset` of the output (the box is the output's
// region, which for a reshaped output is not the chunk's own shape).
TaskResult run_write(int writer, uint64_t chunk, const std::vector<int64_t>& offset, const std::vector<int64_t>& shape);

// Number of state planes a reduction keeps per output element.
int reduce_planes(ReduceKind kind, CType acc);

}  // namespace tessera
