// The fused evaluator: runs a Program over a task's iteration space in blocks of kBlock elements
// along the innermost dimension, so every intermediate lives in a cache-resident register and a
// chain like sqrt(x**2)*3+y is one pass over memory. A sink takes each finished block: either a
// store into the output chunk or an accumulate into reduction state (reduction fusion).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "../io/mapped_file.h"
#include "../store/chunk_store.h"
#include "../tasks/task.h"

namespace tessera {

// 512 values: a program's registers (8 bytes a value each) stay in the L1 cache for programs of
// ten and more operations, against 1024; shorter blocks pay the per-operation dispatch too often.
// Measured over 10^8 doubles, side by side: a two-comparison mask 67 -> 53 ms, sqrt(x * x).mean()
// 60 -> 51 ms, an eleven-operation one 133 -> 114 ms (256: 45, 43, 133).
constexpr int64_t kBlock = 512;

// An Access resolved to memory and checked against the bounds of what it reads.
struct ResolvedAccess {
  const Access* access = nullptr;
  const uint8_t* data = nullptr;  // element 0 of the chunk or file data
  size_t item = 0;
  std::shared_ptr<Chunk> chunk;
  std::shared_ptr<MappedFile> file;
  int64_t lo = 0, hi = -1;        // smallest and largest element index read
  int64_t footprint_bytes = 0;
};

std::vector<ResolvedAccess> resolve_accesses(const std::vector<Access>& accesses, const std::vector<int64_t>& iter_shape);
int64_t total_bytes_in(const std::vector<ResolvedAccess>& ops);
void release_file_pages(const std::vector<ResolvedAccess>& ops);

// Runs fn(arg), which reads what `reads` resolved, with the mapped files among them guarded
// (io/mapped_guard.h: fn may hold nothing with a destructor): a file that shrinks under the reads
// is INPUT_CHANGED, not a SIGBUS.
void run_reading(void (*fn)(void*), void* arg, const std::vector<const ResolvedAccess*>& reads);

// Calls sink(values, len, outer_index, j0) for each block; values have the program's result type.
using BlockSink = std::function<void(const void* values, int64_t len, const std::vector<int64_t>& outer, int64_t j0)>;
void evaluate(const Program& program, const std::vector<ResolvedAccess>& ops, const std::vector<int64_t>& iter_shape,
              const BlockSink& sink);

// Where a sink's block starts in the iteration space, as a C-order element index.
int64_t block_offset(const std::vector<int64_t>& iter_shape, const std::vector<int64_t>& outer, int64_t j0);

// evaluate() into a dense C-order buffer of `out_dtype` (the map, scan and sort tasks' chunks).
void evaluate_dense(const Program& program, const std::vector<ResolvedAccess>& ops, const std::vector<int64_t>& iter_shape,
                    DType out_dtype, uint8_t* dest);

}  // namespace tessera
