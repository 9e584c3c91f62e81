// Python's str.lower(), str.upper() and str.isspace(), for the native text pipelines: the tables
// (unicode_case_table.inc) are generated from Debian's python3 by scripts/gen-unicode-case.py, so a
// word folds exactly as Python folds it for that Unicode version, including the context rule of
// capital sigma (final form at the end of a word).
#pragma once
#include <cstdint>
#include <string>

namespace tessera::text {

extern const char* const kUnicodeVersion;

// Whether str.split() splits on the code point.
bool is_space(uint32_t cp);

enum class Fold : int { Keep = 0, Lower = 1, Upper = 2 };

// Appends the UTF-8 of `word` (valid UTF-8, whitespace-free) folded as Python folds it.
void fold_word(const uint8_t* word, size_t n, Fold fold, std::string& out);

// Decodes one UTF-8 code point at p (n bytes left, n >= 1); returns its length, or 0 when the bytes
// there are not valid UTF-8 (as Python's strict decoder would refuse: overlong forms, surrogates,
// code points past U+10FFFF, truncated sequences).
int decode_utf8(const uint8_t* p, size_t n, uint32_t* cp);

}  // namespace tessera::text
