#include "output_file.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "../common/error.h"

namespace tessera {

namespace {
std::atomic<uint64_t> next_temp{0};
}

std::string OutputFile::temp_name(const std::string& final_path) {
  return final_path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(next_temp++);
}

OutputFile::OutputFile(std::string final_path) : final_path_(std::move(final_path)), temp_path_(temp_name(final_path_)) {}

OutputFile::~OutputFile() { abort(); }

void OutputFile::fail(const std::string& what, const std::string& path, int e) {
  if (e == ENOSPC || e == EDQUOT)
    throw Error("DISK_FULL", what + " " + path + ": " + std::strerror(e) + " (nothing was left under that name)",
                "free space on that disk, or write the outputs elsewhere (--out DIR)");
  throw Error("WRITE_FAILED", what + " " + path + ": " + std::strerror(e), "check that the output folder exists, is writable and has free space");
}

void OutputFile::open() {
  if (done_) throw Error("WRITE_FAILED", "the output " + final_path_ + " was already closed", "");
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot create", temp_path_, errno);
}

void OutputFile::append(const char* p, size_t n) {
  if (fd_ < 0) open();
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int e = w < 0 ? errno : EIO;
      abort();
      fail("cannot write", final_path_, e);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void OutputFile::close_temp(bool external) {
  if (done_) throw Error("WRITE_FAILED", "the output " + final_path_ + " was already closed", "");
  if (external) {
    fd_ = ::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail("cannot open", temp_path_, errno);
  } else if (fd_ < 0) {
    open();
  }
  // Write-back errors (a full disk under delayed allocation, EIO) surface at fsync or close.
  int e = ::fsync(fd_) == 0 ? 0 : errno;
  if (::close(fd_) != 0 && !e) e = errno;
  fd_ = -1;
  if (e) {
    abort();
    fail("cannot finish", final_path_, e);
  }
}

void OutputFile::publish() {
  if (done_) throw Error("WRITE_FAILED", "the output " + final_path_ + " was already closed", "");
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    const int e = errno;
    abort();
    fail("cannot finish", final_path_, e);
  }
  done_ = true;
}

void OutputFile::abort() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!done_) ::unlink(temp_path_.c_str());
  done_ = true;
}

}  // namespace tessera
