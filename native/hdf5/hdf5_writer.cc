#include "hdf5_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "../common/error.h"
#include "../common/thread_scratch.h"
#include "../io/chunk_boxes.h"
#include "../io/output_file.h"
#include "hdf5_handle.h"

namespace tessera::hdf5 {

namespace {

// The file's types: little-endian IEEE and two's complement, and h5py's bool (an enum over int8
// with FALSE = 0 and TRUE = 1), so h5py and numpy read back exactly the dtype written.
hid_t file_type(DType d) {
  switch (d) {
    case DType::F64: return H5Tcopy(H5T_IEEE_F64LE);
    case DType::F32: return H5Tcopy(H5T_IEEE_F32LE);
    case DType::I64: return H5Tcopy(H5T_STD_I64LE);
    case DType::I32: return H5Tcopy(H5T_STD_I32LE);
    case DType::I16: return H5Tcopy(H5T_STD_I16LE);
    case DType::I8: return H5Tcopy(H5T_STD_I8LE);
    case DType::U64: return H5Tcopy(H5T_STD_U64LE);
    case DType::U32: return H5Tcopy(H5T_STD_U32LE);
    case DType::U16: return H5Tcopy(H5T_STD_U16LE);
    case DType::U8: return H5Tcopy(H5T_STD_U8LE);
    case DType::Bool: return bool_type();
  }
  return -1;
}

// Above this many chunks a dataset is written through H5Dwrite: each direct write looks its chunk
// up in the index, which libhdf5 1.10 does in time that grows with the index.
constexpr int64_t kDirectChunks = 8192;

// Writes n bytes at `at`; 0 or the errno.
int pwrite_all(int fd, const uint8_t* p, size_t n, off_t at) {
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, at);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return w < 0 ? errno : EIO;
    p += w;
    n -= static_cast<size_t>(w);
    at += w;
  }
  return 0;
}

}  // namespace

Hdf5Output::Hdf5Output(std::string final_path) : final_path_(std::move(final_path)), temp_path_(OutputFile::temp_name(final_path_)) {}

Hdf5Output::~Hdf5Output() { abort(); }

int Hdf5Output::add(const std::string& name, DType dtype, const std::vector<int64_t>& shape, const std::vector<int64_t>& chunks, bool complex) {
  std::lock_guard<std::mutex> lock(mu_);
  if (complex && (shape.empty() || shape.back() != 2 || (dtype != DType::F64 && dtype != DType::F32)))
    throw Error("INTERNAL", "a complex HDF5 dataset is not (re, im) float pairs", "this is a bug, please report it");
  if (file_ >= 0 || done_) throw Error("INTERNAL", "a dataset was declared after " + final_path_ + " was opened", "this is a bug, please report it");
  for (const auto& d : datasets_)
    if (d.name == name) throw Error("BAD_SPEC", final_path_ + ": two outputs are written to the dataset " + name, "give each output its own dataset");
  // A complex dataset's dims are the values'.
  const size_t nd = shape.size() - (complex ? 1 : 0);
  Declared d;
  d.name = name;
  d.dtype = dtype;
  d.shape.assign(shape.begin(), shape.begin() + nd);
  d.chunks.assign(chunks.begin(), chunks.begin() + std::min(chunks.size(), nd));
  d.complex = complex;
  datasets_.push_back(std::move(d));
  return static_cast<int>(datasets_.size()) - 1;
}

void Hdf5Output::fail_locked(const std::string& what, int err) {
  std::string why = err ? std::string(std::strerror(err)) : last_message();
  H5Eclear2(H5E_DEFAULT);
  close_locked();
  ::unlink(temp_path_.c_str());
  done_ = true;
  if (err == ENOSPC || err == EDQUOT)
    throw Error("DISK_FULL", what + " " + final_path_ + ": " + why + " (nothing was left under that name)",
                "free space on that disk, or write the outputs elsewhere (--out)");
  throw Error("WRITE_FAILED", what + " " + final_path_ + (why.empty() ? "" : ": " + why) + " (nothing was left under that name)",
              "check that the output folder exists, is writable and has free space");
}

