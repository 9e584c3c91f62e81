// Block kernels, compiled once per SIMD level (see op_table.h). Include only from ops_<level>.cc,
// which defines TESSERA_LEVEL (a namespace name) and TESSERA_LEVEL_NAME first.
// Everything here has internal linkage (anonymous namespace, and the shared helpers it includes,
// philox.h, float_to_int.h and compensated_sum.h, are internal too): otherwise the linker could
// keep an AVX-512 copy of a shared inline function and run it on a CPU without AVX-512.
// The kernels live one family a file (elementwise.h, conversion.h, random.h, reductions.h,
// matmul.h, csv_delimiters.h, csv_ints.h, text_scan.h, fft_lanes.h), included below inside the level's namespace; this file keeps what they share and
// the table that names them.
// Loops are written so the vectoriser can map them to any vector width while keeping one fixed
// order of floating-point operations: reductions use kLanes explicit accumulators.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "../../common/error.h"
#include "../../common/float_to_int.h"
#include "../compensated_sum.h"
#include "../op_table.h"
#include "../philox.h"

namespace tessera {
namespace TESSERA_LEVEL {

namespace {

constexpr int kLanes = 16;
constexpr double kTwoPi = 6.283185307179586476925286766559;

template <class T> constexpr bool is_float = std::is_floating_point<T>::value;

#include "exp_log.h"
#include "trig.h"
#include "pow.h"
#include "normal_transform.h"

#include "elementwise.h"
#include "conversion.h"
#include "random.h"
#include "reductions.h"
#include "matmul.h"
#include "csv_delimiters.h"
#include "csv_ints.h"
#include "text_scan.h"
#include "fft_lanes.h"

// ---- the table ----------------------------------------------------------------------------

OpTable build() {
  OpTable t{};
  t.name = TESSERA_LEVEL_NAME;
  auto U = [&](Op op, OpTable::Unary f64, OpTable::Unary f32, OpTable::Unary i64, OpTable::Unary u64) {
    auto& r = t.unary[static_cast<int>(op)];
    r[0] = f64; r[1] = f32; r[2] = i64; r[3] = u64;
  };
  auto B = [&](Op op, OpTable::Binary f64, OpTable::Binary f32, OpTable::Binary i64, OpTable::Binary u64) {
    auto& r = t.binary[static_cast<int>(op)];
    r[0] = f64; r[1] = f32; r[2] = i64; r[3] = u64;
  };
#define TS_ALL(K) K<double>, K<float>, K<int64_t>, K<uint64_t>
#define TS_FLOATS(K) K<double>, K<float>, nullptr, nullptr
#define TS_INTS(K) nullptr, nullptr, K<int64_t>, K<uint64_t>
  U(Op::Neg, TS_ALL(k_neg)); U(Op::Abs, TS_ALL(k_abs)); U(Op::Sqrt, TS_FLOATS(k_sqrt));
  U(Op::Exp, TS_FLOATS(k_exp)); U(Op::Log, TS_FLOATS(k_log)); U(Op::Log1p, TS_FLOATS(k_log1p));
  U(Op::Sin, TS_FLOATS(k_sin)); U(Op::Cos, TS_FLOATS(k_cos)); U(Op::Tan, TS_FLOATS(k_tan));
  U(Op::Floor, TS_ALL(k_floor)); U(Op::Ceil, TS_ALL(k_ceil)); U(Op::Round, TS_ALL(k_round));
  U(Op::Sign, TS_ALL(k_sign)); U(Op::Not, TS_ALL(k_not)); U(Op::IsNan, TS_FLOATS(k_isnan));
  U(Op::Invert, TS_INTS(k_invert));
  U(Op::Log2, TS_FLOATS(k_log2)); U(Op::Log10, TS_FLOATS(k_log10)); U(Op::Exp2, TS_FLOATS(k_exp2)); U(Op::Expm1, TS_FLOATS(k_expm1));
  B(Op::Atan2, TS_FLOATS(k_atan2)); B(Op::Hypot, TS_FLOATS(k_hypot));
  B(Op::Check, nullptr, nullptr, k_check<int64_t>, nullptr);
  B(Op::Add, TS_ALL(k_add)); B(Op::Sub, TS_ALL(k_sub)); B(Op::Mul, TS_ALL(k_mul));
  B(Op::Div, TS_FLOATS(k_div)); B(Op::FloorDiv, TS_ALL(k_floordiv)); B(Op::Mod, TS_ALL(k_mod));
  B(Op::Pow, TS_ALL(k_pow)); B(Op::Minimum, TS_ALL(k_minimum)); B(Op::Maximum, TS_ALL(k_maximum));
  B(Op::Eq, TS_ALL(k_eq)); B(Op::Ne, TS_ALL(k_ne)); B(Op::Lt, TS_ALL(k_lt));
  B(Op::Le, TS_ALL(k_le)); B(Op::Gt, TS_ALL(k_gt)); B(Op::Ge, TS_ALL(k_ge));
  B(Op::And, TS_INTS(k_and)); B(Op::Or, TS_INTS(k_or)); B(Op::Xor, TS_INTS(k_xor));
  t.where[0] = k_where<double>; t.where[1] = k_where<float>; t.where[2] = k_where<int64_t>; t.where[3] = k_where<uint64_t>;
  t.fill[0] = k_fill<double>; t.fill[1] = k_fill<float>; t.fill[2] = k_fill<int64_t>; t.fill[3] = k_fill<uint64_t>;

#define TS_CAST_ROW(To) { k_cast<To, double>, k_cast<To, float>, k_cast<To, int64_t>, k_cast<To, uint64_t> }
  OpTable::Unary casts[4][4] = {TS_CAST_ROW(double), TS_CAST_ROW(float), TS_CAST_ROW(int64_t), TS_CAST_ROW(uint64_t)};
  std::memcpy(t.cast, casts, sizeof(casts));

#define TS_GATHER_ROW(S) { k_gather<S, double>, k_gather<S, float>, k_gather<S, int64_t>, k_gather<S, uint64_t> }
  OpTable::Gather gathers[11][4] = {
      TS_GATHER_ROW(double), TS_GATHER_ROW(float), TS_GATHER_ROW(int64_t), TS_GATHER_ROW(int32_t),
      TS_GATHER_ROW(int16_t), TS_GATHER_ROW(int8_t), TS_GATHER_ROW(uint64_t), TS_GATHER_ROW(uint32_t),
      TS_GATHER_ROW(uint16_t), TS_GATHER_ROW(uint8_t),
      {k_gather_bool<double>, k_gather_bool<float>, k_gather_bool<int64_t>, k_gather_bool<uint64_t>}};
  std::memcpy(t.gather, gathers, sizeof(gathers));

#define TS_STORE_ROW(T) { k_store<T, double>, k_store<T, float>, k_store<T, int64_t>, k_store<T, int32_t>, \
    k_store<T, int16_t>, k_store<T, int8_t>, k_store<T, uint64_t>, k_store<T, uint32_t>, k_store<T, uint16_t>, \
    k_store<T, uint8_t>, k_store_bool<T> }
  OpTable::Store stores[4][11] = {TS_STORE_ROW(double), TS_STORE_ROW(float), TS_STORE_ROW(int64_t), TS_STORE_ROW(uint64_t)};
  std::memcpy(t.store, stores, sizeof(stores));

