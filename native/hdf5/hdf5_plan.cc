#include "hdf5_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "../common/dtype.h"
#include "../common/error.h"
#include "hdf5_handle.h"

namespace tessera::hdf5 {

namespace {

// h5py's bool: an enum over a one-byte integer with the members FALSE = 0 and TRUE = 1.
bool is_h5py_bool(hid_t t) {
  if (H5Tget_size(t) != 1 || H5Tget_nmembers(t) != 2) return false;
  for (unsigned k = 0; k < 2; ++k) {
    char* name = H5Tget_member_name(t, k);
    int8_t v = -1;
    bool ok = name && H5Tget_member_value(t, k, &v) >= 0 &&
              ((std::strcmp(name, "FALSE") == 0 && v == 0) || (std::strcmp(name, "TRUE") == 0 && v == 1));
    if (name) H5free_memory(name);
    if (!ok) return false;
  }
  return true;
}

// h5py's complex type: a compound of two floats of one size and byte order named "r" and "i",
// packed in that order (the pairs numpy's complex dtypes lay out). Returns the part's size, or 0.
size_t complex_part_size(hid_t t) {
  if (H5Tget_class(t) != H5T_COMPOUND || H5Tget_nmembers(t) != 2) return 0;
  size_t part = 0;
  H5T_order_t order = H5T_ORDER_NONE;
  for (unsigned k = 0; k < 2; ++k) {
    char* name = H5Tget_member_name(t, k);
    const bool named = name && std::strcmp(name, k == 0 ? "r" : "i") == 0;
    if (name) H5free_memory(name);
    Handle m(H5Tget_member_type(t, k), H5Tclose);
    const size_t size = H5Tget_size(m);
    if (!named || H5Tget_class(m) != H5T_FLOAT || (size != 4 && size != 8) || (k == 1 && (size != part || H5Tget_order(m) != order)) ||
        H5Tget_member_offset(t, k) != k * size || H5Tget_precision(m) != 8 * size)
      return 0;
    part = size;
    order = H5Tget_order(m);
  }
  return H5Tget_size(t) == 2 * part ? part : 0;
}

void read_type(hid_t t, Dataset& d) {
  const H5T_class_t cls = H5Tget_class(t);
  if (const size_t part = complex_part_size(t)) {
    d.type = part == 8 ? "complex128" : "complex64";
    d.dtype = part == 8 ? "float64" : "float32";
    d.complex = true;
    Handle m(H5Tget_member_type(t, 0), H5Tclose);
    d.big_endian = H5Tget_order(m) == H5T_ORDER_BE;
    return;
  }
  const size_t size = H5Tget_size(t);
  d.big_endian = (cls == H5T_INTEGER || cls == H5T_FLOAT) && H5Tget_order(t) == H5T_ORDER_BE;
  if (cls == H5T_INTEGER) {
    const bool sign = H5Tget_sign(t) == H5T_SGN_2;
    const char* names[2][4] = {{"uint8", "uint16", "uint32", "uint64"}, {"int8", "int16", "int32", "int64"}};
    const int k = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : size == 8 ? 3 : -1;
    d.type = k < 0 ? std::to_string(size * 8) + "-bit integer" : names[sign][k];
    if (k >= 0) d.dtype = d.type;
  } else if (cls == H5T_FLOAT) {
    d.type = size == 2 ? "float16" : size == 4 ? "float32" : size == 8 ? "float64" : std::to_string(size * 8) + "-bit float";
    if (size == 4 || size == 8) d.dtype = d.type;
  } else if (cls == H5T_ENUM && is_h5py_bool(t)) {
    d.type = d.dtype = "bool";
  } else {
    switch (cls) {
      case H5T_STRING: d.type = "string"; break;
      case H5T_COMPOUND: d.type = "compound"; break;
      case H5T_ENUM: d.type = "enum"; break;
      case H5T_ARRAY: d.type = "array"; break;
      case H5T_VLEN: d.type = "variable-length"; break;
      case H5T_REFERENCE: d.type = "reference"; break;
      case H5T_OPAQUE: d.type = "opaque"; break;
      case H5T_BITFIELD: d.type = "bitfield"; break;
      default: d.type = "unknown"; break;
    }
  }
}

const char* filter_name(int id) {
  switch (id) {
    case H5Z_FILTER_DEFLATE: return "gzip";
    case H5Z_FILTER_SHUFFLE: return "shuffle";
    case H5Z_FILTER_FLETCHER32: return "fletcher32";
    case H5Z_FILTER_SZIP: return "szip";
    case H5Z_FILTER_NBIT: return "nbit";
    case H5Z_FILTER_SCALEOFFSET: return "scaleoffset";
    case 32000: return "lzf";
    case 32001: return "blosc";
    case 32004: return "lz4";
    case 32008: return "bitshuffle";
    case 32015: return "zstd";
    default: return nullptr;
  }
}

// The fill value as exact decimal text, read in the Tessera dtype's own type.
std::string fill_text(hid_t dcpl, hid_t file_type, const std::string& dtype) {
  H5D_fill_value_t defined;
  if (H5Pfill_value_defined(dcpl, &defined) < 0 || defined != H5D_FILL_VALUE_USER_DEFINED) return "0";
  char buf[64];
  if (dtype == "bool") {
    int8_t b = 0;
    if (H5Pget_fill_value(dcpl, file_type, &b) < 0) return "0";
    return b ? "1" : "0";
  }
  if (H5Tget_class(file_type) == H5T_COMPOUND) {
    // A complex fill (complex_part_size said so): both parts, as doubles.
    Handle pair(complex_type(static_cast<int>(DType::F64), false), H5Tclose);
    double v[2] = {0, 0};
    if (H5Pget_fill_value(dcpl, pair, v) < 0) return "0";
    if (!(v[0] == v[1] && std::signbit(v[0]) == std::signbit(v[1])) && !(v[0] != v[0] && v[1] != v[1])) return "pair";
    std::snprintf(buf, sizeof buf, "%.17g", v[0]);
    return buf;
  }
  if (dtype == "float32" || dtype == "float64") {
    double v = 0;
    if (H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, &v) < 0) return "0";
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }
  if (dtype[0] == 'u') {
    unsigned long long v = 0;
    if (H5Pget_fill_value(dcpl, H5T_NATIVE_ULLONG, &v) < 0) return "0";
    std::snprintf(buf, sizeof buf, "%llu", v);
    return buf;
  }
  long long v = 0;
  if (H5Pget_fill_value(dcpl, H5T_NATIVE_LLONG, &v) < 0) return "0";
  std::snprintf(buf, sizeof buf, "%lld", v);
  return buf;
}

Dataset read_dataset(const std::string& path, hid_t ds, const std::string& name) {
  Dataset d;
  d.name = name;
  Handle type(check(H5Dget_type(ds), "HDF5_UNREADABLE", path + ": the type of " + name), H5Tclose);
  read_type(type, d);
  const H5T_class_t cls = H5Tget_class(type);
  if ((cls == H5T_INTEGER || cls == H5T_FLOAT) && (H5Tget_precision(type) != 8 * H5Tget_size(type) || H5Tget_offset(type) != 0)) d.packed = true;
  // A dataset reached through an external link lives in another file than `path`.
  hid_t fid = H5Iget_file_id(ds);
  if (fid >= 0) {
    char fname[4096] = {0};
    if (H5Fget_name(fid, fname, sizeof fname) > 0 && std::string(fname) != path) d.linked_file = fname;
    H5Fclose(fid);
  }
  Handle space(check(H5Dget_space(ds), "HDF5_UNREADABLE", path + ": the shape of " + name), H5Sclose);
  const int nd = check(H5Sget_simple_extent_ndims(space), "HDF5_UNREADABLE", path + ": the shape of " + name);
  std::vector<hsize_t> dims(static_cast<size_t>(nd));
  if (nd > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  d.shape.assign(dims.begin(), dims.end());
  Handle dcpl(check(H5Dget_create_plist(ds), "HDF5_UNREADABLE", path + ": the layout of " + name), H5Pclose);
  const H5D_layout_t layout = H5Pget_layout(dcpl);
  d.layout = layout == H5D_CHUNKED ? "chunked" : layout == H5D_CONTIGUOUS ? "contiguous" : layout == H5D_COMPACT ? "compact" : "virtual";
  const int external = H5Pget_external_count(dcpl);
  d.external_storage = external > 0;
  if (layout == H5D_CHUNKED) {
    unsigned opts = 0;
    if (H5Pget_chunk_opts(dcpl, &opts) >= 0 && (opts & H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS)) d.partial_unfiltered = true;
    std::vector<hsize_t> c(static_cast<size_t>(std::max(nd, 1)));
    check(H5Pget_chunk(dcpl, nd, c.data()), "HDF5_UNREADABLE", path + ": the chunk shape of " + name);
    d.chunks.assign(c.begin(), c.begin() + nd);
    const int nf = H5Pget_nfilters(dcpl);
    for (int k = 0; k < nf; ++k) {
      unsigned flags = 0, cd[8];
      size_t ncd = 8;
      char fname[64] = {0};
      const H5Z_filter_t id = H5Pget_filter2(dcpl, static_cast<unsigned>(k), &flags, &ncd, cd, sizeof fname, fname, nullptr);
      d.filters.push_back(static_cast<int>(id));
      const char* known = filter_name(static_cast<int>(id));
      d.filter_names.push_back(known ? known : fname[0] ? fname : "filter " + std::to_string(id));
      if (H5Zfilter_avail(id) <= 0) d.missing_filters.push_back(d.filter_names.back());
    }
  }
  if (layout == H5D_CONTIGUOUS) {
    const haddr_t at = H5Dget_offset(ds);
    if (at != HADDR_UNDEF) d.data_offset = static_cast<double>(at);
  }
  d.stored_bytes = static_cast<int64_t>(H5Dget_storage_size(ds));
  if (!d.dtype.empty()) d.fill = fill_text(dcpl, type, d.dtype);
  H5Eclear2(H5E_DEFAULT);
  return d;
}

struct Visit {
  const std::string* path;
  std::vector<std::string> names;
};

herr_t on_object(hid_t, const char* name, const H5O_info_t* info, void* data) {
  auto* v = static_cast<Visit*>(data);
  if (info->type == H5O_TYPE_DATASET) v->names.push_back(std::string("/") + name);
  return 0;
}

}  // namespace

std::vector<Dataset> list_datasets(const std::string& path) {
  Handle file = open_file(path);
  Visit v{&path, {}};
  check(H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, on_object, &v, H5O_INFO_BASIC), "HDF5_UNREADABLE", path + ": cannot list its datasets");
  std::sort(v.names.begin(), v.names.end());
  std::vector<Dataset> out;
  for (const auto& n : v.names) {
    Handle ds = open_dataset(file, path, n);
    out.push_back(read_dataset(path, ds, n));
  }
  return out;
}

