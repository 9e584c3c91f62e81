// The merge kind: one chunk of a sorted 1-D array, merged from the sorted runs (the input's
// chunks, each sorted by a sort task). Every merge task reads all runs but touches only the part
// of each that lands in its chunk, so the merge runs in parallel over the output's chunks.
//
// The output chunk holds the elements of global rank [start, start + count) in numpy's stable
// order: by order key, then run, then position in the run. Where rank r falls in each run is
// found without merging: K, the smallest key with more than r elements at or below it, is a
// binary search over the key space (each probe a binary search per run); every run gives its
// elements below K, and the r - (that total) elements equal to K come from the runs in order.
// The pieces are then merged pairwise, left before right on ties, which keeps the order stable.
// An argsort merge carries each value's global position (its argsort run) beside its key.
//   fields: valueDtype, argsort (0/1), start, count, runs, [run values...], [run positions...]
#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

#include "../../common/error.h"
#include "../../common/thread_scratch.h"
#include "../../kernels/sort_order.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct MergeTask {
  DType value_dtype = DType::F64;
  bool argsort = false;
  int64_t start = 0, count = 0;
  std::vector<uint64_t> runs, positions;
  int owner = 0;
};

MergeTask decode(Reader& r, int owner) {
  MergeTask t;
  t.value_dtype = r.dtype();
  t.argsort = r.integer(0, 1) != 0;
  t.start = r.integer(0);
  t.count = r.integer(0);
  const size_t n = r.count();
  if (n == 0) Reader::bad("a merge needs at least one run");
  for (size_t k = 0; k < n; ++k) t.runs.push_back(r.chunk_ref());
  if (t.argsort)
    for (size_t k = 0; k < n; ++k) t.positions.push_back(r.chunk_ref());
  t.owner = owner;
  return t;
}

template <class T> struct Run {
  const T* values;
  const int64_t* positions;  // an argsort's global positions, or null
  size_t size;
};

template <class T> using KeyT = typename OrderKey<T>::Key;

template <class T> size_t below(const Run<T>& run, KeyT<T> key) {
  return static_cast<size_t>(std::partition_point(run.values, run.values + run.size, [key](T v) { return OrderKey<T>::of(v) < key; }) - run.values);
}

template <class T> size_t at_or_below(const Run<T>& run, KeyT<T> key) {
  return static_cast<size_t>(std::partition_point(run.values, run.values + run.size, [key](T v) { return OrderKey<T>::of(v) <= key; }) - run.values);
}

// How many elements of each run come before global rank r.
template <class T> std::vector<size_t> split_at(const std::vector<Run<T>>& runs, size_t total, size_t r) {
  std::vector<size_t> split(runs.size());
  if (r >= total) {
    for (size_t i = 0; i < runs.size(); ++i) split[i] = runs[i].size;
    return split;
  }
  KeyT<T> lo = 0, hi = std::numeric_limits<KeyT<T>>::max();
  while (lo < hi) {
    const KeyT<T> mid = lo + (hi - lo) / 2;
    size_t n = 0;
    for (const auto& run : runs) n += at_or_below(run, mid);
    if (n > r) hi = mid;
    else lo = mid + 1;
  }
  size_t taken = 0;
  for (size_t i = 0; i < runs.size(); ++i) taken += split[i] = below(runs[i], lo);
  size_t equal_left = r - taken;
  for (size_t i = 0; i < runs.size() && equal_left; ++i) {
    const size_t equal = at_or_below(runs[i], lo) - split[i];
    const size_t take = std::min(equal, equal_left);
    split[i] += take;
    equal_left -= take;
  }
  return split;
}

struct ItemsTag {};
struct OtherTag {};

// Merges adjacent pieces of `items` (bounds[p] .. bounds[p + 1]) pairwise until one is left, in
// `items` or `other` (both `bounds.back()` long); returns which. Stable: the left piece first on ties.
template <class Item, class Less> Item* merge_pieces(Item* items, Item* other, std::vector<size_t> bounds, Less less) {
  while (bounds.size() > 2) {
    std::vector<size_t> next{0};
    for (size_t p = 0; p + 1 < bounds.size(); p += 2) {
      const size_t a = bounds[p], b = bounds[p + 1];
      const size_t c = p + 2 < bounds.size() ? bounds[p + 2] : b;
      std::merge(items + a, items + b, items + b, items + c, other + a, less);
      next.push_back(c);
    }
    std::swap(items, other);
    bounds = std::move(next);
  }
  return items;
}

