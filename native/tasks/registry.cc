#include "registry.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kind.h"
#include "reader.h"

namespace tessera {

// Each kind's module (tasks/kinds/<kind>.cc) defines its entry.
extern const TaskKind kMapKind;
extern const TaskKind kScanKind;
extern const TaskKind kCompressKind;
extern const TaskKind kSortKind;
extern const TaskKind kMergeKind;
extern const TaskKind kHistogramKind;
extern const TaskKind kHdf5ReadKind;
extern const TaskKind kZarrReadKind;
extern const TaskKind kLinalgKind;
extern const TaskKind kFftKind;
extern const TaskKind kWindowKind;
extern const TaskKind kReduceKind;
extern const TaskKind kCombineKind;
extern const TaskKind kAssembleKind;
extern const TaskKind kMatmulKind;
extern const TaskKind kWriteKind;
extern const TaskKind kCommitKind;
extern const TaskKind kCopyKind;
extern const TaskKind kReadCsvKind;
extern const TaskKind kTableMapKind;
extern const TaskKind kGroupByPartialKind;
extern const TaskKind kGroupByMergeKind;
extern const TaskKind kSortRowsKind;
extern const TaskKind kFirstRowsKind;
extern const TaskKind kHashJoinKind;
extern const TaskKind kTableToDenseKind;
extern const TaskKind kReadParquetKind;
extern const TaskKind kTimeseriesKind;
extern const TaskKind kWriteTableKind;
extern const TaskKind kCommitTableKind;
extern const TaskKind kWordCountKind;
extern const TaskKind kWordCountMergeKind;
extern const TaskKind kJsonlCountKind;
extern const TaskKind kRangeRowsKind;
extern const TaskKind kHashSplitKind;
extern const TaskKind kSliceRowsKind;

namespace {

constexpr double kVersion = 1;

struct TaskKindEntry {
  int code;           // the kind field of the encoding: never reuse a retired code
  const char* name;   // the TS side's name for the kind
  const TaskKind* kind;
};

// The kinds, by code (codes from 64 up are kinds that run JS in the worker threads, such as
// engine/kinds/call.ts: they never reach this table). Adding a kind: its module under tasks/kinds/ (the build globs that folder),
// its declaration above and one line here; then its TS module with the same code (collections/*/kinds/ or engine/kinds/, registered in that folder's index.ts).
constexpr TaskKindEntry kKinds[] = {
    {1, "map", &kMapKind},
    {2, "reduce", &kReduceKind},
    {3, "combine", &kCombineKind},
    {4, "assemble", &kAssembleKind},
    {5, "matmul", &kMatmulKind},
    {6, "write", &kWriteKind},
    {7, "commit", &kCommitKind},
    {8, "copy", &kCopyKind},
    {9, "read_csv", &kReadCsvKind},
    {10, "table_map", &kTableMapKind},
    {11, "group_by_partial", &kGroupByPartialKind},
    {12, "group_by_merge", &kGroupByMergeKind},
    {13, "sort_rows", &kSortRowsKind},
    {14, "first_rows", &kFirstRowsKind},
    {15, "hash_join", &kHashJoinKind},
    {16, "table_to_dense", &kTableToDenseKind},
    {17, "write_table", &kWriteTableKind},
    {18, "commit_table", &kCommitTableKind},
    {20, "read_parquet", &kReadParquetKind},
    {21, "timeseries", &kTimeseriesKind},
    {22, "word_count", &kWordCountKind},
    {23, "word_count_merge", &kWordCountMergeKind},
    {24, "jsonl_count", &kJsonlCountKind},
    {25, "scan", &kScanKind},
    {26, "compress", &kCompressKind},
    {27, "sort", &kSortKind},
    {28, "merge", &kMergeKind},
    {29, "histogram", &kHistogramKind},
    {30, "hdf5_read", &kHdf5ReadKind},
    {31, "zarr_read", &kZarrReadKind},
    {32, "linalg", &kLinalgKind},
    {33, "fft", &kFftKind},
    {34, "window", &kWindowKind},
    {35, "range_rows", &kRangeRowsKind},
    {36, "hash_split", &kHashSplitKind},
    {37, "slice_rows", &kSliceRowsKind},
};

// Codes index this table directly (one load per task instead of a search). Built at compile
// time: a code out of range or used twice stops the build here.
constexpr int kCodes = 64;
using ByCode = std::array<const TaskKindEntry*, kCodes>;
constexpr ByCode index_by_code() {
  ByCode t{};
  for (const TaskKindEntry& e : kKinds) {
    if (e.code <= 0 || e.code >= kCodes) throw "task kind code out of range";
    if (t[e.code]) throw "two task kinds share a code";
    t[e.code] = &e;
  }
  return t;
}
constexpr ByCode kByCode = index_by_code();

// [version, kind, owner]: the kind's entry, and the owner every kind receives.
const TaskKindEntry& read_header(Reader& r, int* owner) {
  if (r.number() != kVersion) Reader::bad("unknown encoding version");
  const double code = r.number();
  const TaskKindEntry* e = code >= 0 && code < kCodes && code == std::floor(code) ? kByCode[static_cast<size_t>(code)] : nullptr;
  if (!e) Reader::bad("unknown task kind");
  *owner = static_cast<int>(r.integer(0, std::numeric_limits<int>::max()));
  return *e;
}

}  // namespace

TaskResult run_encoded(const double* spec, size_t spec_len, const double* ids, size_t ids_len, const double* files, size_t files_len,
                       const std::vector<std::string>* strings) {
  Reader r(spec, spec_len, ids, ids_len, files, files_len, strings);
  int owner = 0;
  const TaskKindEntry& e = read_header(r, &owner);
  return e.kind->run(r, owner);
}

const char* check_encoded(const double* spec, size_t spec_len, const double* ids, size_t ids_len, const double* files, size_t files_len,
                          const std::vector<std::string>* strings) {
  Reader r(spec, spec_len, ids, ids_len, files, files_len, strings);
  int owner = 0;
  const TaskKindEntry& e = read_header(r, &owner);
  e.kind->check(r, owner);
  return e.name;
}

}  // namespace tessera
