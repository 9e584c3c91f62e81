#include "decode.h"

#include <cmath>
#include <limits>
#include <string>

#include "../common/error.h"
#include "../io/npy_writer.h"
#include "../kernels/program_registry.h"

namespace tessera {

namespace {

enum Kind { kMap = 1, kReduce = 2, kCombine = 3, kAssemble = 4, kMatmul = 5, kWrite = 6, kCommit = 7 };
constexpr double kVersion = 1;

class Reader {
 public:
  Reader(const double* p, size_t n, const double* ids, size_t nids, const double* files, size_t nfiles)
      : p_(p), n_(n), ids_(ids), nids_(nids), files_(files), nfiles_(nfiles) {}

  double number() {
    if (i_ >= n_) bad("the task ends early");
    return p_[i_++];
  }
  int64_t integer(int64_t lo = std::numeric_limits<int64_t>::min() / 2, int64_t hi = std::numeric_limits<int64_t>::max() / 2) {
    double v = number();
    if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) || v != std::floor(v)) bad("a field is not an integer in range");
    return static_cast<int64_t>(v);
  }
  std::vector<int64_t> ints(size_t count, int64_t lo = 0) {
    std::vector<int64_t> out(count);
    for (size_t k = 0; k < count; ++k) out[k] = integer(lo);
    return out;
  }
  size_t count(size_t max = 1 << 20) { return static_cast<size_t>(integer(0, static_cast<int64_t>(max))); }
  DType dtype() { return static_cast<DType>(integer(0, static_cast<int64_t>(DType::Bool))); }
  CType ctype() { return static_cast<CType>(integer(0, static_cast<int64_t>(CType::U64))); }
  uint64_t chunk_ref() {
    size_t dep = count(nids_ ? nids_ - 1 : 0);
    if (dep >= nids_) bad("a chunk access names a missing dependency");
    return static_cast<uint64_t>(ids_[dep]);
  }
  int file_ref() {
    size_t k = count(nfiles_ ? nfiles_ - 1 : 0);
    if (k >= nfiles_) bad("a file access names a missing file");
    return static_cast<int>(files_[k]);
  }
  const double* ids() const { return ids_; }
  size_t nids() const { return nids_; }
  bool done() const { return i_ == n_; }

  // [kind, dtype, byteswap, ref, dataOffset, dataElements, base, seed, start, step, ndim, strides...]
  Access access() {
    Access a;
    int64_t kind = integer(0, 4);
    a.kind = static_cast<Access::Kind>(kind);
    a.dtype = dtype();
    a.byteswap = integer(0, 1) != 0;
    if (a.kind == Access::Kind::Chunk) a.chunk = chunk_ref();
    else if (a.kind == Access::Kind::File) a.file = file_ref();
    else number();
    a.data_offset = integer(0);
    a.data_elements = integer(0);
    a.base = integer();
    a.seed = static_cast<uint64_t>(integer(0));
    a.start = number();
    a.step = number();
    a.strides = ints(count(64), std::numeric_limits<int64_t>::min() / 2);
    return a;
  }
  std::vector<Access> accesses() {
    size_t n = count(4096);
    std::vector<Access> out;
    out.reserve(n);
    for (size_t k = 0; k < n; ++k) out.push_back(access());
    return out;
  }
  std::vector<int64_t> shape() { return ints(count(64)); }

  ReduceSpec reduce_spec() {
    ReduceSpec s;
    s.kind = static_cast<ReduceKind>(integer(0, static_cast<int64_t>(ReduceKind::CountNonzero)));
    s.acc = ctype();
    s.ddof = static_cast<int>(integer(-(1 << 30), 1 << 30));
    s.sqrt = integer(0, 1) != 0;
    s.out_dtype = dtype();
    return s;
  }

  [[noreturn]] static void bad(const std::string& why) {
    throw Error("BAD_TASK", "malformed task: " + why, "this is a bug in the task encoder, please report it");
  }

 private:
  const double* p_;
  size_t n_;
  const double* ids_;
  size_t nids_;
  const double* files_;
  size_t nfiles_;
  size_t i_ = 0;
};

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
