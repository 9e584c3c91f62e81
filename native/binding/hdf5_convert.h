// The HDF5 planner's results (hdf5/hdf5_plan.h) as JS values. Conversion only.
#pragma once
#include <napi.h>

#include <vector>

#include "../hdf5/hdf5_plan.h"

namespace tessera::binding {

// { name, dtype (null when none), type, bigEndian, shape, layout, chunks, filters, filterNames,
//   dataOffset (null unless contiguous and written), fill (decimal text), storedBytes, packed,
//   partialUnfiltered, externalStorage, linkedFile, missingFilters, indexed }
Napi::Object from_hdf5_dataset(const Napi::Env& env, const hdf5::Dataset& d);

}  // namespace tessera::binding
