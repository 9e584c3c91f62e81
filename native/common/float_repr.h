// A float64 as Python's repr() spells it (and numpy's str(), which pandas' to_csv uses): the
// shortest digits that read back to the same double, in fixed notation when the decimal exponent
// is in [-4, 16) with at least one digit after the point ("1.0", "0.0001", "1000000000000000.0"),
// else in scientific notation with a signed exponent of at least two digits ("1e+16", "1e-05",
// "5e-324"); "inf", "-inf", "nan", "-0.0". The shortest digits come from std::to_chars (C++17,
// exact and shortest); only the layout is ours, following CPython's format_float_short.
#pragma once
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

namespace tessera {

inline void append_float_repr(std::string& out, double v) {
  if (std::isnan(v)) { out += "nan"; return; }
  if (std::isinf(v)) { out += v < 0 ? "-inf" : "inf"; return; }
  char buf[40];
  // Shortest round-trip digits as d[.ddd]e±XX.
  const auto r = std::to_chars(buf, buf + sizeof buf - 1, v, std::chars_format::scientific);
  *r.ptr = '\0';  // for atoi below
  const char* p = buf;
  const char* end = r.ptr;
  if (*p == '-') { out += '-'; ++p; }
  char digits[20];
  int nd = 0;
  while (p < end && *p != 'e') {
    if (*p != '.') digits[nd++] = *p;
    ++p;
  }
  const int exp10 = std::atoi(p + 1);  // skips 'e'; atoi reads the sign
  const int decpt = exp10 + 1;          // the value is 0.DIGITS x 10^decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-decpt), '0');
      out.append(digits, static_cast<size_t>(nd));
    } else if (nd <= decpt) {
      out.append(digits, static_cast<size_t>(nd));
      out.append(static_cast<size_t>(decpt - nd), '0');
      out += ".0";
    } else {
      out.append(digits, static_cast<size_t>(decpt));
      out += '.';
      out.append(digits + decpt, static_cast<size_t>(nd - decpt));
    }
    return;
  }
  out += digits[0];
  if (nd > 1) {
    out += '.';
    out.append(digits + 1, static_cast<size_t>(nd - 1));
  }
  const int e = decpt - 1;
  out += 'e';
  out += e < 0 ? '-' : '+';
  const int a = e < 0 ? -e : e;
  if (a < 10) out += '0';
  out += std::to_string(a);
}

}  // namespace tessera
