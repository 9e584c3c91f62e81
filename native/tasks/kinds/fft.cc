// The fft kind: a discrete Fourier transform (kernels/fft.h) of every line along the last axis of
// one chunk (the planner moves the transformed axis last and makes it one chunk). Complex values
// are a trailing axis of 2 (re, im), numpy's layout; float32 chunks are transformed in double and
// rounded once.
//   c2c: [..., n_in, 2] -> [..., n, 2]     r2c: [..., n_in] -> [..., n/2 + 1, 2]     c2r: [..., n_in, 2] -> [..., n]
//   r2c_full (forward or backward): [..., n_in] -> [..., n, 2]
//   fields: op (0 forward c2c, 1 backward c2c, 2 r2c, 3 c2r, 4 forward r2c_full, 5 backward r2c_full), n, scale,
//   outDtype, lines, nIn, the output chunk's shape, the input as a dependency
// The input is read as `lines` lines of `nIn` values in C order, whatever shape its chunk was
// stored with (a reshape's chunks are its input's, under another shape).
#include <algorithm>
#include <limits>
#include <vector>

#include "../../common/error.h"
#include "../../kernels/fft.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct FftTask {
  int op = 0;
  int64_t n = 0;
  double scale = 1;
  DType out_dtype = DType::F64;
  int64_t lines = 0, n_in = 0;
  std::vector<int64_t> out_shape;
  uint64_t input = 0;
  int owner = 0;
};

FftTask decode(Reader& r, int owner) {
  FftTask t;
  t.op = static_cast<int>(r.integer(0, 5));
  t.n = r.integer(1, std::numeric_limits<int32_t>::max());
  t.scale = r.number();
  t.out_dtype = r.dtype();
  t.lines = r.integer(0);
  t.n_in = r.integer(1);
  t.out_shape = r.shape();
  t.input = r.chunk_ref();
  t.owner = owner;
  if (t.out_dtype != DType::F64 && t.out_dtype != DType::F32) Reader::bad("an fft makes float32 or float64 values");
  return t;
}

// A float32 chunk's values as doubles (a float64 chunk is read in place).
std::vector<double> widened(const Chunk& c) {
  if (c.dtype == DType::F64) return {};
  std::vector<double> v(static_cast<size_t>(c.size()));
  std::copy_n(reinterpret_cast<const float*>(c.data), v.size(), v.data());
  return v;
}

TaskResult run(const FftTask& t) {
  auto in = ChunkStore::instance().get_dense(t.input);
  const bool complex_in = t.op <= 1 || t.op == 3, complex_out = t.op != 3;
  const int64_t n_in = t.n_in, lines = t.lines;
  if ((in->dtype != DType::F64 && in->dtype != DType::F32) || in->size() != lines * n_in * (complex_in ? 2 : 1))
    throw Error("INTERNAL", "an fft's input is not a float chunk of its lines", "this is a planner bug, please report it");
  // The planner zero-pads a line to the transform's length: a task never makes more than it reads.
  if ((t.op == 3 ? t.n / 2 + 1 : t.n) > n_in)
    throw Error("INTERNAL", "an fft's line is shorter than its transform", "this is a planner bug, please report it");
  const int64_t n_out = t.op == 2 ? t.n / 2 + 1 : t.n;
  int64_t out_size = 1;
  for (int64_t d : t.out_shape) out_size *= d;
  if (out_size != lines * n_out * (complex_out ? 2 : 1))
    throw Error("INTERNAL", "an fft's output shape does not hold its lines", "this is a planner bug, please report it");
  auto out = ChunkStore::instance().allocate(t.out_dtype, t.out_shape, t.owner);
  const std::vector<double> wide = widened(*in);
  const double* x = in->dtype == DType::F64 ? reinterpret_cast<const double*>(in->data) : wide.data();
  const int64_t in_step = n_in * (complex_in ? 2 : 1), out_step = n_out * (complex_out ? 2 : 1);
  const auto op = static_cast<fft::LineOp>(t.op);
  fft::Plan plan(t.n, fft::by_half(op, t.n, n_in));
  if (t.out_dtype == DType::F64) {
    fft::transform_lines(plan, op, x, in_step, n_in, reinterpret_cast<double*>(out->data), out_step, lines, t.scale);
  } else {
    // float32 out: a batch of lines in double (about 1 MiB, at least one line), rounded once.
    const int64_t kBatch = std::max<int64_t>(1, (int64_t{1} << 17) / std::max<int64_t>(1, out_step));
    std::vector<double> y(static_cast<size_t>(std::min(lines, kBatch) * out_step));
    float* f = reinterpret_cast<float*>(out->data);
    for (int64_t l0 = 0; l0 < lines; l0 += kBatch) {
      const int64_t c = std::min(kBatch, lines - l0);
      fft::transform_lines(plan, op, x + l0 * in_step, in_step, n_in, y.data(), out_step, c, t.scale);
      for (int64_t k = 0; k < c * out_step; ++k) f[l0 * out_step + k] = static_cast<float>(y[k]);
    }
  }
  return publish_result(out, static_cast<int64_t>(in->nbytes));
}

}  // namespace

extern const TaskKind kFftKind = task_kind<FftTask, decode, run>();

}  // namespace tessera
