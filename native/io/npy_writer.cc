#include "npy_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <unistd.h>

#include "../common/checked.h"
#include "../common/error.h"
#include "npy_header.h"

namespace tessera {

namespace {
// ENOSPC and EDQUOT are DISK_FULL; anything else (EIO, EFBIG, EACCES, ...) is WRITE_FAILED.
[[noreturn]] void io_error(const std::string& what, const std::string& path, int e) {
  if (e == ENOSPC || e == EDQUOT)
    throw Error("DISK_FULL", what + " " + path + ": " + std::strerror(e) + " (nothing was left under that name)",
                "free space on that disk, or write the outputs elsewhere (--out DIR)");
  throw Error("WRITE_FAILED", what + " " + path + ": " + std::strerror(e),
              "check that the output folder exists, is writable and has free space");
}

// Returns 0 or the errno of the write that failed.
int pwrite_all(int fd, const uint8_t* p, size_t n, off_t at) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, at);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (w == 0) return EIO;
    p += w; n -= static_cast<size_t>(w); at += w;
  }
  return 0;
}
}  // namespace

NpyWriter::NpyWriter(std::string final_path, DType dtype, std::vector<int64_t> shape, std::string temp_path, bool attach, bool complex)
    : final_path_(std::move(final_path)), temp_path_(std::move(temp_path)), dtype_(dtype), shape_(std::move(shape)), attach_(attach), complex_(complex) {
  if (temp_path_.empty()) {
    temp_path_ = final_path_ + ".tmp-" + std::to_string(::getpid()) + "-" +
                 std::to_string(reinterpret_cast<uintptr_t>(this) & 0xffffff);
  }
}

NpyWriter::~NpyWriter() { abort(); }

// The temporary file is sized (and its blocks reserved, where the file system can) before any
// data goes in, so a disk that cannot hold the output fails here, before the job computes it.
void NpyWriter::open_locked() {
  if (failed_) throw Error(failed_code_, failed_message_, failed_hint_);
  if (fd_ >= 0) return;
  if (done_) throw Error("WRITE_FAILED", "the output " + final_path_ + " was already closed", "");
  if (attach_) {
    // Another process made the file, its header and its size: only the data are written here.
    fd_ = ::open(temp_path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) io_error("cannot open the output being written at", temp_path_, errno);
    data_offset_ = format_npy_header(dtype_, shape_, complex_).size();
    return;
  }
  fd_ = ::open(temp_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) io_error("cannot create", temp_path_, errno);
  std::string header = format_npy_header(dtype_, shape_, complex_);
  data_offset_ = header.size();
  int64_t count = 1;
  for (int64_t d : shape_) count *= d;
  off_t total = static_cast<off_t>(data_offset_ + count * dtype_size(dtype_));
  int e;
  do e = ::fallocate(fd_, 0, 0, total) == 0 ? 0 : errno; while (e == EINTR);
  if (e == EOPNOTSUPP || e == ENOSYS) e = ::ftruncate(fd_, total) == 0 ? 0 : errno;
  if (e) fail_locked("cannot make room for", e);
  e = pwrite_all(fd_, reinterpret_cast<const uint8_t*>(header.data()), header.size(), 0);
  if (e) fail_locked("cannot write", e);
}

// A write that failed ends the output: the temporary file goes at once (other threads may still
// hold its descriptor, which stays open until abort(); their writes land in the removed file and
// its blocks are freed when it closes), and every later write or commit throws the same error.
// An attached writer leaves the file to its owner, which aborts the output when the task fails.
void NpyWriter::fail_locked(const std::string& what, int e) {
  if (!attach_) ::unlink(temp_path_.c_str());
  try {
    io_error(what, final_path_, e);
  } catch (const Error& err) {
    if (!failed_) {
      failed_ = true;
      failed_code_ = err.code();
      failed_message_ = err.what();
      failed_hint_ = err.hint();
    }
    throw;
  }
}

