#include "unicode_case.h"

#include <algorithm>
#include <vector>

namespace tessera::text {

namespace {

struct CaseMapping {
  uint32_t cp;
  uint32_t n;
  uint32_t to[3];
};
struct CodeRange {
  uint32_t lo, hi;
};

#include "unicode_case_table.inc"

constexpr uint32_t kCapitalSigma = 0x03A3, kSmallSigma = 0x03C3, kFinalSigma = 0x03C2;

template <size_t N> const CaseMapping* find(const CaseMapping (&table)[N], uint32_t cp) {
  const CaseMapping* it = std::lower_bound(table, table + N, cp, [](const CaseMapping& m, uint32_t c) { return m.cp < c; });
  return it != table + N && it->cp == cp ? it : nullptr;
}

template <size_t N> bool in(const CodeRange (&ranges)[N], uint32_t cp) {
  const CodeRange* it = std::upper_bound(ranges, ranges + N, cp, [](uint32_t c, const CodeRange& r) { return c < r.lo; });
  return it != ranges && cp <= (it - 1)->hi;
}

void put_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Python's final-sigma rule (unicodeobject.c, handle_capital_sigma): final when a cased letter
// comes before it and none after, skipping case-ignorable characters both ways. Whitespace is
// neither, so looking within the word is looking within the line.
bool final_sigma(const std::vector<uint32_t>& cps, size_t i) {
  size_t j = i;
  bool before = false;
  while (j > 0) {
    const uint32_t c = cps[--j];
    if (in(kCaseIgnorable, c)) continue;
    before = in(kCased, c);
    break;
  }
  if (!before) return false;
  for (size_t k = i + 1; k < cps.size(); ++k) {
    if (in(kCaseIgnorable, cps[k])) continue;
    return !in(kCased, cps[k]);
  }
  return true;
}

}  // namespace

const char* const kUnicodeVersion = TESSERA_UNICODE_VERSION;

bool is_space(uint32_t cp) { return in(kSpace, cp); }

int decode_utf8(const uint8_t* p, size_t n, uint32_t* cp) {
  const uint8_t b = p[0];
  if (b < 0x80) {
    *cp = b;
    return 1;
  }
  int len;
  uint32_t c, min;
  if (b >= 0xC2 && b <= 0xDF) len = 2, c = b & 0x1F, min = 0x80;
  else if (b >= 0xE0 && b <= 0xEF) len = 3, c = b & 0x0F, min = 0x800;
  else if (b >= 0xF0 && b <= 0xF4) len = 4, c = b & 0x07, min = 0x10000;
  else return 0;
  if (n < static_cast<size_t>(len)) return 0;
  for (int k = 1; k < len; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (p[k] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  *cp = c;
  return len;
}

void fold_word(const uint8_t* word, size_t n, Fold fold, std::string& out) {
  bool ascii = true;
  for (size_t i = 0; i < n && ascii; ++i) ascii = word[i] < 0x80;
  if (ascii || fold == Fold::Keep) {
    const size_t at = out.size();
    out.append(reinterpret_cast<const char*>(word), n);
    if (!ascii) return;
    for (size_t i = at; i < out.size(); ++i) {
      char& ch = out[i];
      if (fold == Fold::Lower && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
      if (fold == Fold::Upper && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 32);
    }
    return;
  }
  thread_local std::vector<uint32_t> cps;
  cps.clear();
  for (size_t i = 0; i < n;) {
    uint32_t cp = 0;
    const int len = decode_utf8(word + i, n - i, &cp);
    cps.push_back(cp);  // the caller validated the text: len >= 1
    i += static_cast<size_t>(len > 0 ? len : 1);
  }
  for (size_t i = 0; i < cps.size(); ++i) {
    const uint32_t cp = cps[i];
    if (fold == Fold::Lower && cp == kCapitalSigma) {
      put_utf8(final_sigma(cps, i) ? kFinalSigma : kSmallSigma, out);
      continue;
    }
    const CaseMapping* m = fold == Fold::Lower ? find(kLower, cp) : find(kUpper, cp);
    if (!m) {
      put_utf8(cp, out);
      continue;
    }
    for (uint32_t k = 0; k < m->n; ++k) put_utf8(m->to[k], out);
  }
}

}  // namespace tessera::text
