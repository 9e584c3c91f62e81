// Test-only checker (test/native-kernels.test.ts): the error in ulps of float64 results of exp, log,
// log1p, sin, cos, tan and pow against long double, x86's 80-bit format. glibc's expl, logl, log1pl,
// sinl, cosl, tanl and powl are within a few ulp of its 64-bit significand, i.e. within ~0.001 ulp of a
// double (checked against 300-bit mpmath), so an error measured here is the float64 result's own.
//
//   libm-ulps exp|log|log1p|sin|cos|tan PAIRS ERRORS
//   libm-ulps pow TRIPLES ERRORS
//
// PAIRS holds float64 pairs (x, result), TRIPLES (x, y, result); ERRORS receives one float64 per pair: |result - f(x)| /
// ulp(f(x)), ulp being the spacing of doubles at f(x) (2^-1074 below 2^-1022). Where f(x) is NaN,
// infinite, zero or rounds beyond double's range, the result must be exactly that value (NaN any
// NaN; the sign of zero too): 0 if it is, Infinity if not.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

static_assert(std::numeric_limits<long double>::digits == 64, "needs x86's 80-bit long double");

namespace {
long double reference(const char* f, long double x, long double y) {
  if (!std::strcmp(f, "pow")) return powl(x, y);
  if (!std::strcmp(f, "exp")) return expl(x);
  if (!std::strcmp(f, "log")) return logl(x);
  if (!std::strcmp(f, "log1p")) return log1pl(x);
  if (!std::strcmp(f, "sin")) return sinl(x);
  if (!std::strcmp(f, "cos")) return cosl(x);
  return tanl(x);
}

double ulps(long double want, double got) {
  if (std::isnan(want)) return std::isnan(got) ? 0 : INFINITY;
  const double rounded = static_cast<double>(want);
  if (std::isinf(want) || want == 0 || std::isinf(rounded))
    return got == rounded && std::signbit(got) == std::signbit(rounded) ? 0 : INFINITY;
  const long double a = fabsl(want);
  const long double ulp = a < 0x1p-1022L ? 0x1p-1074L : ldexpl(1.0L, ilogbl(a) - 52);
  const long double e = fabsl(static_cast<long double>(got) - want) / ulp;
  return e == e ? static_cast<double>(e) : INFINITY;
}
}  // namespace

int main(int argc, char** argv) {
  static const char* const kFunctions[] = {"exp", "log", "log1p", "sin", "cos", "tan", "pow"};
  bool known = false;
  for (const char* f : kFunctions) known = known || (argc == 4 && !std::strcmp(argv[1], f));
  if (!known) {
    std::fprintf(stderr, "usage: libm-ulps exp|log|log1p|sin|cos|tan PAIRS ERRORS, or libm-ulps pow TRIPLES ERRORS\n");
    return 2;
  }
  std::FILE* in = std::fopen(argv[2], "rb");
  if (!in) return std::perror(argv[2]), 1;
  const size_t width = std::strcmp(argv[1], "pow") ? 2 : 3;  // (x, result) or (x, y, result)
  std::vector<double> values;
  double buf[3];
  while (std::fread(buf, sizeof(double) * width, 1, in) == 1) values.insert(values.end(), buf, buf + width);
  std::fclose(in);
  std::vector<double> errors(values.size() / width);
  for (size_t i = 0; i < errors.size(); ++i) {
    const double* v = &values[width * i];
    errors[i] = ulps(reference(argv[1], v[0], width == 3 ? v[1] : 0), v[width - 1]);
  }
  std::FILE* out = std::fopen(argv[3], "wb");
  if (!out) return std::perror(argv[3]), 1;
  const bool ok = std::fwrite(errors.data(), sizeof(double), errors.size(), out) == errors.size();
  return std::fclose(out) == 0 && ok ? 0 : 1;
}
