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
  struct stat st;
  fd_ = open_regular_file(path, st);
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
