// Test-only: reads float64 bit patterns (16 hex digits, one a line) and prints each value as the
// CSV writer spells it (common/float_repr.h), one a line, for comparison with Python's repr().
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "../common/float_repr.h"

int main() {
  std::ios::sync_with_stdio(false);
  std::string line, out;
  while (std::getline(std::cin, line)) {
    const uint64_t bits = std::stoull(line, nullptr, 16);
    double v;
    std::memcpy(&v, &bits, sizeof v);
    out.clear();
    tessera::append_float_repr(out, v);
    std::cout << out << '\n';
  }
  return 0;
}
