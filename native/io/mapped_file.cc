#include "mapped_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/error.h"

namespace tessera {

namespace {
size_t page_size() {
  static const size_t p = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return p;
}
// madvise wants page-aligned starts; round the range outwards.
void advise(const uint8_t* base, size_t total, size_t offset, size_t length, int advice) {
  if (length == 0 || offset >= total) return;
  size_t start = offset / page_size() * page_size();
  size_t end = std::min(total, offset + length);
  madvise(const_cast<uint8_t*>(base) + start, end - start, advice);
}
}  // namespace

MappedFile::MappedFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT)
      throw Error("FILE_NOT_FOUND", "no such file: " + path, "check the path; paths in a job spec are relative to the spec file");
    throw Error("FILE_UNREADABLE", "cannot open " + path + ": " + std::strerror(e), "check the file's permissions");
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("FILE_UNREADABLE", path + " is not a regular file", "give the path of a file, not a folder or device");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ == 0) {
    ::close(fd);
    throw Error("FILE_EMPTY", path + " is empty (0 bytes)", "the file holds no data; was it written completely?");
  }
  void* p = mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
  int e = errno;
  ::close(fd);  // the mapping keeps the file alive
  if (p == MAP_FAILED)
    throw Error("FILE_UNREADABLE", "cannot map " + path + ": " + std::strerror(e), "");
  data_ = static_cast<uint8_t*>(p);
  madvise(data_, size_, MADV_SEQUENTIAL);
}

MappedFile::~MappedFile() {
  if (data_) munmap(data_, size_);
}

void MappedFile::will_need(size_t offset, size_t length) const {
  advise(data_, size_, offset, length, MADV_WILLNEED);
}

void MappedFile::release_pages(size_t offset, size_t length) const {
  advise(data_, size_, offset, length, MADV_DONTNEED);
}

FileRegistry& FileRegistry::instance() {
  static FileRegistry r;
  return r;
}

int FileRegistry::open(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_path_.find(path);
  if (it != by_path_.end()) {
    refs_[it->second]++;
    return it->second;
  }
  auto f = std::make_shared<MappedFile>(path);
  int id = next_id_++;
  files_[id] = f;
  by_path_[path] = id;
  refs_[id] = 1;
  return id;
}

std::shared_ptr<MappedFile> FileRegistry::get(int id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(id);
  if (it == files_.end())
    throw Error("FILE_NOT_OPEN", "file " + std::to_string(id) + " is not open", "this is a bug, please report it");
  return it->second;
}

void FileRegistry::close(int id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(id);
  if (it == files_.end()) return;
  if (--refs_[id] > 0) return;
  by_path_.erase(it->second->path());
  files_.erase(it);
  refs_.erase(id);
}

}  // namespace tessera
