// numpy's sort order as unsigned keys, and a stable sort by them. np.sort puts NaN after every
// number and treats -0.0 and 0.0 as equal; its stable sort ("stable"/"mergesort") keeps equal
// values in their input order. An order key maps a value to an unsigned integer whose order is
// that order: every NaN to the largest key, both zeros to one key, and the sign flipped so that
// integers and floats compare as unsigned. A stable sort by key is then exactly numpy's stable
// sort, bit for bit (the values move, so -0.0 and NaN payloads are kept).
//
// The sort is an LSD radix sort, a byte per pass (stable by construction), skipping the bytes
// every key shares (the exponent bytes of data in one binade, the high bytes of small integers).
// Short runs use std::stable_sort with the same key.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace tessera {

template <class T> struct OrderKey {
  using Key = std::conditional_t<(sizeof(T) <= 4), uint32_t, uint64_t>;
  static Key of(T v) {
    if constexpr (std::is_floating_point<T>::value) {
      using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
      if (std::isnan(v)) return std::numeric_limits<Key>::max();
      if (v == 0) v = 0;  // -0.0 sorts as 0.0
      Bits b;
      std::memcpy(&b, &v, sizeof b);
      const Bits sign = Bits(1) << (sizeof(Bits) * 8 - 1);
      return static_cast<Key>((b & sign) ? ~b : (b | sign));
    } else if constexpr (std::is_same<T, bool>::value) {
      return v ? 1 : 0;
    } else if constexpr (std::is_signed<T>::value) {
      using U = std::make_unsigned_t<T>;
      return static_cast<Key>(static_cast<U>(v) ^ (U(1) << (sizeof(T) * 8 - 1)));
    } else {
      return static_cast<Key>(v);
    }
  }
};

// Below this length a comparison sort is faster than the radix passes' histograms.
constexpr size_t kRadixMinimum = 512;

// Sorts n items stably by key(item) (an unsigned Key of KeyBytes significant bytes); `scratch`
// holds n items. The items are moved, never rebuilt from keys.
template <class Item, class Key, size_t KeyBytes, class KeyOf>
void radix_sort_items(Item* data, Item* scratch, size_t n, KeyOf key) {
  if (n < kRadixMinimum) {
    std::stable_sort(data, data + n, [&](const Item& a, const Item& b) { return key(a) < key(b); });
    return;
  }
  std::vector<std::array<size_t, 256>> counts(KeyBytes);
  for (auto& c : counts) c.fill(0);
  for (size_t i = 0; i < n; ++i) {
    Key k = key(data[i]);
    for (size_t b = 0; b < KeyBytes; ++b) counts[b][(k >> (8 * b)) & 0xFF]++;
  }
  Item* src = data;
  Item* dst = scratch;
  for (size_t b = 0; b < KeyBytes; ++b) {
    auto& c = counts[b];
    if (std::any_of(c.begin(), c.end(), [n](size_t v) { return v == n; })) continue;  // every key shares this byte
    size_t offset = 0;
    for (auto& v : c) { size_t here = v; v = offset; offset += here; }
    for (size_t i = 0; i < n; ++i) dst[c[(key(src[i]) >> (8 * b)) & 0xFF]++] = src[i];
    std::swap(src, dst);
  }
  if (src != data) std::memcpy(static_cast<void*>(data), src, n * sizeof(Item));
}

// Sorts values in place (numpy's stable np.sort of one line).
template <class T> void sort_values(T* data, T* scratch, size_t n) {
  using Key = typename OrderKey<T>::Key;
  radix_sort_items<T, Key, sizeof(T)>(data, scratch, n, [](T v) { return OrderKey<T>::of(v); });
}

// A value's key with its position: what an argsort sorts (and a merge of argsort runs merges).
template <class T> struct KeyedIndex {
  typename OrderKey<T>::Key key;
  int64_t index;
};

// Sorts (key, index) pairs stably by key: numpy's stable argsort of the values the keys came from.
template <class T> void sort_keyed(KeyedIndex<T>* data, KeyedIndex<T>* scratch, size_t n) {
  using Key = typename OrderKey<T>::Key;
  radix_sort_items<KeyedIndex<T>, Key, sizeof(T)>(data, scratch, n, [](const KeyedIndex<T>& p) { return p.key; });
}

}  // namespace tessera
