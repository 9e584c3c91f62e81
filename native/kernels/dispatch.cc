// Picks the block-kernel table for this CPU once, at first use. TESSERA_SIMD forces a level
// (tests use it to run every level this machine supports against the scalar reference).
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../common/error.h"
#include "op_table.h"

namespace tessera {
namespace scalar { const OpTable& table(); }
namespace sse2 { const OpTable& table(); }
namespace avx2 { const OpTable& table(); }
namespace avx512 { const OpTable& table(); }

namespace {
bool cpu_has(const char* level) {
  __builtin_cpu_init();
  // The AVX levels are also built with BMI1/2 and POPCNT, which every AVX2 CPU has; checked anyway.
  const bool bits = __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
  if (!std::strcmp(level, "avx512"))
    return bits && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
  if (!std::strcmp(level, "avx2")) return bits && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return !std::strcmp(level, "sse2") || !std::strcmp(level, "scalar");
}

const OpTable* pick() {
  const char* forced = std::getenv("TESSERA_SIMD");
  if (forced && *forced) {
    const OpTable* t = op_table_for(forced);
    if (!t) throw Error("SIMD_UNAVAILABLE", std::string("TESSERA_SIMD=") + forced + " is not supported on this CPU",
                        std::string("use one of: ") + supported_simd_levels());
    return t;
  }
  for (const char* level : {"avx512", "avx2", "sse2"})
    if (const OpTable* t = op_table_for(level)) return t;
  return &scalar::table();
}
}  // namespace

const OpTable* op_table_for(const char* level) {
  if (!cpu_has(level)) return nullptr;
  if (!std::strcmp(level, "avx512")) return &avx512::table();
  if (!std::strcmp(level, "avx2")) return &avx2::table();
  if (!std::strcmp(level, "sse2")) return &sse2::table();
  if (!std::strcmp(level, "scalar")) return &scalar::table();
  return nullptr;
}

namespace {
std::atomic<const OpTable*> current{nullptr};
}

const OpTable& op_table() {
  const OpTable* t = current.load(std::memory_order_acquire);
  if (!t) {
    t = pick();
    current.store(t, std::memory_order_release);
  }
  return *t;
}

void set_simd_level(const char* level) {
  const OpTable* t = op_table_for(level);
  if (!t) throw Error("SIMD_UNAVAILABLE", std::string("SIMD level '") + level + "' is not supported on this CPU",
                      std::string("use one of: ") + supported_simd_levels());
  current.store(t, std::memory_order_release);
}

const char* supported_simd_levels() {
  static std::string s = [] {
    std::string out;
    for (const char* level : {"avx512", "avx2", "sse2", "scalar"})
      if (cpu_has(level)) out += std::string(out.empty() ? "" : ",") + level;
    return out;
  }();
  return s.c_str();
}

}  // namespace tessera
