// Float to integer conversion defined for every input, so results never depend on the compiler,
// the SIMD level or undefined behaviour: NaN and out-of-range values become x86's "integer
// indefinite" 0x8000000000000000 (what numpy yields on x86-64), and float to unsigned goes through
// int64 below 2^63 as C compilers do on x86-64 (-3.0 -> 2^64 - 3, whose low byte is numpy's
// uint8 253).
// The functions have internal linkage on purpose: the SIMD kernel files include this header and
// must each keep their own copy (a shared inline copy could be the AVX-512 one).
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

namespace tessera {
namespace {

template <class From> int64_t float_to_i64(From x) {
  const From lo = From(-9223372036854775808.0), hi = From(9223372036854775808.0);
  return (x >= lo && x < hi) ? static_cast<int64_t>(x) : std::numeric_limits<int64_t>::min();
}

template <class To, class From> To convert_number(From x) {
  if constexpr (std::is_floating_point<From>::value && std::is_integral<To>::value) {
    if constexpr (std::is_unsigned<To>::value) {
      const From two63 = From(9223372036854775808.0), two64 = From(18446744073709551616.0);
      if (x >= two63 && x < two64) return static_cast<To>(static_cast<uint64_t>(float_to_i64(x - two63)) ^ (uint64_t(1) << 63));
    }
    return static_cast<To>(float_to_i64(x));
  } else {
    return static_cast<To>(x);
  }
}

}  // namespace
}  // namespace tessera
