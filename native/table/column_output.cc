#include "column_output.h"

#include <cstring>
#include <unordered_map>

namespace tessera::table {

ColumnBuffers OwnedColumn::buffers() const {
  ColumnBuffers b;
  b.name = name;
  b.type = type;
  b.data = data.data();
  b.validity = valid.empty() ? nullptr : valid.data();
  if (type == ColumnType::String) {
    b.dict_count = dict_offsets.size() - 1;
    b.dict_offsets = dict_offsets.data();
    b.dict_bytes = dict_bytes.data();
  }
  return b;
}

OwnedColumn gather(std::string name, const Vec& v, const uint32_t* sel, size_t nsel) {
  OwnedColumn c;
  c.name = std::move(name);
  c.type = v.type;
  const size_t w = value_width(v.type);
  c.data.assign((nsel * w + 7) / 8 + 1, 0);
  uint8_t* out = reinterpret_cast<uint8_t*>(c.data.data());
  const uint8_t* in = static_cast<const uint8_t*>(v.data);
  auto row = [&](size_t k) -> size_t { return v.at(sel ? sel[k] : k); };
  if (v.type != ColumnType::Float64 && v.valid) {
    bool any_null = false;
    for (size_t k = 0; k < nsel && !any_null; ++k) any_null = !v.valid[row(k)];
    if (any_null) {
      c.valid.resize(nsel);
      for (size_t k = 0; k < nsel; ++k) c.valid[k] = v.valid[row(k)];
    }
  }
  if (v.type == ColumnType::String) {
    // Codes renumbered in order of first use; entries stored once.
    std::vector<int32_t> remap(v.dict->count, -1);
    std::unordered_map<std::string_view, int32_t> seen;
    c.dict_offsets.push_back(0);
    int32_t* codes = reinterpret_cast<int32_t*>(out);
    const int32_t* src = v.as<int32_t>();
    for (size_t k = 0; k < nsel; ++k) {
      const size_t r = row(k);
      if (!v.ok(r)) continue;
      const size_t old = static_cast<size_t>(src[r]);
      if (remap[old] < 0) {
        const std::string_view s = v.dict->at(old);
        auto [it, added] = seen.emplace(s, static_cast<int32_t>(seen.size()));
        if (added) {
          c.dict_bytes.insert(c.dict_bytes.end(), s.begin(), s.end());
          c.dict_offsets.push_back(c.dict_bytes.size());
        }
        remap[old] = it->second;
      }
      codes[k] = remap[old];
    }
    return c;
  }
  if (!sel && !v.scalar) {
    if (nsel) std::memcpy(out, in, nsel * w);
  } else if (w == 8) {
    const uint64_t* s = reinterpret_cast<const uint64_t*>(in);
    for (size_t k = 0; k < nsel; ++k) c.data[k] = s[row(k)];
  } else {
    for (size_t k = 0; k < nsel; ++k) out[k] = in[row(k)];
  }
  return c;
}

std::shared_ptr<Chunk> build_table(const std::vector<OwnedColumn>& cols, uint64_t nrows, int owner) {
  TableBuilder b(nrows);
  for (const OwnedColumn& c : cols) b.add(c.buffers());
  return b.build(owner);
}

}  // namespace tessera::table
