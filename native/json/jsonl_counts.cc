#include "jsonl_counts.h"

#include <simdjson.h>

#include <cmath>
#include <cstring>

#include "../io/owned_lines.h"

namespace tessera::json {

namespace {

bool blank(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return false;
  return true;
}

// The element at the path, or false where the record lacks it.
bool at_path(simdjson::dom::element e, const std::vector<PathStep>& path, simdjson::dom::element* out) {
  for (const PathStep& s : path) {
    if (s.is_index) {
      simdjson::dom::array a;
      if (e.get_array().get(a)) return false;
      const int64_t size = static_cast<int64_t>(a.size());
      const int64_t i = s.index < 0 ? size + s.index : s.index;
      if (i < 0 || i >= size || a.at(static_cast<size_t>(i)).get(e)) return false;
    } else {
      simdjson::dom::object o;
      if (e.get_object().get(o) || o.at_key(s.key).get(e)) return false;
    }
  }
  *out = e;
  return true;
}

// The value's key text: minified JSON, an integral double written as the integer it equals.
void key_text(simdjson::dom::element e, std::string& out) {
  double d;
  if (e.type() == simdjson::dom::element_type::DOUBLE && !e.get_double().get(d) && std::floor(d) == d && std::fabs(d) < 9007199254740992.0) {
    out = std::to_string(static_cast<int64_t>(d));  // -0.0 too is 0, as -0.0 == 0 in Python
    return;
  }
  out = simdjson::minify(e);
}

std::string path_text(const std::vector<PathStep>& path) {
  std::string s;
  for (const PathStep& p : path) s += p.is_index ? "[" + std::to_string(p.index) + "]" : "['" + p.key + "']";
  return s;
}

}  // namespace

Counted count_plucked(const uint8_t* text, size_t n, const Pluck& pluck, bool skip_malformed, text::WordCounts& into) {
  thread_local simdjson::dom::parser parser;
  Counted c;
  std::string key;
  for (size_t at = 0; at < n;) {
    const auto* nl = static_cast<const uint8_t*>(std::memchr(text + at, '\n', n - at));
    const size_t stop = nl ? static_cast<size_t>(nl - text) : n;
    const uint8_t* line = text + at;
    const size_t len = stop - at;
    const uint64_t line_at = at;
    at = nl ? stop + 1 : n;
    if (blank(line, len)) continue;
    simdjson::dom::element record;
    const auto error = parser.parse(line, len, true).get(record);
    if (error) {
      if (skip_malformed) {
        ++c.skipped;
        continue;
      }
      throw BadLine{line_at, "JSONL_INVALID", std::string("not valid JSON (") + simdjson::error_message(error) + ")",
                    "fix the line, or give the dataset \"errors\": \"skip\" to skip malformed lines"};
    }
    ++c.records;
    simdjson::dom::element value;
    if (at_path(record, pluck.path, &value)) {
      key_text(value, key);
      into.add(key);
    } else if (pluck.has_default) {
      into.add(pluck.default_json);
    } else {
      throw BadLine{line_at, "BAG_TYPE_ERROR", "pluck: the record has no " + path_text(pluck.path),
                    "give pluck a default (pluck(key, default=None)) for records that lack the key"};
    }
  }
  return c;
}

}  // namespace tessera::json
