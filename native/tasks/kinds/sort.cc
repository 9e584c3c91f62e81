// The sort kind: np.sort / np.argsort (stable) of every line along one axis of a chunk. A fused
// program computes the chunk's values in their own dtype; each line along the axis is then
// sorted by numpy's order (sort_order.h). An argsort stores each value's position along the axis
// plus `indexBase` (the chunk's offset along it), so the sorted runs of a 1-D array's chunks hold
// global positions for the merge kind.
//   fields: program, valueDtype, iterShape, axis, argsort (0/1), indexBase, [n, ...accesses]
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "../../common/error.h"
#include "../../common/thread_scratch.h"
#include "../../kernels/evaluate.h"
#include "../../kernels/program_registry.h"
#include "../../kernels/sort_order.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct SortTask {
  std::shared_ptr<const Program> program;
  std::vector<Access> accesses;
  std::vector<int64_t> shape;
  DType value_dtype = DType::F64;
  size_t axis = 0;
  bool argsort = false;
  int64_t index_base = 0;
  int owner = 0;
};

SortTask decode(Reader& r, int owner) {
  SortTask t;
  t.program = ProgramRegistry::instance().get(static_cast<int>(r.integer(0, std::numeric_limits<int>::max())));
  t.value_dtype = r.dtype();
  t.shape = r.shape();
  t.axis = static_cast<size_t>(r.integer(0, 63));
  t.argsort = r.integer(0, 1) != 0;
  t.index_base = r.integer(0);
  t.accesses = r.accesses();
  t.owner = owner;
  if (t.axis >= t.shape.size()) Reader::bad("the sort axis is not an axis of the chunk");
  return t;
}

struct Lines {
  int64_t outer = 1, n = 1, inner = 1;
};

// Working buffers are the thread's own, reused from task to task: fresh ones cost more in page
// faults than the radix passes over them.
struct LineTag {};
struct ScratchTag {};

// Lines along the last axis are sorted where they are; others are gathered into a buffer, sorted
// and written back.
template <class T> void sort_lines(const Lines& l, T* values) {
  T* scratch = thread_scratch<T, ScratchTag>(static_cast<size_t>(l.n));
  T* line = l.inner == 1 ? nullptr : thread_scratch<T, LineTag>(static_cast<size_t>(l.n));
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t j = 0; j < l.inner; ++j) {
      T* base = values + o * l.n * l.inner + j;
      if (!line) {
        sort_values(base, scratch, static_cast<size_t>(l.n));
        continue;
      }
      for (int64_t i = 0; i < l.n; ++i) line[i] = base[i * l.inner];
      sort_values(line, scratch, static_cast<size_t>(l.n));
      for (int64_t i = 0; i < l.n; ++i) base[i * l.inner] = line[i];
    }
}

template <class T> void argsort_lines(const Lines& l, const T* values, int64_t* out, int64_t base_index) {
  KeyedIndex<T>* line = thread_scratch<KeyedIndex<T>, LineTag>(static_cast<size_t>(l.n));
  KeyedIndex<T>* scratch = thread_scratch<KeyedIndex<T>, ScratchTag>(static_cast<size_t>(l.n));
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t j = 0; j < l.inner; ++j) {
      const int64_t start = o * l.n * l.inner + j;
      for (int64_t i = 0; i < l.n; ++i) line[i] = {OrderKey<T>::of(values[start + i * l.inner]), base_index + i};
      sort_keyed(line, scratch, static_cast<size_t>(l.n));
      for (int64_t i = 0; i < l.n; ++i) out[start + i * l.inner] = line[i].index;
    }
}

template <class T> void sort_chunk(const SortTask& t, const Lines& l, uint8_t* values, Chunk* out) {
  if (t.argsort) argsort_lines(l, reinterpret_cast<const T*>(values), reinterpret_cast<int64_t*>(out->data), t.index_base);
  else sort_lines(l, reinterpret_cast<T*>(values));
}

TaskResult run(const SortTask& t) {
  auto ops = resolve_accesses(t.accesses, t.shape);
  auto values = ChunkStore::instance().allocate(t.value_dtype, t.shape, t.owner);
  evaluate_dense(*t.program, ops, t.shape, t.value_dtype, values->data);
  release_file_pages(ops);
  Lines l;
  for (size_t d = 0; d < t.axis; ++d) l.outer *= t.shape[d];
  l.n = t.shape[t.axis];
  for (size_t d = t.axis + 1; d < t.shape.size(); ++d) l.inner *= t.shape[d];
  // An argsort writes positions into a chunk of its own; a sort sorts the values in place.
  auto out = t.argsort ? ChunkStore::instance().allocate(DType::I64, t.shape, t.owner) : values;
  if (l.outer * l.n * l.inner > 0) {
    switch (t.value_dtype) {
      case DType::F64: sort_chunk<double>(t, l, values->data, out.get()); break;
      case DType::F32: sort_chunk<float>(t, l, values->data, out.get()); break;
      case DType::I64: sort_chunk<int64_t>(t, l, values->data, out.get()); break;
      case DType::I32: sort_chunk<int32_t>(t, l, values->data, out.get()); break;
      case DType::I16: sort_chunk<int16_t>(t, l, values->data, out.get()); break;
      case DType::I8: sort_chunk<int8_t>(t, l, values->data, out.get()); break;
      case DType::U64: sort_chunk<uint64_t>(t, l, values->data, out.get()); break;
      case DType::U32: sort_chunk<uint32_t>(t, l, values->data, out.get()); break;
      case DType::U16: sort_chunk<uint16_t>(t, l, values->data, out.get()); break;
      case DType::U8: case DType::Bool: sort_chunk<uint8_t>(t, l, values->data, out.get()); break;
    }
  }
  return publish_result(out, total_bytes_in(ops));
}

}  // namespace

extern const TaskKind kSortKind = task_kind<SortTask, decode, run>();

}  // namespace tessera
