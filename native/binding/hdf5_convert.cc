#include "hdf5_convert.h"

#include "convert.h"

namespace tessera::binding {

Napi::Object from_hdf5_dataset(const Napi::Env& env, const hdf5::Dataset& d) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", d.name);
  o.Set("dtype", d.dtype.empty() ? env.Null() : Napi::String::New(env, d.dtype));
  o.Set("type", d.type);
  o.Set("complex", d.complex);
  o.Set("bigEndian", d.big_endian);
  o.Set("shape", from_ints(env, d.shape));
  o.Set("layout", d.layout);
  o.Set("chunks", from_ints(env, d.chunks));
  Napi::Array filters = Napi::Array::New(env, d.filters.size());
  Napi::Array names = Napi::Array::New(env, d.filters.size());
  for (size_t k = 0; k < d.filters.size(); ++k) {
    filters.Set(static_cast<uint32_t>(k), d.filters[k]);
    names.Set(static_cast<uint32_t>(k), d.filter_names[k]);
  }
  o.Set("filters", filters);
  o.Set("filterNames", names);
  o.Set("dataOffset", d.data_offset < 0 ? env.Null() : Napi::Number::New(env, d.data_offset));
  o.Set("fill", d.fill);
  o.Set("storedBytes", static_cast<double>(d.stored_bytes));
  o.Set("packed", d.packed);
  o.Set("partialUnfiltered", d.partial_unfiltered);
  o.Set("externalStorage", d.external_storage);
  o.Set("linkedFile", d.linked_file.empty() ? env.Null() : Napi::String::New(env, d.linked_file));
  Napi::Array missing = Napi::Array::New(env, d.missing_filters.size());
  for (size_t k = 0; k < d.missing_filters.size(); ++k) missing.Set(static_cast<uint32_t>(k), d.missing_filters[k]);
  o.Set("missingFilters", missing);
  o.Set("indexed", d.indexed);
  return o;
}

}  // namespace tessera::binding
