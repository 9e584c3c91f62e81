// The byte format of a table partition: one chunk of the store (ChunkLayout::Table) holds one
// partition of a table as a self-describing columnar buffer in one allocation, so it is counted,
// released and shown like any chunk, and a task that reads it needs nothing but its bytes.
//
// The buffer never leaves the process (it is not a file format), so numbers are in the machine's
// byte order. Every offset is from the start of the buffer; every buffer below starts 8-byte
// aligned (the store aligns the chunk itself to 64 bytes), and padding bytes are zero.
//
//   TableHeader                      32 bytes
//   ColumnDesc[ncols]                64 bytes each
//   then, each 8-byte aligned, in any order (the builder writes them in this one):
//     column names                   UTF-8, name_len bytes each (not NUL-terminated)
//     per column:
//       data                         nrows values: int64 | float64 | uint8 bool (0/1) |
//                                    int64 timestamp (ns since 1970-01-01 UTC) | int64 timedelta (ns) |
//                                    int32 string code
//       validity (if has_validity)   nrows bytes, 1 valid, 0 null; present only for a column with
//                                    a null in this partition
//       string dictionary            dict_count + 1 uint64 offsets (first 0, non-decreasing,
//                                    last = dict_bytes_len) and dict_bytes_len bytes of UTF-8:
//                                    entry k is bytes[offsets[k], offsets[k+1]). Codes of valid
//                                    rows index it; the entries are distinct strings.
//
// What a null row's value holds: NaN for float64, 0 for every other type (a string code 0 of a
// null row may not name an entry: readers look at validity first).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tessera::table {

constexpr uint32_t kMagic = 0x31424154;  // "TAB1" in memory order
constexpr uint32_t kVersion = 1;
constexpr size_t kAlign = 8;

// Timedelta: int64 nanoseconds (a difference of timestamps); made by operators, never read from a file.
enum class ColumnType : uint8_t { Int64 = 1, Float64 = 2, Bool = 3, Timestamp = 4, String = 5, Timedelta = 6 };

struct TableHeader {
  uint32_t magic;
  uint32_t version;
  uint64_t nrows;
  uint32_t ncols;
  uint32_t reserved;     // 0
  uint64_t total_bytes;  // the whole buffer, header included
};

struct ColumnDesc {
  uint8_t type;           // ColumnType
  uint8_t has_validity;   // 0 or 1
  uint16_t reserved;      // 0
  uint32_t name_len;
  uint64_t name_offset;
  uint64_t data_offset;
  uint64_t validity_offset;      // 0 without validity
  uint64_t dict_count;           // strings only, else 0
  uint64_t dict_offsets_offset;  // strings only, else 0
  uint64_t dict_bytes_offset;    // strings only, else 0
  uint64_t dict_bytes_len;       // strings only, else 0
};

static_assert(sizeof(TableHeader) == 32, "the header is 32 bytes");
static_assert(sizeof(ColumnDesc) == 64, "a column descriptor is 64 bytes");

// Bytes per value of a column's data.
inline size_t value_width(ColumnType t) {
  switch (t) {
    case ColumnType::Bool: return 1;
    case ColumnType::String: return 4;
    default: return 8;
  }
}

inline bool valid_column_type(uint8_t t) { return t >= 1 && t <= 6; }

// The names the TS side uses: 'int64' | 'float64' | 'bool' | 'timestamp' | 'string'.
inline const char* column_type_name(ColumnType t) {
  switch (t) {
    case ColumnType::Int64: return "int64";
    case ColumnType::Float64: return "float64";
    case ColumnType::Bool: return "bool";
    case ColumnType::Timestamp: return "timestamp";
    case ColumnType::Timedelta: return "timedelta";
    default: return "string";
  }
}

// Accepts the canonical names and the pandas spellings a user writes in `dtype`: int64 / int,
// float64 / float, bool / boolean, string / str / object, timestamp / datetime64[ns] / datetime64.
inline bool column_type_from_name(std::string_view s, ColumnType* out) {
  if (s == "int64" || s == "int" || s == "Int64") *out = ColumnType::Int64;
  else if (s == "float64" || s == "float" || s == "Float64") *out = ColumnType::Float64;
  else if (s == "bool" || s == "boolean") *out = ColumnType::Bool;
  else if (s == "string" || s == "str" || s == "object") *out = ColumnType::String;
  else if (s == "timestamp" || s == "datetime64[ns]" || s == "datetime64" || s == "datetime") *out = ColumnType::Timestamp;
  else return false;
  return true;
}

inline uint64_t align_up(uint64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

}  // namespace tessera::table
