// The string methods of column-expression programs. Each runs once per dictionary entry, not per
// row: a partition's strings are dictionary-encoded, so `str.lower()` of a million rows of 30
// distinct strings is 30 calls. Python indexes strings by code point, so lengths and slices count
// UTF-8 code points; case mapping is the C library's (C.UTF-8) simple mapping.
#include <clocale>
#include <cwctype>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "expr_ops.h"

namespace tessera::table {

namespace {

using T = ColumnType;
using expr_ops::bad;

// A string vector whose entries are `f` of the old ones (dictionary order kept; duplicates allowed).
template <class F> Vec map_entries(const Vec& a, F f) {
  std::vector<std::string> made(a.dict->count);
  for (uint64_t k = 0; k < a.dict->count; ++k) made[k] = f(a.dict->at(k));
  std::vector<std::string_view> views(made.begin(), made.end());
  Vec o = a;
  o.dict = StringDict::of_strings(views);
  return o;
}

// A non-string vector from one value per dictionary entry.
template <class R, class F> Vec per_entry(const Vec& a, T rt, F f) {
  std::vector<R> e(a.dict->count);
  for (uint64_t k = 0; k < a.dict->count; ++k) e[k] = f(a.dict->at(k));
  Vec o = make_vec(rt, a.n, false, a.scalar);
  for (size_t i = 0; i < a.n; ++i) o.mut<R>()[i] = a.ok(i) ? e[static_cast<size_t>(a.as<int32_t>()[i])] : R{};
  o.valid = a.valid;
  o.own_valid = a.own_valid;
  return o;
}

locale_t utf8_locale() {
  static locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

// Decodes, maps every code point (simple case mapping, the C library's C.UTF-8 tables) and encodes.
std::string map_case(std::string_view s, bool upper) {
  std::string out;
  out.reserve(s.size());
  locale_t loc = utf8_locale();
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(upper ? (c >= 'a' && c <= 'z' ? c - 32 : c) : (c >= 'A' && c <= 'Z' ? c + 32 : c)));
      ++i;
      continue;
    }
    // UTF-8 decoded here: mbrtowc would use the process's locale ("C": no multibyte characters).
    const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    uint32_t w = len == 4 ? c & 0x07 : len == 3 ? c & 0x0F : c & 0x1F;
    bool valid = len != 0 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) {
      const unsigned char b = static_cast<unsigned char>(s[i + k]);
      valid = (b & 0xC0) == 0x80;
      w = (w << 6) | (b & 0x3F);
    }
    if (!valid || !loc) {  // not decodable (the table check keeps this from happening): keep the byte
      out.push_back(s[i++]);
      continue;
    }
    const wint_t m = upper ? towupper_l(static_cast<wint_t>(w), loc) : towlower_l(static_cast<wint_t>(w), loc);
    char buf[8];
    uint32_t cp = static_cast<uint32_t>(m);
    size_t k = 0;
    if (cp < 0x800) { buf[k++] = static_cast<char>(0xC0 | (cp >> 6)); buf[k++] = static_cast<char>(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) { buf[k++] = static_cast<char>(0xE0 | (cp >> 12)); buf[k++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); buf[k++] = static_cast<char>(0x80 | (cp & 0x3F)); }
    else { buf[k++] = static_cast<char>(0xF0 | (cp >> 18)); buf[k++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F)); buf[k++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); buf[k++] = static_cast<char>(0x80 | (cp & 0x3F)); }
    out.append(buf, k);
    i += len;
  }
  return out;
}

// Byte offsets of each code point's start, plus the end: Python indexes strings by code point.
std::vector<size_t> code_points(std::string_view s) {
  std::vector<size_t> at;
  for (size_t i = 0; i < s.size(); ++i) if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) at.push_back(i);
  at.push_back(s.size());
  return at;
}

// SQL LIKE over code points: % matches any run (also empty), _ one code point, all else itself.
// Greedy with one backtrack point per %: linear for the patterns people write.
bool like(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  auto next = [](std::string_view t, size_t i) { ++i; while (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) ++i; return i; };
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = pi++;
      star_s = si;
    } else if (pi < p.size() && p[pi] == '_') {
      si = next(s, si);
      pi = next(p, pi);
    } else if (pi < p.size() && s.compare(si, next(s, si) - si, p, pi, next(p, pi) - pi) == 0) {
      const size_t sn = next(s, si);
      pi = next(p, pi);
      si = sn;
    } else if (star_p != std::string_view::npos) {
      pi = star_p + 1;
      si = star_s = next(s, star_s);
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

std::string slice(std::string_view s, int64_t start, int64_t stop, bool has_start, bool has_stop) {
  const std::vector<size_t> at = code_points(s);
  const int64_t len = static_cast<int64_t>(at.size()) - 1;
  auto clamp = [len](int64_t i) { if (i < 0) i += len; return i < 0 ? 0 : (i > len ? len : i); };
  const int64_t a = has_start ? clamp(start) : 0, b = has_stop ? clamp(stop) : len;
  if (b <= a) return {};
  return std::string(s.substr(at[static_cast<size_t>(a)], at[static_cast<size_t>(b)] - at[static_cast<size_t>(a)]));
}

}  // namespace

Vec expr_ops::string_method(const ExprNode& n, const Vec& a) {
  switch (n.op) {
    case ExprOp::StrLower: return map_entries(a, [](std::string_view s) { return map_case(s, false); });
    case ExprOp::StrUpper: return map_entries(a, [](std::string_view s) { return map_case(s, true); });
    case ExprOp::StrSlice: {
      constexpr int64_t open = std::numeric_limits<int64_t>::min();
      return map_entries(a, [&](std::string_view s) { return slice(s, n.i0, n.i1, n.i0 != open, n.i1 != open); });
    }
    case ExprOp::StrLen: return per_entry<int64_t>(a, T::Int64, [](std::string_view s) { return static_cast<int64_t>(code_points(s).size() - 1); });
    case ExprOp::StrContains: return per_entry<uint8_t>(a, T::Bool, [&](std::string_view s) { return s.find(n.s) != std::string_view::npos; });
    case ExprOp::StrStartsWith: return per_entry<uint8_t>(a, T::Bool, [&](std::string_view s) { return s.substr(0, n.s.size()) == n.s; });
    case ExprOp::StrEndsWith: return per_entry<uint8_t>(a, T::Bool, [&](std::string_view s) { return s.size() >= n.s.size() && s.substr(s.size() - n.s.size()) == n.s; });
    case ExprOp::StrLike: return per_entry<uint8_t>(a, T::Bool, [&](std::string_view s) { return like(s, n.s); });
    default: bad("string method");
  }
}

}  // namespace tessera::table