template <class T> void merge(const MergeTask& t, const std::vector<Run<T>>& runs, uint8_t* out) {
  size_t total = 0;
  for (const auto& run : runs) total += run.size;
  const auto from = split_at(runs, total, static_cast<size_t>(t.start));
  const auto to = split_at(runs, total, static_cast<size_t>(t.start + t.count));
  std::vector<size_t> bounds{0};
  for (size_t i = 0; i < runs.size(); ++i) bounds.push_back(bounds.back() + (to[i] - from[i]));
  const size_t m = bounds.back();
  if (m != static_cast<size_t>(t.count))
    throw Error("INTERNAL", "a merge's runs do not hold its ranks", "this is a planner bug, please report it");
  size_t pieces = 0;
  for (size_t i = 0; i < runs.size(); ++i) pieces += to[i] > from[i];
  // The thread's own buffers, reused from task to task (fresh ones cost their page faults).
  if (t.argsort) {
    using Item = KeyedIndex<T>;
    Item* items = thread_scratch<Item, ItemsTag>(m);
    Item* other = thread_scratch<Item, OtherTag>(m);
    size_t k = 0;
    for (size_t i = 0; i < runs.size(); ++i)
      for (size_t j = from[i]; j < to[i]; ++j) items[k++] = {OrderKey<T>::of(runs[i].values[j]), runs[i].positions[j]};
    const Item* merged = merge_pieces(items, other, bounds, [](const Item& a, const Item& b) { return a.key < b.key; });
    auto* dst = reinterpret_cast<int64_t*>(out);
    for (size_t j = 0; j < m; ++j) dst[j] = merged[j].index;
  } else if (pieces <= 2) {
    // At most two runs reach this chunk (the usual case for a slice of a few ranks): merged
    // straight into the output.
    const T* piece[2] = {nullptr, nullptr};
    size_t size[2] = {0, 0}, found = 0;
    for (size_t i = 0; i < runs.size(); ++i)
      if (to[i] > from[i]) {
        piece[found] = runs[i].values + from[i];
        size[found++] = to[i] - from[i];
      }
    std::merge(piece[0], piece[0] + size[0], piece[1], piece[1] + size[1], reinterpret_cast<T*>(out),
               [](T x, T y) { return OrderKey<T>::of(x) < OrderKey<T>::of(y); });
  } else {
    T* items = thread_scratch<T, ItemsTag>(m);
    T* other = thread_scratch<T, OtherTag>(m);
    size_t k = 0;
    for (size_t i = 0; i < runs.size(); ++i) k = static_cast<size_t>(std::copy(runs[i].values + from[i], runs[i].values + to[i], items + k) - items);
    const T* merged = merge_pieces(items, other, bounds, [](T a, T b) { return OrderKey<T>::of(a) < OrderKey<T>::of(b); });
    std::copy(merged, merged + m, reinterpret_cast<T*>(out));
  }
}

template <class T> TaskResult run_typed(const MergeTask& t) {
  std::vector<std::shared_ptr<Chunk>> held;
  std::vector<Run<T>> runs;
  for (size_t i = 0; i < t.runs.size(); ++i) {
    auto values = ChunkStore::instance().get_dense(t.runs[i]);
    if (values->dtype != t.value_dtype || values->shape.size() != 1)
      throw Error("INTERNAL", "a merge's run is not a 1-D chunk of its dtype", "this is a planner bug, please report it");
    const int64_t* positions = nullptr;
    if (t.argsort) {
      auto pos = ChunkStore::instance().get_dense(t.positions[i]);
      if (pos->dtype != DType::I64 || pos->size() != values->size())
        throw Error("INTERNAL", "a merge's positions do not match its run", "this is a planner bug, please report it");
      positions = reinterpret_cast<const int64_t*>(pos->data);
      held.push_back(pos);
    }
    runs.push_back({reinterpret_cast<const T*>(values->data), positions, static_cast<size_t>(values->size())});
    held.push_back(values);
  }
  // Only the parts of the runs this chunk takes are read; count them as what it read.
  const int64_t bytes_in = t.count * static_cast<int64_t>(dtype_size(t.value_dtype) + (t.argsort ? 8 : 0));
  auto out = ChunkStore::instance().allocate(t.argsort ? DType::I64 : t.value_dtype, {t.count}, t.owner);
  merge<T>(t, runs, out->data);
  return publish_result(out, bytes_in);
}

TaskResult run(const MergeTask& t) {
  switch (t.value_dtype) {
    case DType::F64: return run_typed<double>(t);
    case DType::F32: return run_typed<float>(t);
    case DType::I64: return run_typed<int64_t>(t);
    case DType::I32: return run_typed<int32_t>(t);
    case DType::I16: return run_typed<int16_t>(t);
    case DType::I8: return run_typed<int8_t>(t);
    case DType::U64: return run_typed<uint64_t>(t);
    case DType::U32: return run_typed<uint32_t>(t);
    case DType::U16: return run_typed<uint16_t>(t);
    case DType::U8: case DType::Bool: return run_typed<uint8_t>(t);
  }
  throw Error("INTERNAL", "a merge of an unknown dtype", "this is a planner bug, please report it");
}

}  // namespace

extern const TaskKind kMergeKind = task_kind<MergeTask, decode, run>();

}  // namespace tessera