void Hdf5Output::open_locked() {
  if (file_ >= 0) return;
  if (done_) throw Error("WRITE_FAILED", "the output " + final_path_ + " was already closed or failed", "");
  quiet();
  file_ = H5Fcreate(temp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file_ < 0) fail_locked("cannot create");
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl, 1);
  for (auto& d : datasets_) {
    const int nd = static_cast<int>(d.shape.size());
    std::vector<hsize_t> dims(d.shape.begin(), d.shape.end());
    Handle space(nd == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(nd, dims.data(), nullptr), H5Sclose);
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    // Chunked as the array is (an HDF5 chunk under 4 GiB), so a reader's chunks are Tessera's;
    // a scalar or an empty array is stored contiguous.
    bool chunked = nd > 0 && d.chunks.size() == d.shape.size();
    for (int64_t n : d.shape) chunked = chunked && n > 0;
    if (chunked) {
      std::vector<hsize_t> c(static_cast<size_t>(nd));
      for (int k = 0; k < nd; ++k) c[k] = static_cast<hsize_t>(std::max<int64_t>(1, std::min(d.chunks[k], d.shape[k])));
      auto bytes = [&] { hsize_t b = dtype_size(d.dtype) * (d.complex ? 2 : 1); for (hsize_t x : c) b *= x; return b; };
      for (int k = 0; bytes() >= (hsize_t{1} << 32) - 1; k = (k + 1) % nd) c[k] = (c[k] + 1) / 2;
      H5Pset_chunk(dcpl, nd, c.data());
      int64_t count = 1;
      for (int k = 0; k < nd; ++k) count *= (d.shape[k] + static_cast<int64_t>(c[k]) - 1) / static_cast<int64_t>(c[k]);
      if (count <= kDirectChunks) {
        // Every chunk has its place in the file from the start, and nothing writes a fill there:
        // the write tasks put each chunk's bytes there themselves.
        H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
        d.file_chunks.assign(c.begin(), c.end());
      }
    }
    Handle type(d.complex ? complex_type(static_cast<int>(d.dtype), true) : file_type(d.dtype), H5Tclose);
    d.id = H5Dcreate2(file_, d.name.c_str(), type, space, lcpl, dcpl, H5P_DEFAULT);
    if (d.id < 0) fail_locked("cannot create the dataset " + d.name + " in");
  }
  raw_fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (raw_fd_ < 0) fail_locked("cannot open");
}

void Hdf5Output::close_locked() {
  if (raw_fd_ >= 0) { ::close(raw_fd_); raw_fd_ = -1; }
  for (auto& d : datasets_)
    if (d.id >= 0) { H5Dclose(d.id); d.id = -1; }
  if (file_ >= 0) { H5Fclose(file_); file_ = -1; }
}

std::string Hdf5Output::open() {
  std::lock_guard<std::mutex> lock(mu_);
  open_locked();
  return temp_path_;
}

void Hdf5Output::write(int k, const Chunk& chunk, const std::vector<int64_t>& offset, const std::vector<int64_t>& box) {
  std::unique_lock<std::mutex> lock(mu_);
  open_locked();
  if (k < 0 || static_cast<size_t>(k) >= datasets_.size()) throw Error("INTERNAL", "an HDF5 output has no dataset " + std::to_string(k), "this is a bug");
  const Declared& d = datasets_[static_cast<size_t>(k)];
  const size_t nd = d.shape.size();
  // A complex chunk's box has the pairs axis last, whole: the dataset's box is the rest.
  const size_t pairs = d.complex ? 1 : 0;
  bool fits = box.size() == nd + pairs && offset.size() == nd + pairs && chunk.dtype == d.dtype && (!d.complex || (box[nd] == 2 && offset[nd] == 0));
  int64_t count = pairs ? 2 : 1;
  for (size_t i = 0; fits && i < nd; ++i) {
    fits = offset[i] >= 0 && box[i] >= 0 && box[i] <= d.shape[i] - offset[i];
    count *= box[i];
  }
  if (!fits || count != chunk.size()) throw Error("INTERNAL", "a chunk does not fit the output it is written to", "this is a bug, please report it");
  if (count == 0) return;
  if (write_direct(lock, d, chunk, offset, box)) return;
  Handle mtype(d.complex ? complex_type(static_cast<int>(d.dtype), false) : memory_type(static_cast<int>(d.dtype)), H5Tclose);
  Handle fspace(H5Dget_space(d.id), H5Sclose);
  hid_t mspace_id;
  if (nd == 0) {
    mspace_id = H5Screate(H5S_SCALAR);
  } else {
    std::vector<hsize_t> start(offset.begin(), offset.begin() + nd), n(box.begin(), box.begin() + nd);
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, n.data(), nullptr);
    mspace_id = H5Screate_simple(static_cast<int>(nd), n.data(), nullptr);
  }
  Handle mspace(mspace_id, H5Sclose);
  if (H5Dwrite(d.id, mtype, mspace, fspace, H5P_DEFAULT, chunk.data) < 0) fail_locked("cannot write " + d.name + " into");
}

