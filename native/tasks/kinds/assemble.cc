// The assemble kind: copies pieces of chunks (each a Chunk access over the piece's shape) into one
// new chunk at their destination offsets; rechunking and concatenation lower to it.
//   fields: dtype, outShape, [n, ...(access, shape, destOffset)]
#include <cstring>
#include <vector>

#include "../../common/checked.h"
#include "../../common/error.h"
#include "../../kernels/evaluate.h"
#include "../kind.h"

namespace tessera {

namespace {

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

AssembleTask decode(Reader& r, int owner) {
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
  return t;
}

TaskResult run(const AssembleTask& t) {
  auto out = ChunkStore::instance().allocate(t.dtype, t.out_shape, t.owner);
  const size_t nd = t.out_shape.size();
  const size_t item = dtype_size(t.dtype);
  std::vector<int64_t> ostride(nd, 1);
  for (size_t d = nd; d-- > 1;) ostride[d - 1] = ostride[d] * t.out_shape[d];
  TaskResult r;
  for (const AssemblePiece& p : t.pieces) {
    if (p.source.kind != Access::Kind::Chunk || p.source.dtype != t.dtype || p.shape.size() != nd || p.dest_offset.size() != nd)
      throw Error("INTERNAL", "assemble piece does not fit", "this is a planner bug");
    for (size_t d = 0; d < nd; ++d)
      if (p.dest_offset[d] < 0 || p.dest_offset[d] + p.shape[d] > t.out_shape[d])
        throw Error("INTERNAL", "assemble piece out of bounds", "this is a planner bug");
    std::vector<Access> one{p.source};
    auto ops = resolve_accesses(one, p.shape);
    r.bytes_in += total_bytes_in(ops);
    if (element_count(p.shape) == 0) continue;
    const uint8_t* src = ops[0].data;
    std::vector<int64_t> idx(nd, 0);
    const int64_t inner = nd ? p.shape[nd - 1] : 1;
    const int64_t sst = nd ? p.source.strides[nd - 1] : 0;
    while (true) {
      int64_t s = p.source.base, o = 0;
      for (size_t d = 0; d + 1 < nd; ++d) {
        s += idx[d] * p.source.strides[d];
        o += (p.dest_offset[d] + idx[d]) * ostride[d];
      }
      if (nd) o += p.dest_offset[nd - 1];
      uint8_t* dst = out->data + o * item;
      if (sst == 1) {
        std::memcpy(dst, src + s * item, inner * item);
      } else {
        for (int64_t j = 0; j < inner; ++j) std::memcpy(dst + j * item, src + (s + j * sst) * item, item);
      }
      size_t d = nd ? nd - 1 : 0;
      while (d > 0) {
        if (++idx[d - 1] < p.shape[d - 1]) break;
        idx[d - 1] = 0;
        --d;
      }
      if (d == 0) break;
    }
  }
  r.bytes_out = static_cast<int64_t>(out->nbytes);
  r.chunk = ChunkStore::instance().publish(out);
  return r;
}

}  // namespace

extern const TaskKind kAssembleKind = task_kind<AssembleTask, decode, run>();

}  // namespace tessera
