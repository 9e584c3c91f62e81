// The groups of a hash group-by: each distinct tuple of key values gets a dense group number in
// order of first appearance. A key value is held as a 64-bit atom: the bits of an int64,
// timestamp or bool, the bits of a float64 (-0.0 as 0.0), or for a string its number in this
// index's own string pool, so partitions with different dictionaries (and partial results being
// merged) meet in one numbering. Rows with a null key (NaN for floats) belong to no group, as
// pandas' groupby(dropna=True) drops them; with `null_groups` (SQL's GROUP BY) a null is a key
// value of its own: a tuple then has one more atom, the bits of which keys are null (their own
// atoms 0), and the null groups sort last.
//
// The table is open addressing with linear probing over the atom tuples, grown at half full.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "column_output.h"
#include "column_vector.h"

namespace tessera::table {

class GroupIndex {
 public:
  GroupIndex(std::vector<ColumnType> key_types, bool null_groups);

  // gids[i] = row i's group (added if new), or -1 when one of its keys is null (without null_groups). With `rows`, only
  // those rows are assigned (the others get -1 and make no group: a filter's dropped rows).
  void assign(const std::vector<Vec>& keys, size_t nrows, std::vector<int32_t>& gids, const std::vector<uint32_t>* rows = nullptr);

  size_t size() const { return count_; }
  // Adds the group whose atoms are all 0 (SQL's aggregate of no rows is one row); not for string keys.
  void add_zero_group();
  size_t nkeys() const { return types_.size(); }

  // Groups in pandas' sort order: by the first key, then the second, ... (numbers ascending,
  // strings by code point, false before true).
  std::vector<uint32_t> sorted() const;
  // Which of n hash buckets group g's keys fall in: the same for equal keys in every task of the
  // process (strings hash by their bytes, not their pool number), for split_out.
  uint32_t bucket(size_t g, uint32_t n) const;
  // Key column k of the groups `order` (every group in number order when null).
  OwnedColumn key_column(size_t k, std::string name, const std::vector<uint32_t>* order) const;

 private:
  uint64_t atom_of(size_t k, const Vec& v, size_t row, const std::vector<uint64_t>& dict_atoms) const;
  uint64_t intern(size_t k, std::string_view s);
  // assign() for several string keys of small dictionaries; false (nothing done) for other keys.
  bool assign_string_tuples(const std::vector<Vec>& keys, size_t n, std::vector<int32_t>& gids, const std::vector<uint32_t>* rows,
                            const std::vector<std::vector<uint64_t>>& dict_atoms);
  // The group of a tuple of atoms, added when new.
  int32_t find_or_add(const uint64_t* tuple);
  void grow();
  uint64_t hash(const uint64_t* atoms) const;

  // Key k of group g is null (only with null_groups).
  bool is_null(size_t g, size_t k) const { return width_ > types_.size() && (atoms_[g * width_ + types_.size()] >> k & 1); }

  std::vector<ColumnType> types_;
  size_t width_;                   // atoms per tuple: one per key, and the null bits with null_groups
  size_t count_ = 0;
  std::vector<uint64_t> atoms_;    // group g's atoms at [g * width_, (g + 1) * width_)
  std::vector<uint32_t> slots_;    // group + 1, 0 empty
  std::vector<std::deque<std::string>> strings_;  // per key: the pool (stable addresses)
  std::vector<std::unordered_map<std::string_view, uint64_t>> string_atoms_;
};

}  // namespace tessera::table
