// The Parquet planner's result (parquet/parquet_plan.h) as JS values. Conversion only.
#pragma once
#include <napi.h>

#include <vector>

#include "../parquet/parquet_plan.h"

namespace tessera::binding {

// [{ columns: [{ name, duckType }], rowGroups: [{ rows, firstRow, compressedBytes, nullCounts }] }],
// a null count of -1 (not in the footer) as null.
Napi::Array from_parquet_plan(const Napi::Env& env, const std::vector<parquet::PlanFile>& files);

}  // namespace tessera::binding
