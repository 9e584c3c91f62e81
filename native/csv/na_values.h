// Missing values: the strings a field may hold to mean "no value" (pandas' na_values). A field is
// compared exactly (after quotes are removed, before any trimming), as pandas does.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tessera::csv {

// pandas' default list (pandas.io.parsers STR_NA_VALUES, pandas 2: 'None' included).
const std::vector<std::string>& default_na_values();

class NaSet {
 public:
  explicit NaSet(std::vector<std::string> values) : values_(std::move(values)) {
    for (const std::string& v : values_)
      if (v.size() < 64) mask_ |= uint64_t{1} << v.size();
      else long_ = true;
  }
  bool contains(const uint8_t* p, size_t n) const {
    if (n < 64 ? !(mask_ >> n & 1) : !long_) return false;  // no NA value is this long
    for (const std::string& v : values_) {
      if (v.size() != n) continue;
      size_t k = 0;
      while (k < n && static_cast<uint8_t>(v[k]) == p[k]) ++k;
      if (k == n) return true;
    }
    return false;
  }
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::vector<std::string> values_;
  uint64_t mask_ = 0;  // bit k: some value has k bytes
  bool long_ = false;
};

}  // namespace tessera::csv
