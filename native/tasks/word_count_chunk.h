// A word-count table (text/word_counts.h) as a task's output: encoded into a Bytes chunk of the
// owner, published, and described for the task stream. Shared by word_count and word_count_merge.
#pragma once
#include <cstdint>

#include "../text/word_counts.h"
#include "task.h"

namespace tessera {

TaskResult publish_word_counts(const text::WordCounts& counts, int owner, int64_t bytes_in);

}  // namespace tessera
