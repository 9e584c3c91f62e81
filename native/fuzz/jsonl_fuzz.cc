// libFuzzer target: the JSON-lines counter (json/jsonl_counts.h) over arbitrary bytes. The first
// byte picks the pluck path (the whole record, ['a'], [0], ['a'][-1]), whether a default is given
// and whether malformed lines are skipped; the rest is the text. It may only throw BadLine at the
// start of a line (JSONL_INVALID, or BAG_TYPE_ERROR for a record without the path); skipping,
// records + skipped lines must equal the non-blank lines; every counted key must be valid JSON
// that simdjson reads back; and the table must survive encode + merge_encoded unchanged.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../io/owned_lines.h"
#include "../json/jsonl_counts.h"

namespace {

using namespace tessera;

json::Pluck pluck_for(uint8_t b) {
  json::Pluck p;
  switch (b % 4) {
    case 1: p.path = {{false, "a", 0}}; break;
    case 2: p.path = {{true, "", 0}}; break;
    case 3: p.path = {{false, "a", 0}, {true, "", -1}}; break;
    default: break;
  }
  p.has_default = (b >> 2) & 1;
  p.default_json = "null";
  return p;
}

size_t non_blank_lines(const uint8_t* t, size_t n) {
  size_t lines = 0;
  bool content = false;
  for (size_t i = 0; i <= n; ++i) {
    if (i == n || t[i] == '\n') {
      lines += content;
      content = false;
    } else if (t[i] != ' ' && t[i] != '\t' && t[i] != '\r') {
      content = true;
    }
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const json::Pluck pluck = pluck_for(data[0]);
  const bool skip = (data[0] >> 3) & 1;
  const uint8_t* text = data + 1;
  const size_t n = size - 1;
  text::WordCounts counts;
  json::Counted c;
  try {
    c = json::count_plucked(text, n, pluck, skip, counts);
  } catch (const BadLine& e) {
    if (e.offset >= n || (e.offset && text[e.offset - 1] != '\n')) __builtin_trap();  // not at a line's start
    if (e.code != "BAG_TYPE_ERROR" && (skip || e.code != "JSONL_INVALID")) __builtin_trap();
    return 0;
  }
  if (skip && c.records + c.skipped != non_blank_lines(text, n)) __builtin_trap();
  simdjson::dom::parser parser;
  for (size_t i = 0; i < counts.size(); ++i) {
    simdjson::dom::element e;
    const std::string_view key = counts.word(i);
    if (parser.parse(key.data(), key.size(), true).get(e)) __builtin_trap();  // a key that is not JSON
  }
  if (counts.total() != c.records) __builtin_trap();
  std::vector<uint8_t> encoded(counts.encoded_size());
  counts.encode(encoded.data());
  text::WordCounts back;
  back.merge_encoded(encoded.data(), encoded.size());
  if (back.size() != counts.size() || back.counts() != counts.counts()) __builtin_trap();
  for (size_t i = 0; i < back.size(); ++i)
    if (back.word(i) != counts.word(i)) __builtin_trap();
  return 0;
}
