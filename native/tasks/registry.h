// The entry point for encoded tasks. Tasks arrive from JS as one flat array of doubles
// ([version=1, kind, owner, ...kind fields]; src-main/engine/task-kinds.ts writes it), and registry.cc
// is the one place that maps a kind code to the module that decodes and runs it (tasks/kinds/).
// Decoding checks every length and value it reads, so a malformed array fails with
// Error("BAD_TASK") instead of reading out of bounds.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "task.h"

namespace tessera {

// Runs an encoded task. `ids` are the chunk ids of the task's dependencies, in order, and
// `files` the ids of the job's open files, `strings` the job's string table (or null): fields name
// all three by index.
TaskResult run_encoded(const double* spec, size_t spec_len, const double* ids, size_t ids_len, const double* files, size_t files_len,
                       const std::vector<std::string>* strings = nullptr);

// Decodes an encoded task exactly as run_encoded does (every field read and checked, none left
// over) without running it, and returns its kind's name ("map", "copy", ...): for round-trip
// tests of the encoder. Throws what run_encoded's decoding would throw.
const char* check_encoded(const double* spec, size_t spec_len, const double* ids, size_t ids_len, const double* files, size_t files_len,
                          const std::vector<std::string>* strings = nullptr);

}  // namespace tessera
