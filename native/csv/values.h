// Field text to values, as pandas reads them: numbers may have spaces around them and a sign;
// integers are decimal digits that fit int64; floats are anything Python's float() reads except
// hex and underscores (fast_float: exact, round-trip correct), plus inf/infinity in any case, and
// out-of-range ones become +-inf or 0 as float() makes them (pandas' round_trip parser leaves
// such a column as object instead);
// bools are True/TRUE/true and False/FALSE/false exactly; timestamps are ISO 8601.
// The parser's hot path reads integers and floats straight from the buffer (csv_parser.cc);
// these are the complete readers it falls back to, and what the sniffer classifies with.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tessera::csv {

inline bool is_digit(uint8_t c) { return static_cast<uint8_t>(c - '0') < 10; }
inline bool is_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Trims ASCII white space from both ends of [*p, *p + *n).
inline void trim(const uint8_t** p, size_t* n) {
  while (*n && is_space((*p)[0])) ++*p, --*n;
  while (*n && is_space((*p)[*n - 1])) --*n;
}

bool parse_int64(const uint8_t* p, size_t n, int64_t* out);
bool parse_float64(const uint8_t* p, size_t n, double* out);
bool parse_bool(const uint8_t* p, size_t n, uint8_t* out);
// ISO 8601: YYYY-MM-DD, optionally followed by 'T' or ' ' and HH:MM[:SS[.fraction]] (up to 9
// fraction digits), optionally followed by Z or an offset +HH[:MM] / -HHMM. The result is ns since
// 1970-01-01 UTC (a time without offset is taken as UTC, like pandas' naive datetime64[ns]).
// False for anything else, and for an instant outside int64 ns (years 1677-2262).
bool parse_timestamp(const uint8_t* p, size_t n, int64_t* out);

// Days since 1970-01-01 of a proleptic Gregorian date (valid for any int32 year).
inline int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace tessera::csv
