// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). Strings
// that reach JS or a table's dictionary must be valid: the CSV reader checks each distinct
// string once, when it enters a partition's dictionary, and TableView checks every entry.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tessera {

// The length of the longest valid prefix of [p, p + n): n when all of it is valid.
inline size_t utf8_valid_prefix(const uint8_t* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    // ASCII runs, eight bytes at a time (most text is ASCII).
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) { len = 3; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) { len = 3; hi = 0x9F; }  // no UTF-16 surrogates
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) { len = 4; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) { len = 4; hi = 0x8F; }  // nothing above U+10FFFF
    else return i;
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k)
      if ((p[i + k] & 0xC0) != 0x80) return i;
    i += len;
  }
  return n;
}

inline bool utf8_valid(const uint8_t* p, size_t n) { return utf8_valid_prefix(p, n) == n; }

}  // namespace tessera
