// Shared by map and reduce: an output shape only relabels the iteration space (a reshape keeps the
// element count), so a count that differs is a planner bug, caught before anything is written.
#pragma once
#include <cstdint>
#include <vector>

#include "../../common/checked.h"
#include "../../common/error.h"

namespace tessera {

inline void check_same_count(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  if (element_count(a) != element_count(b))
    throw Error("INTERNAL", "output shape does not match the iteration space", "this is a planner bug, please report it");
}

}  // namespace tessera
