#include "values.h"

#include <cstring>
#include <fast_float/fast_float.h>
#include <limits>

namespace tessera::csv {

namespace {

bool equals_ci(const uint8_t* p, size_t n, const char* s) {
  if (std::strlen(s) != n) return false;
  for (size_t i = 0; i < n; ++i) {
    uint8_t c = p[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<uint8_t>(c + 32);
    if (c != static_cast<uint8_t>(s[i])) return false;
  }
  return true;
}

bool equals(const uint8_t* p, size_t n, const char* s) { return std::strlen(s) == n && std::memcmp(p, s, n) == 0; }

// Reads exactly `count` digits at p[*i] as a number.
bool digits(const uint8_t* p, size_t n, size_t* i, int count, int* out) {
  int v = 0;
  for (int k = 0; k < count; ++k) {
    if (*i >= n || !is_digit(p[*i])) return false;
    v = v * 10 + (p[(*i)++] - '0');
  }
  *out = v;
  return true;
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool parse_int64(const uint8_t* p, size_t n, int64_t* out) {
  trim(&p, &n);
  size_t i = 0;
  bool neg = false;
  if (i < n && (p[i] == '-' || p[i] == '+')) neg = p[i++] == '-';
  if (i == n) return false;
  uint64_t v = 0;
  const uint64_t limit = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (; i < n; ++i) {
    if (!is_digit(p[i])) return false;
    const uint64_t dgt = p[i] - '0';
    if (v > (limit - dgt) / 10) return false;  // out of int64's range
    v = v * 10 + dgt;
  }
  *out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool parse_float64(const uint8_t* p, size_t n, double* out) {
  trim(&p, &n);
  if (n == 0) return false;
  bool neg = false;
  size_t i = 0;
  if (p[0] == '+' || p[0] == '-') {
    neg = p[0] == '-';
    i = 1;
    if (i < n && (p[i] == '+' || p[i] == '-')) return false;  // one sign only
  }
  if (equals_ci(p + i, n - i, "inf") || equals_ci(p + i, n - i, "infinity")) {
    *out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  double v;
  const char* first = reinterpret_cast<const char*>(p + i);
  const char* last = reinterpret_cast<const char*>(p + n);
  auto r = fast_float::from_chars(first, last, v);
  if (r.ec != std::errc() || r.ptr != last) return false;
  *out = neg ? -v : v;
  return true;
}

bool parse_bool(const uint8_t* p, size_t n, uint8_t* out) {
  if (equals(p, n, "True") || equals(p, n, "TRUE") || equals(p, n, "true")) {
    *out = 1;
    return true;
  }
  if (equals(p, n, "False") || equals(p, n, "FALSE") || equals(p, n, "false")) {
    *out = 0;
    return true;
  }
  return false;
}

bool parse_timestamp(const uint8_t* p, size_t n, int64_t* out) {
  trim(&p, &n);
  size_t i = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(p, n, &i, 4, &year) || i >= n || p[i++] != '-' || !digits(p, n, &i, 2, &month) || i >= n || p[i++] != '-' ||
      !digits(p, n, &i, 2, &day))
    return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] + (month == 2 && leap(year))) return false;
  int64_t frac_ns = 0, offset_s = 0;
  if (i < n && (p[i] == 'T' || p[i] == ' ')) {
    ++i;
    if (!digits(p, n, &i, 2, &hour) || i >= n || p[i++] != ':' || !digits(p, n, &i, 2, &minute)) return false;
    if (i < n && p[i] == ':') {
      ++i;
      if (!digits(p, n, &i, 2, &second)) return false;
      if (i < n && (p[i] == '.' || p[i] == ',')) {
        ++i;
        int count = 0;
        while (i < n && is_digit(p[i])) {
          if (++count > 9) return false;
          frac_ns = frac_ns * 10 + (p[i++] - '0');
        }
        if (count == 0) return false;
        for (int k = count; k < 9; ++k) frac_ns *= 10;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return false;
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
      ++i;
    } else if (i < n && (p[i] == '+' || p[i] == '-')) {
      const int sign = p[i++] == '-' ? -1 : 1;
      int oh, om = 0;
      if (!digits(p, n, &i, 2, &oh)) return false;
      if (i < n && p[i] == ':') ++i;
      if (i < n && !digits(p, n, &i, 2, &om)) return false;
      if (oh > 23 || om > 59) return false;
      offset_s = sign * (oh * 3600 + om * 60);
    }
  }
  if (i != n) return false;
  const int64_t secs = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  int64_t ns;
  if (__builtin_mul_overflow(secs, int64_t{1000000000}, &ns) || __builtin_add_overflow(ns, frac_ns, &ns)) return false;
  *out = ns;
  return true;
}

}  // namespace tessera::csv
