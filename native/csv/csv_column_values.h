// One parsed column of a CSV partition as it grows (internal to CsvPartitionParser: the row-wise
// path in csv_parser.cc and the column-wise one in plain_block.cc both append to it).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "csv_parser.h"
#include "string_dict.h"

namespace tessera::csv {

struct CsvPartitionParser::Column {
  CsvColumn spec;
  std::vector<int64_t> i64;     // int64 and timestamp
  std::vector<double> f64;
  std::vector<uint8_t> u8;      // bool
  std::vector<int32_t> codes;   // string
  std::vector<uint8_t> valid;   // empty until the column's first null, then one byte per value
  bool has_null = false;
  bool check_na_first = false;  // a missing-value string reads as a value of this type (e.g. "-999")
  std::unique_ptr<StringDict> dict;

  void ok() {
    if (has_null) valid.push_back(1);
  }
  size_t size() const {
    switch (spec.type) {
      case table::ColumnType::Float64: return f64.size();
      case table::ColumnType::Bool: return u8.size();
      case table::ColumnType::String: return codes.size();
      default: return i64.size();
    }
  }
  // Keeps the first n values (and validity bytes).
  void truncate(size_t n) {
    switch (spec.type) {
      case table::ColumnType::Float64: f64.resize(n); break;
      case table::ColumnType::Bool: u8.resize(n); break;
      case table::ColumnType::String: codes.resize(n); break;
      default: i64.resize(n); break;
    }
    if (has_null) valid.resize(n);
  }
};

// A plain decimal integer, [+-]digits, read from p: where its digits end (nullptr when there are
// none). At most 18 digits are read, so the value cannot overflow; a longer number stops early
// and the caller, seeing no field end there, takes the complete path (values.h).
inline const uint8_t* plain_int(const uint8_t* p, const uint8_t* end, int64_t* out) {
  bool neg = false;
  if (p < end && (*p == '-' || *p == '+')) neg = *p++ == '-';
  const uint8_t* digits = p;
  const uint8_t* lim = end - p > 18 ? p + 18 : end;
  uint64_t v = 0;
  while (p < lim && static_cast<unsigned>(*p - '0') < 10) v = v * 10 + static_cast<uint64_t>(*p++ - '0');
  if (p == digits) return nullptr;
  *out = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return p;
}

}  // namespace tessera::csv
