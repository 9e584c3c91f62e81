// Read-only memory-mapped input files. Inputs are never written: the mapping is PROT_READ, and
// the file is opened O_RDONLY. Kernels read straight from the mapping (no copy into the store);
// after a task has read a range it gives the pages back (MADV_DONTNEED) so a file bigger than RAM
// streams through with a bounded resident set, while the page cache keeps warm re-reads fast.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tessera {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws Error(FILE_NOT_FOUND, FILE_EMPTY, ...)
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  void will_need(size_t offset, size_t length) const;
  void release_pages(size_t offset, size_t length) const;

 private:
  std::string path_;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Files by id, shared by every thread; a path opened twice maps once.
class FileRegistry {
 public:
  static FileRegistry& instance();
  int open(const std::string& path);
  std::shared_ptr<MappedFile> get(int id) const;  // throws Error("FILE_NOT_OPEN")
  void close(int id);

 private:
  mutable std::mutex mu_;
  std::unordered_map<int, std::shared_ptr<MappedFile>> files_;
  std::unordered_map<std::string, int> by_path_;
  std::unordered_map<int, int> refs_;
  int next_id_ = 1;
};

}  // namespace tessera
