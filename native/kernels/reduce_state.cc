#include "reduce_state.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include "../common/float_to_int.h"
#include "compensated_sum.h"
#include "op_table.h"

namespace tessera {

int reduce_planes(ReduceKind kind, CType acc) {
  switch (kind) {
    case ReduceKind::Sum: case ReduceKind::Prod: return acc == CType::F64 ? 2 : 1;  // value and error
    case ReduceKind::Mean: case ReduceKind::Var: return 3;
    case ReduceKind::ArgMin: case ReduceKind::ArgMax: return 2;
    default: return 1;
  }
}

ReduceSlots reduce_slots(const ReduceSpec& spec, Chunk& partial, int64_t slots) {
  ReduceSlots s{};
  int k = reduce_planes(spec.kind, spec.acc);
  for (int i = 0; i < k; ++i) s.plane[i] = partial.data + static_cast<size_t>(i) * slots * 8;
  return s;
}

namespace {

template <class A> void init_typed(const ReduceSpec& spec, A* p, int64_t slots) {
  auto fill = [&](int plane, A v) { for (int64_t i = 0; i < slots; ++i) p[plane * slots + i] = v; };
  switch (spec.kind) {
    case ReduceKind::Sum: case ReduceKind::Mean: case ReduceKind::Var: case ReduceKind::Any: case ReduceKind::CountNonzero:
      for (int k = 0; k < reduce_planes(spec.kind, spec.acc); ++k) fill(k, A(0));
      break;
    case ReduceKind::Prod: case ReduceKind::All:
      fill(0, A(1));
      if (reduce_planes(spec.kind, spec.acc) == 2) fill(1, A(0));  // a float product's error term
      break;
    case ReduceKind::Min:
      fill(0, std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity() : std::numeric_limits<A>::max());
      break;
    case ReduceKind::Max:
      fill(0, std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity() : std::numeric_limits<A>::lowest());
      break;
    case ReduceKind::ArgMin: case ReduceKind::ArgMax: fill(0, A(0)); fill(1, static_cast<A>(-1)); break;
    default: break;
  }
}

template <class A> A wrap_add(A a, A b) {
  if constexpr (std::is_floating_point<A>::value) return a + b;
  else return static_cast<A>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
template <class A> A wrap_mul(A a, A b) {
  if constexpr (std::is_floating_point<A>::value) return a * b;
  else return static_cast<A>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}
template <class A> bool is_nan(A v) { if constexpr (std::is_floating_point<A>::value) return v != v; else return false; }

template <class A> void merge_typed(const ReduceSpec& spec, A* to, const A* from, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    switch (spec.kind) {
      case ReduceKind::Sum:
        if constexpr (std::is_floating_point<A>::value) {
          neumaier(to[i], to[n + i], from[i]);
          to[n + i] += from[n + i];
        } else {
          to[i] = wrap_add(to[i], from[i]);
        }
        break;
      case ReduceKind::Mean:
        if constexpr (std::is_floating_point<A>::value) {
          neumaier(to[i], to[n + i], from[i]);
          to[n + i] += from[n + i];
          to[2 * n + i] += from[2 * n + i];
        }
        break;
      case ReduceKind::Var:
        if constexpr (std::is_floating_point<A>::value) {
          double na = to[i], nb = from[i];
          if (nb == 0) break;
          if (na == 0) { to[i] = nb; to[n + i] = from[n + i]; to[2 * n + i] = from[2 * n + i]; break; }
          double tot = na + nb, d = from[n + i] - to[n + i];
          to[n + i] = to[n + i] + d * (nb / tot);
          to[2 * n + i] = to[2 * n + i] + from[2 * n + i] + d * d * (na * nb / tot);
          to[i] = tot;
        }
        break;
      case ReduceKind::Prod:
        if constexpr (std::is_floating_point<A>::value) compensated_mul_merge(to[i], to[n + i], from[i], from[n + i]);
        else to[i] = wrap_mul(to[i], from[i]);
        break;
      case ReduceKind::Min:
        if (is_nan(to[i])) break;
        if (is_nan(from[i]) || from[i] < to[i]) to[i] = from[i];
        break;
      case ReduceKind::Max:
        if (is_nan(to[i])) break;
        if (is_nan(from[i]) || from[i] > to[i]) to[i] = from[i];
        break;
      case ReduceKind::ArgMin: case ReduceKind::ArgMax: {
        const A none = static_cast<A>(-1);
        A vi = to[i], ii = to[n + i], vf = from[i], jf = from[n + i];
        if (jf == none) break;
        bool take;
        if (ii == none) take = true;
        else if (is_nan(vi)) take = is_nan(vf) && jf < ii;
        else if (is_nan(vf)) take = true;
        else if (vf == vi) take = jf < ii;
        else take = spec.kind == ReduceKind::ArgMin ? vf < vi : vf > vi;
        if (take) { to[i] = vf; to[n + i] = jf; }
        break;
      }
      case ReduceKind::Any:
        if constexpr (!std::is_floating_point<A>::value) to[i] = to[i] | from[i];
        break;
      case ReduceKind::All:
        if constexpr (!std::is_floating_point<A>::value) to[i] = to[i] & from[i];
        break;
      case ReduceKind::CountNonzero: to[i] = wrap_add(to[i], from[i]); break;
      default: break;
    }
  }
}

// Float results go through the defined conversion (NaN into an integer dtype is not UB).
template <class A, class O> O final_value(const ReduceSpec& spec, const A* p, int64_t n, int64_t i) {
  switch (spec.kind) {
    case ReduceKind::Sum:
      if constexpr (std::is_floating_point<A>::value) return convert_number<O>(p[i] + p[n + i]);
      else return convert_number<O>(p[i]);
    case ReduceKind::Mean:
      if constexpr (std::is_floating_point<A>::value) return convert_number<O>((p[i] + p[n + i]) / p[2 * n + i]);
      else return O(0);
    case ReduceKind::Var: {
      double denom = static_cast<double>(p[i]) - spec.ddof;
      if (denom < 0) denom = 0;
      double v = static_cast<double>(p[2 * n + i]) / denom;
      return convert_number<O>(spec.sqrt ? std::sqrt(v) : v);
    }
    case ReduceKind::Prod:
      if constexpr (std::is_floating_point<A>::value) return convert_number<O>(compensated_mul_value(p[i], p[n + i]));
      else return convert_number<O>(p[i]);
    case ReduceKind::ArgMin: case ReduceKind::ArgMax: return convert_number<O>(p[n + i]);
    case ReduceKind::Any: case ReduceKind::All: return convert_number<O>(p[i] != 0 ? 1 : 0);
    default: return convert_number<O>(p[i]);
  }
}

template <class A> void finalize_typed(const ReduceSpec& spec, const A* p, Chunk& out, int64_t n) {
  uint8_t* o = out.data;
  for (int64_t i = 0; i < n; ++i) {
    switch (out.dtype) {
      case DType::F64: reinterpret_cast<double*>(o)[i] = final_value<A, double>(spec, p, n, i); break;
      case DType::F32: reinterpret_cast<float*>(o)[i] = final_value<A, float>(spec, p, n, i); break;
      case DType::I64: reinterpret_cast<int64_t*>(o)[i] = final_value<A, int64_t>(spec, p, n, i); break;
      case DType::I32: reinterpret_cast<int32_t*>(o)[i] = final_value<A, int32_t>(spec, p, n, i); break;
      case DType::I16: reinterpret_cast<int16_t*>(o)[i] = final_value<A, int16_t>(spec, p, n, i); break;
      case DType::I8: reinterpret_cast<int8_t*>(o)[i] = final_value<A, int8_t>(spec, p, n, i); break;
      case DType::U64: reinterpret_cast<uint64_t*>(o)[i] = final_value<A, uint64_t>(spec, p, n, i); break;
      case DType::U32: reinterpret_cast<uint32_t*>(o)[i] = final_value<A, uint32_t>(spec, p, n, i); break;
      case DType::U16: reinterpret_cast<uint16_t*>(o)[i] = final_value<A, uint16_t>(spec, p, n, i); break;
      case DType::U8: reinterpret_cast<uint8_t*>(o)[i] = final_value<A, uint8_t>(spec, p, n, i); break;
      case DType::Bool: o[i] = final_value<A, int64_t>(spec, p, n, i) != 0 ? 1 : 0; break;
    }
  }
}

}  // namespace

void reduce_init(const ReduceSpec& spec, Chunk& partial, int64_t slots) {
  switch (spec.acc) {
    case CType::F64: init_typed(spec, reinterpret_cast<double*>(partial.data), slots); break;
    case CType::I64: init_typed(spec, reinterpret_cast<int64_t*>(partial.data), slots); break;
    case CType::U64: init_typed(spec, reinterpret_cast<uint64_t*>(partial.data), slots); break;
    default: break;
  }
}

void reduce_merge(const ReduceSpec& spec, Chunk& into, const Chunk& from, int64_t slots) {
  switch (spec.acc) {
    case CType::F64: merge_typed(spec, reinterpret_cast<double*>(into.data), reinterpret_cast<const double*>(from.data), slots); break;
    case CType::I64: merge_typed(spec, reinterpret_cast<int64_t*>(into.data), reinterpret_cast<const int64_t*>(from.data), slots); break;
    case CType::U64: merge_typed(spec, reinterpret_cast<uint64_t*>(into.data), reinterpret_cast<const uint64_t*>(from.data), slots); break;
    default: break;
  }
}

void reduce_finalize(const ReduceSpec& spec, const Chunk& partial, Chunk& out, int64_t slots) {
  switch (spec.acc) {
    case CType::F64: finalize_typed(spec, reinterpret_cast<const double*>(partial.data), out, slots); break;
    case CType::I64: finalize_typed(spec, reinterpret_cast<const int64_t*>(partial.data), out, slots); break;
    case CType::U64: finalize_typed(spec, reinterpret_cast<const uint64_t*>(partial.data), out, slots); break;
    default: break;
  }
}

}  // namespace tessera
