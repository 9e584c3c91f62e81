#include "read_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/error.h"
#include "mapped_file.h"

namespace tessera {

ReadOnlyFile::ReadOnlyFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) throw Error("FILE_NOT_FOUND", "no such file: " + path, "check the path; paths in a job spec are relative to the spec file");
    throw Error("FILE_UNREADABLE", "cannot open " + path + ": " + std::strerror(e), "check the file's permissions");
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    throw Error("FILE_UNREADABLE", "cannot read " + path + ": " + std::strerror(e), "check the file's permissions");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("NOT_A_FILE", path + " is not a regular file", "give the path of a regular file");
  }
  fd_ = fd;
  size_ = static_cast<uint64_t>(st.st_size);
}

ReadOnlyFile::~ReadOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ReadOnlyFile::read_at(uint64_t offset, uint8_t* out, size_t n) const {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error("FILE_UNREADABLE", "cannot read " + path_ + ": " + std::strerror(errno), "");
    }
    if (r == 0) throw_input_changed(path_, "it is shorter than when it was opened");
    done += static_cast<size_t>(r);
  }
}

}  // namespace tessera
