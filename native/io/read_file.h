// Reading a file with pread, for the planner's look at it (the CSV sniffer's sample, the row-start
// scan): no mapping, so a file that shrinks while it is read gives a short read (INPUT_CHANGED),
// never a SIGBUS. Opened like MappedFile: read-only, non-blocking (a FIFO never blocks the thread),
// and anything but a regular file is refused with NOT_A_FILE.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace tessera {

class ReadOnlyFile {
 public:
  // Throws Error(FILE_NOT_FOUND, FILE_UNREADABLE, NOT_A_FILE).
  explicit ReadOnlyFile(const std::string& path);
  ~ReadOnlyFile();
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Reads exactly n bytes at offset into out; a short read (the file shrank) is INPUT_CHANGED.
  void read_at(uint64_t offset, uint8_t* out, size_t n) const;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace tessera
