// JSON lines counted natively, the core of a bag's `pluck(key).frequencies()` over a JSON-lines
// dataset (and of `count()` and `distinct().count()` after it): each line is parsed and validated
// whole by simdjson (its DOM parser), the value at the pluck path is taken, and its JSON text,
// minified (an integral double as an integer, so 1 and 1.0 are one key, as in Python), is
// counted in a word-count table (text/word_counts.h), which merges in the combine tree as word
// counts do. Blank lines are skipped.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../text/word_counts.h"

namespace tessera::json {

// One step of a pluck path: a key of an object, or an index of an array (negative: from its end).
struct PathStep {
  bool is_index = false;
  std::string key;
  int64_t index = 0;
};

struct Pluck {
  std::vector<PathStep> path;  // empty: the whole record
  bool has_default = false;
  std::string default_json;  // the value for a record that lacks the path, as JSON text
};

struct Counted {
  uint64_t records = 0;
  uint64_t skipped = 0;  // malformed lines skipped (skip_malformed)
};

// Counts the plucked values of text[0, n)'s lines into `into`. A malformed line throws BadLine
// (io/owned_lines.h: JSONL_INVALID, at the line's first byte) unless skip_malformed; a record that
// lacks the path (with no default) throws BadLine (BAG_TYPE_ERROR).
Counted count_plucked(const uint8_t* text, size_t n, const Pluck& pluck, bool skip_malformed, text::WordCounts& into);

}  // namespace tessera::json