  t.uniform = k_generate<false>;
  t.normal = k_generate<true>;
  t.arange[0] = k_arange<double>; t.arange[1] = k_arange<float>; t.arange[2] = k_arange<int64_t>; t.arange[3] = k_arange<uint64_t>;

  auto R = [&](ReduceKind k, OpTable::Reduce f64s, OpTable::Reduce i64s, OpTable::Reduce u64s,
               OpTable::Reduce f64v, OpTable::Reduce i64v, OpTable::Reduce u64v) {
    int i = static_cast<int>(k);
    t.reduce_scalar[i][0] = f64s; t.reduce_scalar[i][2] = i64s; t.reduce_scalar[i][3] = u64s;
    t.reduce_vector[i][0] = f64v; t.reduce_vector[i][2] = i64v; t.reduce_vector[i][3] = u64v;
  };
  R(ReduceKind::Sum, r_sum_scalar<double>, r_sum_scalar<int64_t>, r_sum_scalar<uint64_t>,
    r_sum_vector<double>, r_sum_vector<int64_t>, r_sum_vector<uint64_t>);
  R(ReduceKind::Prod, r_prod_scalar<double>, r_prod_scalar<int64_t>, r_prod_scalar<uint64_t>,
    r_prod_vector<double>, r_prod_vector<int64_t>, r_prod_vector<uint64_t>);
  R(ReduceKind::Mean, r_mean_scalar<double>, nullptr, nullptr, r_mean_vector<double>, nullptr, nullptr);
  R(ReduceKind::Var, r_var_scalar<double>, nullptr, nullptr, r_var_vector<double>, nullptr, nullptr);
  R(ReduceKind::Min, r_minmax_scalar<double, false>, r_minmax_scalar<int64_t, false>, r_minmax_scalar<uint64_t, false>,
    r_minmax_vector<double, false>, r_minmax_vector<int64_t, false>, r_minmax_vector<uint64_t, false>);
  R(ReduceKind::Max, r_minmax_scalar<double, true>, r_minmax_scalar<int64_t, true>, r_minmax_scalar<uint64_t, true>,
    r_minmax_vector<double, true>, r_minmax_vector<int64_t, true>, r_minmax_vector<uint64_t, true>);
  R(ReduceKind::ArgMin, r_arg_scalar<double, false>, r_arg_scalar<int64_t, false>, r_arg_scalar<uint64_t, false>,
    r_arg_vector<double, false>, r_arg_vector<int64_t, false>, r_arg_vector<uint64_t, false>);
  R(ReduceKind::ArgMax, r_arg_scalar<double, true>, r_arg_scalar<int64_t, true>, r_arg_scalar<uint64_t, true>,
    r_arg_vector<double, true>, r_arg_vector<int64_t, true>, r_arg_vector<uint64_t, true>);
  R(ReduceKind::Any, nullptr, r_any_scalar<int64_t>, nullptr, nullptr, r_any_vector<int64_t>, nullptr);
  R(ReduceKind::All, nullptr, r_all_scalar<int64_t>, nullptr, nullptr, r_all_vector<int64_t>, nullptr);
  R(ReduceKind::CountNonzero, nullptr, r_count_scalar<int64_t>, nullptr, nullptr, r_count_vector<int64_t>, nullptr);
  t.read_probe = read_probe;
  t.csv_delimiters = csv_delimiters;
  t.csv_small_ints = csv_small_ints;
  t.text_scan = text_scan;
  t.fft_lanes = fft_lanes;
  t.matmul_acc[0] = k_matmul_acc<double>; t.matmul_acc[1] = k_matmul_acc<float>;
  t.matmul_acc[2] = k_matmul_acc<int64_t>; t.matmul_acc[3] = k_matmul_acc<uint64_t>;
  return t;
}

}  // namespace

const OpTable& table() {
  static const OpTable t = build();
  return t;
}

}  // namespace TESSERA_LEVEL
}  // namespace tessera
