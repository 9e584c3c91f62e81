// Runs one task of each kind. Everything a task reads is resolved (and bounds-checked) first; its
// output chunk is allocated, filled, and only then published, so a task that throws leaves
// nothing behind in the store.
#include <cstring>
#include <string>

#include "../common/checked.h"
#include "../common/error.h"
#include "../io/npy_writer.h"
#include "../kernels/evaluate.h"
#include "../kernels/reduce_state.h"
#include "task.h"

namespace tessera {

namespace {

int64_t count_of(const std::vector<int64_t>& shape) { return element_count(shape); }

DType acc_dtype(CType c) {
  switch (c) {
    case CType::I64: return DType::I64;
    case CType::U64: return DType::U64;
    default: return DType::F64;
  }
}

void check_same_count(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  if (count_of(a) != count_of(b))
    throw Error("INTERNAL", "output shape does not match the iteration space", "this is a planner bug, please report it");
}

}  // namespace

TaskResult run_map(const MapTask& t) {
  check_same_count(t.iter_shape, t.out_shape);
  auto ops = resolve_accesses(t.accesses, t.iter_shape);
  auto out = ChunkStore::instance().allocate(t.out_dtype, t.out_shape, t.owner);
  const OpTable& table = op_table();
  const size_t item = dtype_size(t.out_dtype);
  const int64_t inner = t.iter_shape.empty() ? 1 : t.iter_shape.back();
  const auto store = table.store[static_cast<int>(t.program->result_type)][static_cast<int>(t.out_dtype)];
  evaluate(*t.program, ops, t.iter_shape, [&](const void* v, int64_t len, const std::vector<int64_t>& outer, int64_t j0) {
    int64_t row = 0;
    for (size_t d = 0; d < outer.size(); ++d) row = row * t.iter_shape[d] + outer[d];
    store(out->data + (row * inner + j0) * item, v, len);
  });
  release_file_pages(ops);
  TaskResult r;
  r.bytes_in = total_bytes_in(ops);
  r.bytes_out = static_cast<int64_t>(out->nbytes);
  r.chunk = ChunkStore::instance().publish(out);
  return r;
}

TaskResult run_reduce(const ReduceTask& t) {
  const size_t nd = t.iter_shape.size();
  if (t.reduced.size() != nd || t.index_strides.size() != nd)
    throw Error("INTERNAL", "reduce task rank mismatch", "this is a planner bug, please report it");
  auto ops = resolve_accesses(t.accesses, t.iter_shape);
  // Slots: the iteration space with reduced dimensions collapsed to 1 (keepdims layout).
  std::vector<int64_t> slot_shape(nd), slot_stride(nd, 0);
  int64_t slots = 1;
  for (size_t d = 0; d < nd; ++d) slot_shape[d] = t.reduced[d] ? 1 : t.iter_shape[d];
  for (size_t d = nd; d-- > 0;) {
    slot_stride[d] = t.reduced[d] ? 0 : slots;
    slots *= slot_shape[d];
  }
  const int planes = reduce_planes(t.spec.kind, t.spec.acc);
  std::vector<int64_t> pshape{planes};
  pshape.insert(pshape.end(), slot_shape.begin(), slot_shape.end());
  auto partial = ChunkStore::instance().allocate(acc_dtype(t.spec.acc), pshape, t.owner);
  reduce_init(t.spec, *partial, slots);
  ReduceSlots s = reduce_slots(t.spec, *partial, slots);
  const OpTable& table = op_table();
  const int k = static_cast<int>(t.spec.kind), a = static_cast<int>(t.spec.acc);
  const bool inner_reduced = nd == 0 || t.reduced[nd - 1];
  const auto reduce = inner_reduced ? table.reduce_scalar[k][a] : table.reduce_vector[k][a];
  if (!reduce) throw Error("INTERNAL", "reduction not defined for this accumulator type", "this is a planner bug");
  const int64_t inner_istride = nd == 0 ? 0 : t.index_strides[nd - 1];
  evaluate(*t.program, ops, t.iter_shape, [&](const void* v, int64_t len, const std::vector<int64_t>& outer, int64_t j0) {
    int64_t slot = 0;
    uint64_t index = static_cast<uint64_t>(t.index_base);  // wrapping: index strides are not range-checked
    for (size_t d = 0; d < outer.size(); ++d) {
      slot += outer[d] * slot_stride[d];
      index += static_cast<uint64_t>(outer[d]) * static_cast<uint64_t>(t.index_strides[d]);
    }
    if (!inner_reduced) slot += j0;
    index += static_cast<uint64_t>(j0) * static_cast<uint64_t>(inner_istride);
    reduce(s, slot, v, len, static_cast<int64_t>(index), inner_istride);
  });
  release_file_pages(ops);
  TaskResult r;
  r.bytes_in = total_bytes_in(ops);
  if (t.finalize) {
    check_same_count(t.out_shape, slot_shape);
    auto out = ChunkStore::instance().allocate(t.spec.out_dtype, t.out_shape, t.owner);
    reduce_finalize(t.spec, *partial, *out, slots);
    r.bytes_out = static_cast<int64_t>(out->nbytes);
    r.chunk = ChunkStore::instance().publish(out);
  } else {
    r.bytes_out = static_cast<int64_t>(partial->nbytes);
    r.chunk = ChunkStore::instance().publish(partial);
  }
  return r;
}

TaskResult run_combine(const CombineTask& t) {
  if (t.partials.empty()) throw Error("INTERNAL", "combine without inputs", "this is a planner bug");
  std::vector<std::shared_ptr<Chunk>> in;
  for (uint64_t id : t.partials) in.push_back(ChunkStore::instance().get(id));
  const int planes = reduce_planes(t.spec.kind, t.spec.acc);
  const int64_t slots = in[0]->size() / planes;
  auto acc = ChunkStore::instance().allocate(in[0]->dtype, in[0]->shape, t.owner);
  std::memcpy(acc->data, in[0]->data, in[0]->nbytes);
  TaskResult r;
  for (size_t i = 0; i < in.size(); ++i) {
    r.bytes_in += static_cast<int64_t>(in[i]->nbytes);
    if (i == 0) continue;
    if (in[i]->size() != in[0]->size() || in[i]->dtype != in[0]->dtype)
      throw Error("INTERNAL", "partials of different shapes", "this is a planner bug");
    reduce_merge(t.spec, *acc, *in[i], slots);
  }
  if (t.finalize) {
    if (count_of(t.out_shape) != slots) throw Error("INTERNAL", "finalize shape mismatch", "this is a planner bug");
    auto out = ChunkStore::instance().allocate(t.spec.out_dtype, t.out_shape, t.owner);
    reduce_finalize(t.spec, *acc, *out, slots);
    r.bytes_out = static_cast<int64_t>(out->nbytes);
    r.chunk = ChunkStore::instance().publish(out);
  } else {
    r.bytes_out = static_cast<int64_t>(acc->nbytes);
    r.chunk = ChunkStore::instance().publish(acc);
  }
  return r;
}

TaskResult run_assemble(const AssembleTask& t) {
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
    if (count_of(p.shape) == 0) continue;
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

TaskResult run_matmul(const MatmulTask& t) {
  if (t.a.size() != t.b.size() || t.a.size() != t.k.size()) throw Error("INTERNAL", "matmul pairs mismatch", "this is a planner bug");
  const OpTable& table = op_table();
  const int ty = static_cast<int>(t.type);
  const size_t csz = ctype_size(t.type);
  std::vector<uint8_t> c(static_cast<size_t>(element_count({t.m, t.n, static_cast<int64_t>(csz)}, "a matmul block")), 0);
  std::vector<uint8_t> pa, pb;
  TaskResult r;
  // Packs an operand block into a contiguous row-major buffer of the compute type.
  auto pack = [&](const Access& acc, int64_t rows, int64_t cols, std::vector<uint8_t>& buf) {
    buf.assign(static_cast<size_t>(element_count({rows, cols, static_cast<int64_t>(csz)}, "a matmul operand block")), 0);
    std::vector<Access> one{acc};
    std::vector<int64_t> shape{rows, cols};
    auto ops = resolve_accesses(one, shape);
    r.bytes_in += total_bytes_in(ops);
    Program copy;
    copy.nregs = 1;
    copy.result = 0;
    copy.result_type = t.type;
    Instr load{};
    load.op = Op::Load; load.type = t.type; load.dst = 0; load.a = 0;
    copy.code.push_back(load);
    evaluate(copy, ops, shape, [&](const void* v, int64_t len, const std::vector<int64_t>& outer, int64_t j0) {
      std::memcpy(buf.data() + static_cast<size_t>(outer[0] * cols + j0) * csz, v, static_cast<size_t>(len) * csz);
    });
  };
  for (size_t i = 0; i < t.a.size(); ++i) {
    pack(t.a[i], t.m, t.k[i], pa);
    pack(t.b[i], t.k[i], t.n, pb);
    table.matmul_acc[ty](c.data(), pa.data(), pb.data(), t.m, t.n, t.k[i]);
  }
  auto out = ChunkStore::instance().allocate(t.out_dtype, {t.m, t.n}, t.owner);
  table.store[ty][static_cast<int>(t.out_dtype)](out->data, c.data(), t.m * t.n);
  r.bytes_out = static_cast<int64_t>(out->nbytes);
  r.chunk = ChunkStore::instance().publish(out);
  return r;
}

TaskResult run_write(int writer, uint64_t chunk, const std::vector<int64_t>& offset, const std::vector<int64_t>& shape) {
  auto c = ChunkStore::instance().get(chunk);
  WriterRegistry::instance().get(writer)->write_chunk(*c, offset, shape);
  TaskResult r;
  r.bytes_in = static_cast<int64_t>(c->nbytes);
  r.bytes_out = r.bytes_in;
  return r;
}

}  // namespace tessera