void NpyWriter::write_chunk(const Chunk& chunk, const std::vector<int64_t>& offset, const std::vector<int64_t>& box) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_locked();
  }
  const size_t nd = shape_.size();
  bool fits = box.size() == nd && offset.size() == nd && chunk.dtype == dtype_;
  for (size_t d = 0; fits && d < nd; ++d) fits = offset[d] >= 0 && box[d] >= 0 && box[d] <= shape_[d] - offset[d];
  fits = fits && element_count(box) == chunk.size();
  if (!fits) throw Error("INTERNAL", "a chunk does not fit the output it is written to", "this is a bug, please report it");
  const size_t item = dtype_size(dtype_);
  auto write = [&](const uint8_t* p, size_t n, off_t at) {
    int e = pwrite_all(fd_, p, n, at);
    if (e) {
      std::lock_guard<std::mutex> lock(mu_);
      fail_locked("cannot write", e);
    }
  };
  // An attached writer's data must be on the file's storage before its task reports success: the
  // owner renames the file once every task has, and another node reads what the server holds.
  auto sync_if_attached = [&] {
    if (!attach_) return;
    int e;
    do e = ::fdatasync(fd_) == 0 ? 0 : errno; while (e == EINTR);
    if (e) {
      std::lock_guard<std::mutex> lock(mu_);
      fail_locked("cannot write", e);
    }
  };
  if (nd == 0) {
    write(chunk.data, item, static_cast<off_t>(data_offset_));
    sync_if_attached();
    return;
  }
  // Trailing dimensions the box covers fully merge into one contiguous run per write.
  size_t merged = nd - 1;
  int64_t run = box[nd - 1];
  while (merged > 0 && box[merged] == shape_[merged] && offset[merged] == 0) {
    run *= box[merged - 1];
    --merged;
  }
  if (chunk.size() == 0) return;
  // Strides of the output file, in elements.
  std::vector<int64_t> fstride(nd, 1);
  for (size_t d = nd - 1; d > 0; --d) fstride[d - 1] = fstride[d] * shape_[d];
  std::vector<int64_t> idx(merged, 0);  // odometer over the dims before the merged run
  const uint8_t* src = chunk.data;
  const size_t run_bytes = static_cast<size_t>(run) * item;
  while (true) {
    int64_t at = 0;
    for (size_t d = 0; d < merged; ++d) at += (offset[d] + idx[d]) * fstride[d];
    at += offset[merged] * fstride[merged];
    for (size_t d = merged + 1; d < nd; ++d) at += offset[d] * fstride[d];
    write(src, run_bytes, static_cast<off_t>(data_offset_ + at * item));
    src += run_bytes;
    size_t d = merged;
    while (d > 0) {
      if (++idx[d - 1] < box[d - 1]) break;
      idx[d - 1] = 0;
      --d;
    }
    if (d == 0) break;
  }
  sync_if_attached();
}

std::string NpyWriter::open() {
  std::lock_guard<std::mutex> lock(mu_);
  open_locked();
  return temp_path_;
}

void NpyWriter::commit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (attach_) throw Error("INTERNAL", "an attached output writer cannot commit " + final_path_, "this is a bug, please report it");
  open_locked();  // an empty array still gets a file
  // Write-back errors (a full disk under delayed allocation, EIO) surface at fsync or close.
  int e = ::fsync(fd_) == 0 ? 0 : errno;
  if (::close(fd_) != 0 && !e) e = errno;
  fd_ = -1;
  if (e) {
    done_ = true;
    fail_locked("cannot write", e);
  }
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    e = errno;
    ::unlink(temp_path_.c_str());
    done_ = true;
    io_error("cannot rename the finished output into", final_path_, e);
  }
  done_ = true;
}

void NpyWriter::abort() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    if (!attach_) ::unlink(temp_path_.c_str());
  }
  done_ = true;
}

WriterRegistry& WriterRegistry::instance() {
  static WriterRegistry r;
  return r;
}

int WriterRegistry::declare(const std::string& final_path, DType dtype, const std::vector<int64_t>& shape,
                            const std::string& temp_path, bool attach, bool complex) {
  std::lock_guard<std::mutex> lock(mu_);
  int id = next_id_++;
  writers_[id] = std::make_shared<NpyWriter>(final_path, dtype, shape, temp_path, attach, complex);
  return id;
}

int WriterRegistry::add(std::shared_ptr<ArrayWriter> w) {
  std::lock_guard<std::mutex> lock(mu_);
  int id = next_id_++;
  writers_[id] = std::move(w);
  return id;
}

std::shared_ptr<ArrayWriter> WriterRegistry::get(int id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = writers_.find(id);
  if (it == writers_.end()) throw Error("INTERNAL", "output writer " + std::to_string(id) + " is unknown", "this is a bug");
  return it->second;
}

void WriterRegistry::forget(int id) {
  std::shared_ptr<ArrayWriter> w;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = writers_.find(id);
    if (it == writers_.end()) return;
    w = std::move(it->second);
    writers_.erase(it);
  }
}

}  // namespace tessera
