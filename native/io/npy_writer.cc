#include "npy_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "../common/checked.h"
#include "../common/error.h"
#include "npy_header.h"

namespace tessera {

namespace {
[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw Error("WRITE_FAILED", what + " " + path + ": " + std::strerror(errno),
              "check that the output folder exists, is writable and has free space");
}

void pwrite_all(int fd, const uint8_t* p, size_t n, off_t at, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, at);
    if (w < 0) {
      if (errno == EINTR) continue;
      io_error("cannot write", path);
    }
    p += w; n -= static_cast<size_t>(w); at += w;
  }
}
}  // namespace

NpyWriter::NpyWriter(std::string final_path, DType dtype, std::vector<int64_t> shape)
    : final_path_(std::move(final_path)), dtype_(dtype), shape_(std::move(shape)) {
  temp_path_ = final_path_ + ".tmp-" + std::to_string(::getpid()) + "-" +
               std::to_string(reinterpret_cast<uintptr_t>(this) & 0xffffff);
}

NpyWriter::~NpyWriter() { abort(); }

void NpyWriter::open_locked() {
  if (fd_ >= 0) return;
  if (done_) throw Error("WRITE_FAILED", "the output " + final_path_ + " was already closed", "");
  fd_ = ::open(temp_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) io_error("cannot create", temp_path_);
  std::string header = format_npy_header(dtype_, shape_);
  data_offset_ = header.size();
  int64_t count = 1;
  for (int64_t d : shape_) count *= d;
  off_t total = static_cast<off_t>(data_offset_ + count * dtype_size(dtype_));
  if (::ftruncate(fd_, total) != 0) io_error("cannot size", temp_path_);
  pwrite_all(fd_, reinterpret_cast<const uint8_t*>(header.data()), header.size(), 0, temp_path_);
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
  if (nd == 0) {
    pwrite_all(fd_, chunk.data, item, static_cast<off_t>(data_offset_), temp_path_);
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
    pwrite_all(fd_, src, run_bytes, static_cast<off_t>(data_offset_ + at * item), temp_path_);
    src += run_bytes;
    size_t d = merged;
    while (d > 0) {
      if (++idx[d - 1] < box[d - 1]) break;
      idx[d - 1] = 0;
      --d;
    }
    if (d == 0) break;
  }
}

void NpyWriter::commit() {
  std::lock_guard<std::mutex> lock(mu_);
  open_locked();  // an empty array still gets a file
  if (::fsync(fd_) != 0) io_error("cannot flush", temp_path_);
  ::close(fd_);
  fd_ = -1;
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    int e = errno;
    ::unlink(temp_path_.c_str());
    done_ = true;
    errno = e;
    io_error("cannot rename the finished output into", final_path_);
  }
  done_ = true;
}

void NpyWriter::abort() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    ::unlink(temp_path_.c_str());
  }
  done_ = true;
}

WriterRegistry& WriterRegistry::instance() {
  static WriterRegistry r;
  return r;
}

int WriterRegistry::declare(const std::string& final_path, DType dtype, const std::vector<int64_t>& shape) {
  std::lock_guard<std::mutex> lock(mu_);
  int id = next_id_++;
  writers_[id] = std::make_shared<NpyWriter>(final_path, dtype, shape);
  return id;
}

std::shared_ptr<NpyWriter> WriterRegistry::get(int id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = writers_.find(id);
  if (it == writers_.end()) throw Error("INTERNAL", "output writer " + std::to_string(id) + " is unknown", "this is a bug");
  return it->second;
}

void WriterRegistry::forget(int id) {
  std::shared_ptr<NpyWriter> w;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = writers_.find(id);
    if (it == writers_.end()) return;
    w = std::move(it->second);
    writers_.erase(it);
  }
}

}  // namespace tessera