bool Hdf5Output::write_direct(std::unique_lock<std::mutex>& lock, const Declared& d, const Chunk& chunk, const std::vector<int64_t>& offset,
                               const std::vector<int64_t>& box) {
  const size_t nd = d.file_chunks.size();
  if (nd == 0) return false;
  // One whole chunk of the dataset's grid (cut at its edge), and nothing else.
  std::vector<hsize_t> at(nd);
  std::vector<int64_t> origin(nd), full(nd);
  for (size_t i = 0; i < nd; ++i) {
    const int64_t c = d.file_chunks[i];
    if (offset[i] % c != 0 || box[i] != std::min(c, d.shape[i] - offset[i])) return false;
    at[i] = static_cast<hsize_t>(offset[i]);
    origin[i] = offset[i];
    full[i] = c;
  }
  unsigned mask = 0;
  haddr_t addr = HADDR_UNDEF;
  hsize_t stored = 0;
  if (H5Dget_chunk_info_by_coord(d.id, at.data(), &mask, &addr, &stored) < 0 || addr == HADDR_UNDEF) fail_locked("cannot find a chunk of " + d.name + " in");
  // A descriptor of its own (closed on every path): an abort (another task failed) may close
  // raw_fd_ while this writes.
  struct Descriptor {
    int fd;
    ~Descriptor() { if (fd >= 0) ::close(fd); }
    int close() { const int e = ::close(fd) == 0 ? 0 : errno; fd = -1; return e; }
  } own{::fcntl(raw_fd_, F_DUPFD_CLOEXEC, 0)};
  if (own.fd < 0) fail_locked("cannot write " + d.name + " into", errno);
  lock.unlock();
  // An edge chunk is stored whole: its part past the dataset's edge is zeros.
  const size_t value = dtype_size(d.dtype) * (d.complex ? 2 : 1);
  size_t bytes = value;
  for (int64_t c : full) bytes *= static_cast<size_t>(c);
  const uint8_t* data = chunk.data;
  if (static_cast<size_t>(chunk.nbytes) != bytes) {
    struct PaddedTag {};
    uint8_t* padded = thread_scratch<uint8_t, PaddedTag>(bytes);
    std::memset(padded, 0, bytes);
    copy_overlap(chunk.data, origin, std::vector<int64_t>(box.begin(), box.begin() + nd), padded, origin, full, value, false);
    data = padded;
  }
  int e = bytes == stored ? pwrite_all(own.fd, data, bytes, static_cast<off_t>(addr)) : EIO;
  const int closed = own.close();
  if (!e) e = closed;
  lock.lock();
  if (e) fail_locked("cannot write " + d.name + " into", e);
  return true;
}

void Hdf5Output::commit(int k) {
  std::lock_guard<std::mutex> lock(mu_);
  open_locked();  // an output of empty arrays still gets its file
  datasets_.at(static_cast<size_t>(k)).committed = true;
  for (const auto& d : datasets_)
    if (!d.committed) return;
  // The direct writes' descriptor first (an error of theirs was reported by their task); then
  // closing flushes HDF5's caches: a full disk shows here, before the rename.
  if (raw_fd_ >= 0) {
    const int e = ::close(raw_fd_) == 0 ? 0 : errno;
    raw_fd_ = -1;
    if (e) fail_locked("cannot finish", e);
  }
  for (auto& d : datasets_)
    if (H5Dclose(d.id) < 0) { d.id = -1; fail_locked("cannot finish " + d.name + " in"); }
    else d.id = -1;
  const herr_t closed = H5Fclose(file_);
  file_ = -1;
  if (closed < 0) fail_locked("cannot finish");
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    ::unlink(temp_path_.c_str());
    done_ = true;
    throw Error("WRITE_FAILED", "cannot rename the finished output into " + final_path_, "check that the output folder is writable");
  }
  done_ = true;
}

void Hdf5Output::abort() {
  std::lock_guard<std::mutex> lock(mu_);
  if (done_) return;
  const bool made = file_ >= 0;
  close_locked();
  if (made) ::unlink(temp_path_.c_str());
  done_ = true;
}

}  // namespace tessera::hdf5

