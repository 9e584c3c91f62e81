#include "hdf5_handle.h"

#include <sys/stat.h>

#include <vector>

#include "../common/dtype.h"
#include "../common/error.h"

namespace tessera::hdf5 {

void quiet() {
  thread_local bool done = false;
  if (done) return;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  done = true;
}

namespace {
herr_t innermost(unsigned n, const H5E_error2_t* e, void* out) {
  if (n == 0 && e->desc) *static_cast<std::string*>(out) = e->desc;
  return 0;
}
}  // namespace

std::string last_message() {
  std::string out;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &out);
  return out;
}

void fail(const char* code, const std::string& what, const std::string& hint) {
  std::string why = last_message();
  H5Eclear2(H5E_DEFAULT);
  throw Error(code, why.empty() ? what : what + ": " + why, hint);
}

void Handle::close(const char* code, const std::string& what) {
  hid_t id = id_;
  id_ = -1;
  if (id >= 0 && close_ && close_(id) < 0) fail(code, what, "");
}

hid_t bool_type() {
  hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
  int8_t no = 0, yes = 1;
  H5Tenum_insert(t, "FALSE", &no);
  H5Tenum_insert(t, "TRUE", &yes);
  return t;
}

hid_t memory_type(int dtype_code) {
  switch (static_cast<DType>(dtype_code)) {
    case DType::F64: return H5Tcopy(H5T_NATIVE_DOUBLE);
    case DType::F32: return H5Tcopy(H5T_NATIVE_FLOAT);
    case DType::I64: return H5Tcopy(H5T_NATIVE_INT64);
    case DType::I32: return H5Tcopy(H5T_NATIVE_INT32);
    case DType::I16: return H5Tcopy(H5T_NATIVE_INT16);
    case DType::I8: return H5Tcopy(H5T_NATIVE_INT8);
    case DType::U64: return H5Tcopy(H5T_NATIVE_UINT64);
    case DType::U32: return H5Tcopy(H5T_NATIVE_UINT32);
    case DType::U16: return H5Tcopy(H5T_NATIVE_UINT16);
    case DType::U8: return H5Tcopy(H5T_NATIVE_UINT8);
    case DType::Bool: return bool_type();
  }
  return -1;
}

hid_t complex_type(int part_dtype_code, bool in_file) {
  const bool f64 = static_cast<DType>(part_dtype_code) == DType::F64;
  const hid_t part = f64 ? (in_file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE) : (in_file ? H5T_IEEE_F32LE : H5T_NATIVE_FLOAT);
  const size_t size = f64 ? 8 : 4;
  const hid_t t = H5Tcreate(H5T_COMPOUND, 2 * size);
  H5Tinsert(t, "r", 0, part);
  H5Tinsert(t, "i", size, part);
  return t;
}

Handle open_file(const std::string& path) {
  quiet();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error("FILE_NOT_FOUND", path + ": no such file", "check the path (a relative path is relative to the job's folder)");
  if (!S_ISREG(st.st_mode)) throw Error("NOT_A_FILE", path + " is not a regular file", "give the path of an HDF5 file (.h5, .hdf5)");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw Error("HDF5_NOT_HDF5", path + " is not an HDF5 file", "give an HDF5 file (as h5py or da.to_hdf5 write them); a truncated file is not one either");
  }
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  check(f, "HDF5_UNREADABLE", "cannot open " + path, "the file may be damaged or still being written");
  return Handle(f, H5Fclose);
}

Handle open_dataset(hid_t file, const std::string& path, const std::string& name) {
  htri_t there = name.empty() || name == "/" ? 0 : H5Lexists(file, name.c_str(), H5P_DEFAULT);
  if (there > 0) {
    H5O_info_t info;
    if (H5Oget_info_by_name2(file, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 && info.type == H5O_TYPE_DATASET) {
      hid_t d = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
      check(d, "HDF5_UNREADABLE", path + ": cannot open the dataset " + name);
      return Handle(d, H5Dclose);
    }
  }
  H5Eclear2(H5E_DEFAULT);
  throw Error("HDF5_NO_DATASET", path + " has no dataset " + name, "name one of its datasets (tessera inspect " + path + " lists them)");
}

}  // namespace tessera::hdf5
