#include "jsonl_counts.h"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "../io/owned_lines.h"

namespace tessera::json {

namespace {

bool blank(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return false;
  return true;
}

// The code points of a UTF-8 string (simdjson has validated it).
std::vector<std::string_view> code_points(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<uint8_t>(s[i]);
    const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// A string as JSON text (the escapes JSON requires; other characters as they are).
std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<uint8_t>(ch);
    if (c == '"' || c == '\\') { out += '\\'; out += ch; }
    else if (c < 0x20) { char buf[8]; std::snprintf(buf, sizeof buf, "\\u%04x", c); out += buf; }
    else out += ch;
  }
  return out + "\"";
}

// Where a pluck path leads: the element, a one-character string (an index into a string, as
// Python's str[i], by code point), or nowhere: the step it failed at.
struct Found {
  bool ok = false;
  size_t failed_at = 0;
  simdjson::dom::element element;
  std::string char_json;  // set when the last step indexed a string
};

Found at_path(simdjson::dom::element e, const std::vector<PathStep>& path) {
  Found f;
  for (size_t k = 0; k < path.size(); ++k) {
    const PathStep& s = path[k];
    f.failed_at = k;
    if (s.is_index) {
      std::string_view str;
      if (k + 1 == path.size() && !e.get_string().get(str)) {
        const auto cps = code_points(str);
        const int64_t size = static_cast<int64_t>(cps.size());
        const int64_t i = s.index < 0 ? size + s.index : s.index;
        if (i < 0 || i >= size) return f;
        f.char_json = json_string(cps[static_cast<size_t>(i)]);
        f.ok = true;
        return f;
      }
      simdjson::dom::array a;
      if (e.get_array().get(a)) return f;
      const int64_t size = static_cast<int64_t>(a.size());
      const int64_t i = s.index < 0 ? size + s.index : s.index;
      if (i < 0 || i >= size || a.at(static_cast<size_t>(i)).get(e)) return f;
    } else {
      // The last of duplicate keys wins, as in Python's json and JS's JSON.parse.
      simdjson::dom::object o;
      if (e.get_object().get(o)) return f;
      bool found = false;
      for (const auto field : o) {
        if (field.key == s.key) {
          e = field.value;
          found = true;
        }
      }
      if (!found) return f;
    }
  }
  f.ok = true;
  f.element = e;
  return f;
}

// The value's key text: minified JSON, an integral double below 2^63 written as the integer it
// equals (Python's 1.0 == 1 and 1e18 == 10**18 are one key).
void key_text(simdjson::dom::element e, std::string& out) {
  double d;
  if (e.type() == simdjson::dom::element_type::DOUBLE && !e.get_double().get(d) && std::floor(d) == d && std::fabs(d) < 9223372036854775808.0) {
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
    const Found found = at_path(record, pluck.path);
    if (found.ok) {
      if (found.char_json.empty()) key_text(found.element, key);
      else key = found.char_json;
      into.add(key);
    } else if (pluck.has_default && found.failed_at + 1 == pluck.path.size()) {  // the default stands for the last key only
      into.add(pluck.default_json);
    } else {
      const std::vector<PathStep> upto(pluck.path.begin(), pluck.path.begin() + static_cast<std::ptrdiff_t>(found.failed_at) + 1);
      throw BadLine{line_at, "BAG_TYPE_ERROR", "pluck: the record has no " + path_text(upto),
                    "give pluck a default (pluck(key, default=None)) for records that lack the key"};
    }
  }
  return c;
}

}  // namespace tessera::json
