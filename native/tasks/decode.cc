#include "decode.h"

#include <limits>

#include "../common/error.h"
#include "../io/npy_writer.h"
#include "../kernels/program_registry.h"
#include "reader.h"

namespace tessera {

namespace {

enum Kind { kMap = 1, kReduce = 2, kCombine = 3, kAssemble = 4, kMatmul = 5, kWrite = 6, kCommit = 7 };
constexpr double kVersion = 1;

}  // namespace

TaskResult run_encoded(const double* spec, size_t spec_len, const double* ids, size_t ids_len, const double* files, size_t files_len) {
  Reader r(spec, spec_len, ids, ids_len, files, files_len);
  if (r.number() != kVersion) Reader::bad("unknown encoding version");
  int64_t kind = r.integer(kMap, kCommit);
  int owner = static_cast<int>(r.integer(0, std::numeric_limits<int>::max()));
  TaskResult result;
  switch (kind) {
    case kMap: {  // program, outDtype, iterShape, outShape, accesses
      MapTask t;
      t.program = ProgramRegistry::instance().get(static_cast<int>(r.integer(0, std::numeric_limits<int>::max())));
      t.out_dtype = r.dtype();
      t.iter_shape = r.shape();
      t.out_shape = r.shape();
      t.accesses = r.accesses();
      t.owner = owner;
      if (!r.done()) Reader::bad("trailing fields");
      return run_map(t);
    }
    case kReduce: {  // program, reduceSpec, finalize, iterShape, reduced, indexBase, indexStrides, outShape, accesses
      ReduceTask t;
      t.program = ProgramRegistry::instance().get(static_cast<int>(r.integer(0, std::numeric_limits<int>::max())));
      t.spec = r.reduce_spec();
      t.finalize = r.integer(0, 1) != 0;
      t.iter_shape = r.shape();
      for (int64_t v : r.ints(t.iter_shape.size())) t.reduced.push_back(v ? 1 : 0);
      t.index_base = r.integer();
      t.index_strides = r.ints(t.iter_shape.size());
      t.out_shape = r.shape();
      t.accesses = r.accesses();
      t.owner = owner;
      if (!r.done()) Reader::bad("trailing fields");
      return run_reduce(t);
    }
    case kCombine: {  // reduceSpec, finalize, outShape; partials = all ids
      CombineTask t;
      t.spec = r.reduce_spec();
      t.finalize = r.integer(0, 1) != 0;
      t.out_shape = r.shape();
      for (size_t k = 0; k < r.nids(); ++k) t.partials.push_back(static_cast<uint64_t>(r.ids()[k]));
      t.owner = owner;
      if (!r.done()) Reader::bad("trailing fields");
      return run_combine(t);
    }
    case kAssemble: {  // dtype, outShape, pieces: (access, shape, destOffset)
      AssembleTask t;
      t.dtype = r.dtype();
      t.out_shape = r.shape();
      size_t n = r.count(1 << 20);
      for (size_t k = 0; k < n; ++k) {
        AssemblePiece piece;
        piece.source = r.access();
        piece.shape = r.shape();
        piece.dest_offset = r.shape();
        t.pieces.push_back(std::move(piece));
      }
      t.owner = owner;
      if (!r.done()) Reader::bad("trailing fields");
      return run_assemble(t);
    }
    case kMatmul: {  // ctype, m, n, outDtype, pairs: (k, accessA, accessB)
      MatmulTask t;
      t.type = r.ctype();
      t.m = r.integer(0);
      t.n = r.integer(0);
      t.out_dtype = r.dtype();
      size_t pairs = r.count(1 << 20);
      for (size_t k = 0; k < pairs; ++k) {
        t.k.push_back(r.integer(0));
        t.a.push_back(r.access());
        t.b.push_back(r.access());
      }
      t.owner = owner;
      if (!r.done()) Reader::bad("trailing fields");
      return run_matmul(t);
    }
    case kWrite: {  // writer, offset, shape; chunk = ids[0]
      int writer = static_cast<int>(r.integer(0, std::numeric_limits<int>::max()));
      std::vector<int64_t> offset = r.shape();
      std::vector<int64_t> shape = r.shape();
      if (r.nids() < 1) Reader::bad("a write task needs its chunk");
      if (!r.done()) Reader::bad("trailing fields");
      return run_write(writer, static_cast<uint64_t>(r.ids()[0]), offset, shape);
    }
    case kCommit: {  // writer
      int writer = static_cast<int>(r.integer(0, std::numeric_limits<int>::max()));
      if (!r.done()) Reader::bad("trailing fields");
      WriterRegistry::instance().get(writer)->commit();
      return result;
    }
  }
  Reader::bad("unknown task kind");
}

}  // namespace tessera
