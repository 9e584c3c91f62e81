#include "evaluate.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "../common/checked.h"
#include "../common/error.h"
#include "../io/mapped_guard.h"

namespace tessera {

namespace {

[[noreturn]] void out_of_bounds(const std::string& what) {
  throw Error("INTERNAL", "a task would read outside its " + what, "this is a planner bug, please report it");
}

int ci(CType c) { return static_cast<int>(c); }

bool same_storage(DType d, CType c) {
  return (d == DType::F64 && c == CType::F64) || (d == DType::F32 && c == CType::F32) ||
         (d == DType::I64 && c == CType::I64) || (d == DType::U64 && c == CType::U64);
}

// Per-thread block registers: reused across tasks so a task allocates nothing in its loop.
struct Registers {
  std::vector<double> storage;  // 8-byte aligned, kBlock slots per register
  void* at(int r) { return storage.data() + static_cast<size_t>(r) * kBlock; }
  void ensure(int n) {
    if (storage.size() < static_cast<size_t>(n) * kBlock) storage.resize(static_cast<size_t>(n) * kBlock);
  }
};
thread_local Registers tls_regs;

}  // namespace

std::vector<ResolvedAccess> resolve_accesses(const std::vector<Access>& accesses, const std::vector<int64_t>& iter_shape) {
  std::vector<ResolvedAccess> out(accesses.size());
  const int64_t points = element_count(iter_shape, "a task's iteration space");
  for (size_t k = 0; k < accesses.size(); ++k) {
    const Access& a = accesses[k];
    ResolvedAccess& r = out[k];
    r.access = &a;
    if (a.strides.size() != iter_shape.size()) out_of_bounds("operand (rank mismatch)");
    r.lo = r.hi = a.base;
    int64_t distinct = 1;
    for (size_t d = 0; d < iter_shape.size() && points > 0; ++d) {
      int64_t span = checked_mul(iter_shape[d] - 1, a.strides[d], "an access span");
      if (span > 0) r.hi = checked_add(r.hi, span, "an access span");
      else r.lo = checked_add(r.lo, span, "an access span");
      if (a.strides[d] != 0) distinct *= iter_shape[d];
    }
    if (points == 0) { r.hi = r.lo - 1; distinct = 0; }
    switch (a.kind) {
      case Access::Kind::Chunk: {
        r.chunk = ChunkStore::instance().get_dense(a.chunk);
        if (r.chunk->dtype != a.dtype) out_of_bounds("chunk (dtype mismatch)");
        r.item = dtype_size(a.dtype);
        if (points > 0 && (r.lo < 0 || r.hi >= r.chunk->size())) out_of_bounds("chunk");
        r.data = r.chunk->data;
        r.footprint_bytes = distinct * static_cast<int64_t>(r.item);
        break;
      }
      case Access::Kind::File: {
        r.file = FileRegistry::instance().get(a.file);
        r.file->check_unchanged();  // a file seen changed since it was mapped is not read
        r.item = dtype_size(a.dtype);
        if (a.data_offset < 0 || a.data_elements < 0 || static_cast<uint64_t>(a.data_offset) > r.file->size() ||
            static_cast<uint64_t>(a.data_elements) > (r.file->size() - static_cast<uint64_t>(a.data_offset)) / r.item)
          out_of_bounds("file");
        if (points > 0 && (r.lo < 0 || r.hi >= a.data_elements)) out_of_bounds("file");
        r.data = r.file->data() + a.data_offset;
        r.footprint_bytes = distinct * static_cast<int64_t>(r.item);
        break;
      }
      default:
        if (points > 0 && r.lo < 0) out_of_bounds("generator");
        break;
    }
  }
  return out;
}

int64_t total_bytes_in(const std::vector<ResolvedAccess>& ops) {
  int64_t b = 0;
  for (const auto& r : ops) b += r.footprint_bytes;
  return b;
}

void release_file_pages(const std::vector<ResolvedAccess>& ops) {
  for (const auto& r : ops) {
    if (!r.file || r.hi < r.lo) continue;
    size_t start = static_cast<size_t>(r.access->data_offset) + static_cast<size_t>(r.lo) * r.item;
    size_t len = static_cast<size_t>(r.hi - r.lo + 1) * r.item;
    r.file->release_pages(start, len);
  }
}

namespace {

// Everything the block loop needs, made before it starts: the loop itself (run_blocks) owns
// nothing with a destructor, so a read of a mapped file that faults can leave it by a jump.
struct BlockLoop {
  const Program* p;
  const OpTable* t;
  const ResolvedAccess* ops;
  size_t nops;
  const int64_t* shape;
  size_t nd;
  bool scalar_space;
  int64_t inner, block;
  Registers* regs;
  const void** reg;
  const std::vector<std::vector<double>>* consts;
  const int* const_slot;
  std::vector<int64_t>* outer;  // the sink's view of the outer index (elements written in place)
  int64_t* row;
  const BlockSink* sink;
};

void run_blocks(void* arg) {
  const BlockLoop& L = *static_cast<const BlockLoop*>(arg);
  const Program& p = *L.p;
  const OpTable& t = *L.t;
  const ResolvedAccess* ops = L.ops;
  const size_t nd = L.nd;
  const void** reg = L.reg;
  int64_t* outer = L.outer->data();
  int64_t* row = L.row;
  const int64_t inner = L.inner, block = L.block;
  const size_t ncode = p.code.size();
  const Instr* code = p.code.data();

  while (true) {
    for (size_t k = 0; k < L.nops; ++k) {
      int64_t o = ops[k].access->base;
      if (!L.scalar_space)
        for (size_t d = 0; d + 1 < nd; ++d) o += outer[d] * ops[k].access->strides[d];
      row[k] = o;
    }
    for (int64_t j0 = 0; j0 < inner; j0 += block) {
      const int64_t len = inner - j0 < block ? inner - j0 : block;
      for (size_t pc = 0; pc < ncode; ++pc) {
        const Instr& in = code[pc];
        void* dst = L.regs->at(in.dst);
        const int ty = ci(in.type);
        switch (in.op) {
          case Op::Load: {
            const ResolvedAccess& r = ops[in.a];
            const Access& a = *r.access;
            const int64_t st = L.scalar_space ? 0 : a.strides[nd - 1];
            const int64_t idx0 = row[in.a] + j0 * st;
            const int64_t n = st == 0 ? 1 : len;  // a broadcast operand reads one value, then fills
            switch (a.kind) {
              case Access::Kind::Chunk:
              case Access::Kind::File: {
                const uint8_t* src = r.data + idx0 * static_cast<int64_t>(r.item);
                // In place only when aligned: a raw file's data may start at any byte offset, and
                // the kernels read typed values (gather copies those through memcpy).
                if (st == 1 && !a.byteswap && same_storage(a.dtype, in.type) && reinterpret_cast<uintptr_t>(src) % r.item == 0) {
                  reg[in.dst] = src;
                  continue;
                }
                t.gather[static_cast<int>(a.dtype)][ty](dst, src, st * static_cast<int64_t>(r.item), n, a.byteswap);
                break;
              }
              case Access::Kind::Uniform: t.uniform(static_cast<double*>(dst), a.seed, idx0, st, n); break;
              case Access::Kind::Normal: t.normal(static_cast<double*>(dst), a.seed, idx0, st, n); break;
              case Access::Kind::Arange: t.arange[ty](dst, a.start, a.step, idx0, st, n); break;
            }
            if (st == 0 && len > 1) {
              uint64_t v;
              std::memcpy(&v, dst, ctype_size(in.type));
              t.fill[ty](dst, &v, len);
            }
            break;
          }
          case Op::Const: reg[in.dst] = (*L.consts)[L.const_slot[pc]].data(); continue;
          case Op::Cast: t.cast[ty][ci(in.src_type)](dst, reg[in.a], len); break;
          case Op::Where: t.where[ty](dst, reg[in.a], reg[in.b], reg[in.c], len); break;
          default:
            if (op_arity(in.op) == 1) t.unary[static_cast<int>(in.op)][ty](dst, reg[in.a], len);
            else t.binary[static_cast<int>(in.op)][ty](dst, reg[in.a], reg[in.b], len);
            break;
        }
        reg[in.dst] = dst;
      }
      (*L.sink)(reg[p.result], len, *L.outer, j0);
    }
    // Advance the odometer over the outer dimensions.
    size_t d = nd - 1;
    while (d > 0) {
      if (++outer[d - 1] < L.shape[d - 1]) break;
      outer[d - 1] = 0;
      --d;
    }
    if (d == 0) break;
  }
}

}  // namespace

void evaluate(const Program& p, const std::vector<ResolvedAccess>& ops, const std::vector<int64_t>& iter_shape_in,
              const BlockSink& sink) {
  const OpTable& t = op_table();
  // The program was checked once at registration; what it loads depends on this task.
  for (const Instr& in : p.code) {
    if (in.op != Op::Load) continue;
    if (in.a < 0 || static_cast<size_t>(in.a) >= ops.size())
      throw Error("BAD_TASK", "a program loads operand " + std::to_string(in.a) + " but the task has " + std::to_string(ops.size()),
                  "this is a planner bug, please report it");
    Access::Kind k = ops[in.a].access->kind;
    if ((k == Access::Kind::Uniform || k == Access::Kind::Normal) && in.type != CType::F64)
      throw Error("BAD_TASK", "random operands load as float64", "this is a planner bug, please report it");
  }
  std::vector<int64_t> shape = iter_shape_in.empty() ? std::vector<int64_t>{1} : iter_shape_in;
  const size_t nd = shape.size();
  const bool scalar_space = iter_shape_in.empty();
  for (int64_t s : shape) if (s == 0) return;

  // Registers: one block each, plus one constant block per Const instruction, filled once.
  Registers& regs = tls_regs;
  regs.ensure(p.nregs);
  std::vector<const void*> reg(p.nregs, nullptr);
  // Registers are reused once dead, so constants are found by instruction, not by register.
  std::vector<std::vector<double>> consts;
  std::vector<int> const_slot(p.code.size(), -1);
  for (size_t i = 0; i < p.code.size(); ++i) {
    const Instr& in = p.code[i];
    if (in.op != Op::Const) continue;
    consts.emplace_back(kBlock);
    void* buf = consts.back().data();
    switch (in.type) {
      case CType::F64: { double v = in.imm; t.fill[0](buf, &v, kBlock); break; }
      case CType::F32: { float v = static_cast<float>(in.imm); t.fill[1](buf, &v, kBlock); break; }
      case CType::I64: { int64_t v = in.imm_i; t.fill[2](buf, &v, kBlock); break; }
      case CType::U64: { uint64_t v = static_cast<uint64_t>(in.imm_i); t.fill[3](buf, &v, kBlock); break; }
    }
    const_slot[i] = static_cast<int>(consts.size() - 1);
  }

  const int64_t inner = shape[nd - 1];
  // A program that is one zero-copy load (a reduction over a chunk or a file) writes no register,
  // so its blocks can be much longer: fewer sink calls per byte streamed. Only where the load is
  // in place: data at an offset that is not a multiple of its item (a raw file's) is gathered into
  // a register of kBlock values, so its blocks stay that long.
  int64_t block = kBlock;
  if (p.code.size() == 1 && p.code[0].op == Op::Load) {
    const ResolvedAccess& r = ops[p.code[0].a];
    const Access& a = *r.access;
    bool direct = (a.kind == Access::Kind::Chunk || a.kind == Access::Kind::File) && !a.byteswap &&
                  same_storage(a.dtype, p.code[0].type) && !scalar_space && a.strides[nd - 1] == 1 &&
                  reinterpret_cast<uintptr_t>(r.data) % r.item == 0;
    if (direct) block = 32 * kBlock;
  }
  std::vector<int64_t> outer(nd - 1, 0);
  std::vector<int64_t> row(ops.size());
  BlockLoop loop{&p, &t, ops.data(), ops.size(), shape.data(), nd, scalar_space, inner, block,
                 &regs, reg.data(), &consts, const_slot.data(), &outer, row.data(), &sink};

  std::vector<const ResolvedAccess*> reads;
  for (const ResolvedAccess& r : ops) reads.push_back(&r);
  run_reading(run_blocks, &loop, reads);
}

void run_reading(void (*fn)(void*), void* arg, const std::vector<const ResolvedAccess*>& reads) {
  std::vector<MappedRange> ranges;
  std::vector<const MappedFile*> range_file;
  for (const ResolvedAccess* r : reads) {
    if (!r->file || !r->file->data()) continue;
    if (std::find(range_file.begin(), range_file.end(), r->file.get()) != range_file.end()) continue;
    ranges.push_back(MappedRange{r->file->data(), r->file->size()});
    range_file.push_back(r->file.get());
  }
  if (ranges.empty()) {
    fn(arg);
    return;
  }
  const int hit = guarded_read(fn, arg, ranges.data(), ranges.size());
  if (hit >= 0) throw_input_changed(range_file[static_cast<size_t>(hit)]->path(), "it shrank while a task was reading it");
}

int64_t block_offset(const std::vector<int64_t>& iter_shape, const std::vector<int64_t>& outer, int64_t j0) {
  int64_t row = 0;
  for (size_t d = 0; d < outer.size(); ++d) row = row * iter_shape[d] + outer[d];
  return row * (iter_shape.empty() ? 1 : iter_shape.back()) + j0;
}

void evaluate_dense(const Program& p, const std::vector<ResolvedAccess>& ops, const std::vector<int64_t>& iter_shape,
                    DType out_dtype, uint8_t* dest) {
  const int64_t item = static_cast<int64_t>(dtype_size(out_dtype));
  const auto store = op_table().store[static_cast<int>(p.result_type)][static_cast<int>(out_dtype)];
  evaluate(p, ops, iter_shape, [&](const void* v, int64_t len, const std::vector<int64_t>& outer, int64_t j0) {
    store(dest + block_offset(iter_shape, outer, j0) * item, v, len);
  });
}

}  // namespace tessera