Dataset describe_dataset(const std::string& path, const std::string& name, std::vector<double>* chunk_index) {
  Handle file = open_file(path);
  const std::string full = name.empty() || name[0] == '/' ? name : "/" + name;
  Handle ds = open_dataset(file, path, full);
  Dataset d = read_dataset(path, ds, full);
  if (chunk_index && d.layout == "chunked") {
    const size_t nd = d.shape.size();
    std::vector<int64_t> counts(nd);
    size_t total = 1;
    for (size_t k = 0; k < nd; ++k) {
      counts[k] = (d.shape[k] + d.chunks[k] - 1) / d.chunks[k];
      total *= static_cast<size_t>(counts[k]);
    }
    if (total > kMaxIndexedChunks) return d;
    // Chunk addresses are relative to the file's base: after a userblock, if the file has one.
    hsize_t base = 0;
    Handle fcpl(H5Fget_create_plist(file), H5Pclose);
    if (fcpl.get() >= 0) H5Pget_userblock(fcpl, &base);
    d.indexed = true;
    chunk_index->assign(3 * total, 0);
    std::vector<int64_t> idx(nd, 0);
    std::vector<hsize_t> at(nd);
    for (size_t c = 0; c < total; ++c) {
      for (size_t k = 0; k < nd; ++k) at[k] = static_cast<hsize_t>(idx[k] * d.chunks[k]);
      unsigned mask = 0;
      haddr_t addr = HADDR_UNDEF;
      hsize_t size = 0;
      check(H5Dget_chunk_info_by_coord(ds, at.data(), &mask, &addr, &size), "HDF5_UNREADABLE", path + ": the chunk index of " + full,
            "the file may be damaged");
      (*chunk_index)[3 * c] = addr == HADDR_UNDEF ? -1 : static_cast<double>(addr + base);
      (*chunk_index)[3 * c + 1] = static_cast<double>(size);
      (*chunk_index)[3 * c + 2] = mask;
      for (size_t k = nd; k-- > 0;) {
        if (++idx[k] < counts[k]) break;
        idx[k] = 0;
      }
    }
  }
  return d;
}

}  // namespace tessera::hdf5
