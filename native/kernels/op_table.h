// The table of block kernels for one instruction-set level. The same source (simd/ops_impl.h) is
// compiled once per level (scalar reference, SSE2 baseline, AVX2, AVX-512); dispatch.cc picks the
// best table the CPU supports at start-up, so one release build runs on any x86-64.
// Every float kernel uses the same operation order at every level (fixed lane counts, no FP
// contraction), so all levels give bit-identical results and the scalar table is the reference.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../common/dtype.h"
#include "program.h"

namespace tessera {

enum class ReduceKind : uint8_t { Sum, Prod, Mean, Var, Min, Max, ArgMin, ArgMax, Any, All, CountNonzero, Count_ };

// What csv_delimiters saw in a block besides the delimiters: the CSV parser splits fields at the
// delimiters alone only when its quotes are simple and every \r ends a line before its \n.
struct CsvBlockScan {
  uint64_t newlines = 0;
  uint64_t crs = 0;         // \r bytes
  bool quote = false;       // the quote byte occurs (never, without quoting)
  bool quotes_simple = true;  // every quote opens or closes a whole field with no delimiter inside
  bool non_ascii = false;   // a byte >= 0x80 occurs (so a string field may be invalid UTF-8)
};

// A reduction state: K planes of the accumulator type, one slot per output element.
struct ReduceSlots {
  void* plane[3];
};

// One stage of a mixed-radix FFT plan (kernels/fft.cc): radix r (2, 3, 4, 5 or 7), m the length
// left after it over r, w the radix's r roots e^{-2 pi i k / r} and tw the twiddles
// e^{-2 pi i p u / (r m)} at [p * (r - 1) + u - 1], each a (re, im) pair.
struct FftStage {
  int r;
  int64_t m;
  const double* w;
  const double* tw;
};
// How many lines fft_lanes transforms together.
constexpr int kFftLanes = 8;

struct OpTable {
  using Unary = void (*)(void* out, const void* a, int64_t n);
  using Binary = void (*)(void* out, const void* a, const void* b, int64_t n);
  using Ternary = void (*)(void* out, const void* c, const void* a, const void* b, int64_t n);
  using Gather = void (*)(void* out, const uint8_t* src, int64_t stride_bytes, int64_t n, bool swap);
  using Store = void (*)(uint8_t* dst, const void* src, int64_t n);
  using Fill = void (*)(void* out, const void* value, int64_t n);
  using Generate = void (*)(double* out, uint64_t seed, int64_t index0, int64_t index_stride, int64_t n);
  using Arange = void (*)(void* out, double start, double step, int64_t index0, int64_t index_stride, int64_t n);
  // Reduce n values into one slot (`scalar`) or into slots 0..n-1 (`vector`); element j has
  // index index0 + j * index_stride (used by argmin/argmax only).
  using Reduce = void (*)(ReduceSlots s, int64_t slot, const void* v, int64_t n, int64_t index0, int64_t index_stride);

  const char* name;
  Unary unary[static_cast<int>(Op::Count_)][4];
  Binary binary[static_cast<int>(Op::Count_)][4];
  Ternary where[4];
  Unary cast[4][4];  // [to][from]
  Gather gather[11][4];  // [storage dtype][compute type]
  Store store[4][11];    // [compute type][storage dtype]
  Fill fill[4];
  Generate uniform, normal;
  Arange arange[4];
  Reduce reduce_scalar[static_cast<int>(ReduceKind::Count_)][4];  // [kind][accumulator type]
  Reduce reduce_vector[static_cast<int>(ReduceKind::Count_)][4];
  // C (m x n) += A (m x k) * B (k x n), all row-major and contiguous, in one compute type.
  void (*matmul_acc[4])(void* c, const void* a, const void* b, int64_t m, int64_t n, int64_t k);
  // Reads n 64-bit words as fast as memory allows: the benchmarks' memory-bandwidth probe.
  uint64_t (*read_probe)(const uint64_t* v, int64_t n);
  // The offsets of every separator and \n in p[0, n), in order, into out (room for n + 64
  // entries); returns how many. Quote < 0: no quoting.
  size_t (*csv_delimiters)(const uint8_t* p, size_t n, uint8_t sep, int quote, uint32_t* out, CsvBlockScan* scan);
  // Field j of each of `rows` rows (F fields a row; d: csv_delimiters' offsets into buf) as an
  // integer when it is at most 8 bytes of [+-]digits: out[r], ok[r] = 1; else ok[r] = 0. trim_cr:
  // the field is a row's last and may end in \r (such a field is not taken). Returns the count taken.
  size_t (*csv_small_ints)(const uint8_t* buf, const uint32_t* d, size_t F, size_t j, size_t rows, bool trim_cr, int64_t* out, uint8_t* ok);
  // The word counter's scan of p[0, n): out[0, n) is p with ASCII letters folded (fold 1: A-Z to
  // a-z, 2: a-z to A-Z, 0: none); per 64 bytes w, bit b of space[w] is set where byte 64w+b is
  // str.split()'s ASCII whitespace (\t-\r, \x1c-\x20) or lies past n, and of high[w] where it is >= 0x80.
  void (*text_scan)(const uint8_t* p, size_t n, int fold, uint8_t* out, uint64_t* space, uint64_t* high);
  // The forward transforms of kFftLanes lines of n values, split into real and imaginary planes
  // (value k of line l at k * kFftLanes + l) in x, through the stages; y is as large. Returns
  // whether the result ended in y (else x); both are overwritten.
  bool (*fft_lanes)(const FftStage* stages, int count, int64_t n, double* xr, double* xi, double* yr, double* yi);
};

// The table in use (best supported level, or TESSERA_SIMD=scalar|sse2|avx2|avx512 if set).
const OpTable& op_table();
// Switches every thread of the process to a level (tests compare levels against scalar).
void set_simd_level(const char* level);
// A named level, or nullptr if this CPU cannot run it.
const OpTable* op_table_for(const char* level);
// The levels this CPU can run, best first, comma-separated.
const char* supported_simd_levels();

}  // namespace tessera
