#include "npy_header.h"

#include <cstring>
#include <limits>

#include "../common/error.h"

namespace tessera {

namespace {

[[noreturn]] void bad_header(const std::string& why) {
  throw Error("NPY_BAD_HEADER", "the .npy header is malformed: " + why,
              "re-save the array with numpy.save(); only plain numeric and bool arrays are supported");
}

// A tiny recursive-descent reader for the subset of Python literal syntax numpy writes.
class DictReader {
 public:
  DictReader(const char* s, size_t n) : s_(s), n_(n) {}

  void skip_ws() {
    while (i_ < n_ && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool peek(char c) { skip_ws(); return i_ < n_ && s_[i_] == c; }
  void expect(char c) {
    if (!peek(c)) bad_header(std::string("expected '") + c + "' at byte " + std::to_string(i_));
    ++i_;
  }
  std::string string_lit() {
    skip_ws();
    if (i_ >= n_ || (s_[i_] != '\'' && s_[i_] != '"')) bad_header("expected a string at byte " + std::to_string(i_));
    char q = s_[i_++];
    std::string out;
    while (i_ < n_ && s_[i_] != q) {
      if (s_[i_] == '\\') bad_header("escapes in strings are not supported");
      out.push_back(s_[i_++]);
    }
    if (i_ >= n_) bad_header("unterminated string");
    ++i_;
    return out;
  }
  bool word(const char* w) {
    skip_ws();
    size_t k = std::strlen(w);
    if (n_ - i_ >= k && std::memcmp(s_ + i_, w, k) == 0) { i_ += k; return true; }
    return false;
  }
  int64_t integer() {
    skip_ws();
    if (i_ >= n_ || s_[i_] < '0' || s_[i_] > '9') bad_header("expected a non-negative integer in the shape");
    int64_t v = 0;
    while (i_ < n_ && s_[i_] >= '0' && s_[i_] <= '9') {
      if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) bad_header("a dimension is too large");
      v = v * 10 + (s_[i_++] - '0');
    }
    if (i_ < n_ && s_[i_] == 'L') ++i_;  // Python 2 long suffix, still found in old files
    return v;
  }
  std::vector<int64_t> tuple() {
    expect('(');
    std::vector<int64_t> out;
    while (!peek(')')) {
      out.push_back(integer());
      if (out.size() > 32) bad_header("more than 32 dimensions");
      if (peek(',')) ++i_;
      else if (!peek(')')) bad_header("expected ',' or ')' in the shape");
    }
    expect(')');
    return out;
  }
  size_t pos() const { return i_; }

 private:
  const char* s_;
  size_t n_;
  size_t i_ = 0;
};

void parse_descr(const std::string& d, NpyHeader* h) {
  if (d.size() < 2) bad_header("dtype descriptor '" + d + "' is too short");
  char order = d[0];
  std::string code = d.substr(1);
  if (order != '<' && order != '>' && order != '|' && order != '=')
    throw Error("UNSUPPORTED_DTYPE", "dtype '" + d + "' is not a plain numeric type",
                "convert the array with .astype('float64') (or another numeric dtype) and save it again");
  struct Entry { const char* code; DType dt; };
  static const Entry table[] = {{"f8", DType::F64}, {"f4", DType::F32}, {"i8", DType::I64}, {"i4", DType::I32},
                                {"i2", DType::I16}, {"i1", DType::I8},  {"u8", DType::U64}, {"u4", DType::U32},
                                {"u2", DType::U16}, {"u1", DType::U8},  {"b1", DType::Bool}};
  for (const Entry& e : table) {
    if (code == e.code) {
      h->dtype = e.dt;
      h->big_endian = order == '>' && dtype_size(e.dt) > 1;
      return;
    }
  }
  // Complex values as their parts: a big-endian pair swaps each part as a float of that size.
  if (code == "c16" || code == "c8") {
    h->dtype = code == "c16" ? DType::F64 : DType::F32;
    h->complex = true;
    h->big_endian = order == '>';
    return;
  }
  throw Error("UNSUPPORTED_DTYPE", "dtype '" + d + "' is not supported (float16, complex256, strings, datetimes and records are not)",
              "convert the array with .astype('float64') (another numeric dtype, or 'complex128' for complex values) and save it again");
}

}  // namespace

NpyHeader parse_npy_header(const uint8_t* b, size_t len, uint64_t file_size, size_t* need_more) {
  *need_more = 0;
  static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (len < 10) { *need_more = 10; return {}; }
  if (std::memcmp(b, magic, 6) != 0)
    throw Error("NPY_BAD_MAGIC", "not a .npy file (the magic bytes \\x93NUMPY are missing)",
                "give a file written by numpy.save(), or load raw binary with {\"raw\": ..., \"dtype\": ..., \"shape\": ...}");
  NpyHeader h;
  h.major = b[6];
  h.minor = b[7];
  size_t header_len, prefix;
  if (h.major == 1) {
    header_len = static_cast<size_t>(b[8]) | (static_cast<size_t>(b[9]) << 8);
    prefix = 10;
  } else if (h.major == 2 || h.major == 3) {
    if (len < 12) { *need_more = 12; return {}; }
    header_len = static_cast<size_t>(b[8]) | (static_cast<size_t>(b[9]) << 8) |
                 (static_cast<size_t>(b[10]) << 16) | (static_cast<size_t>(b[11]) << 24);
    prefix = 12;
  } else {
    throw Error("NPY_BAD_VERSION", "unsupported .npy format version " + std::to_string(h.major) + "." + std::to_string(h.minor),
                "versions 1.0, 2.0 and 3.0 are supported; re-save the array with numpy.save()");
  }
  if (header_len > (1u << 30)) bad_header("the header length is implausibly large");
  if (file_size != 0 && prefix + header_len > file_size)
    throw Error("NPY_TRUNCATED", "the .npy header claims " + std::to_string(prefix + header_len) +
                " bytes but the file has only " + std::to_string(file_size),
                "the file was cut short; write it again");
  if (len < prefix + header_len) { *need_more = prefix + header_len; return {}; }
  h.data_offset = prefix + header_len;

  DictReader r(reinterpret_cast<const char*>(b + prefix), header_len);
  bool have_descr = false, have_order = false, have_shape = false;
  r.expect('{');
  while (!r.peek('}')) {
    std::string key = r.string_lit();
    r.expect(':');
    if (key == "descr") {
      parse_descr(r.string_lit(), &h);
      have_descr = true;
    } else if (key == "fortran_order") {
      if (r.word("True")) h.fortran_order = true;
      else if (r.word("False")) h.fortran_order = false;
      else bad_header("fortran_order must be True or False");
      have_order = true;
    } else if (key == "shape") {
      h.shape = r.tuple();
      have_shape = true;
    } else {
      bad_header("unknown key '" + key + "'");
    }
    if (r.peek(',')) r.expect(',');
    else if (!r.peek('}')) bad_header("expected ',' or '}' after a value");
  }
  r.expect('}');
  if (!have_descr || !have_order || !have_shape) bad_header("the keys descr, fortran_order and shape are all required");

  int64_t count = 1;
  for (int64_t d : h.shape) {
    if (d != 0 && count > std::numeric_limits<int64_t>::max() / 8 / d) bad_header("the shape is too large");
    count *= d;
  }
  const int64_t item = static_cast<int64_t>(dtype_size(h.dtype)) * (h.complex ? 2 : 1);
  if (h.complex && count > std::numeric_limits<int64_t>::max() / 16) bad_header("the shape is too large");
  h.data_bytes = count * item;
  if (file_size != 0) {
    uint64_t expected = h.data_offset + static_cast<uint64_t>(h.data_bytes);
    if (file_size < expected)
      throw Error("NPY_TRUNCATED", "the .npy file is truncated: its header promises " + std::to_string(expected) +
                  " bytes (" + std::to_string(h.data_bytes) + " of data) but the file has " + std::to_string(file_size),
                  "the file was cut short, perhaps by an interrupted copy or save; write it again");
  }
  return h;
}

std::string format_npy_header(DType dtype, const std::vector<int64_t>& shape_in, bool complex) {
  static const char* codes[] = {"<f8", "<f4", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "|b1"};
  if (complex && (shape_in.empty() || shape_in.back() != 2 || (dtype != DType::F64 && dtype != DType::F32)))
    throw Error("INTERNAL", "a complex .npy output is not (re, im) float pairs", "this is a planner bug, please report it");
  const std::vector<int64_t> shape(shape_in.begin(), shape_in.end() - (complex ? 1 : 0));
  std::string dict = "{'descr': '";
  dict += complex ? (dtype == DType::F64 ? "<c16" : "<c8") : codes[static_cast<int>(dtype)];
  dict += "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) dict += ", ";
  }
  if (shape.size() == 1) dict.pop_back();
  dict += "), }";
  // Version 1.0 holds a header of up to 65535 bytes, far more than any shape we write.
  size_t total = 10 + dict.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  uint16_t hl = static_cast<uint16_t>(dict.size());
  out.push_back(static_cast<char>(hl & 0xff));
  out.push_back(static_cast<char>(hl >> 8));
  return out + dict;
}

}  // namespace tessera
