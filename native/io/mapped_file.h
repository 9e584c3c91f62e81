// Read-only memory-mapped input files. Inputs are never written: the mapping is PROT_READ, and
// the file is opened O_RDONLY (and O_NONBLOCK, so a FIFO or a device can never block the thread
// that opens it: anything but a regular file is refused with NOT_A_FILE). Kernels read straight
// from the mapping (no copy into the store). An empty file is not mapped (mmap of 0 bytes fails):
// it holds only zero-element arrays, and data() is null.
//
// Pages: a mapping either keeps the pages its tasks touched (warm: a later task or job reads them
// with no fault) or gives them back after each task (MADV_DONTNEED), so that a file bigger than
// the memory limit or than RAM streams through with a bounded resident set. The job that opens a
// file decides (keep_pages, from its memory limit and the file sizes), and a file larger than a
// quarter of physical memory never keeps them. Mapping a page of the page cache costs a fault:
// ~4 us per 4 KiB on a virtual machine, a sum over a cold mapping ran at 1 GB/s per thread and
// over a warm one at 17 GB/s.
//
// A mapping that keeps its pages also outlives its last job (idle, up to a quarter of physical
// memory in all, least recently used first out), for the next job over the same unchanged file.
//
// A file that changes under a job: each mapping keeps its descriptor and the size and mtime it
// was opened with; check_unchanged() (before a task reads) throws INPUT_CHANGED when they differ.
// It calls fstat at most once a millisecond per file (an fstat costs ~3 us on the CI machine, as
// much as reading 30 KB): a task that starts within that millisecond of a change is caught by
// the next check, by the job's own check of its inputs when it ends (engine.ts), or, if the file
// shrank under its reads, by mapped_guard.h, which reports the fault as INPUT_CHANGED too.
#pragma once
#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <sys/stat.h>

namespace tessera {

// What a job planned with: the file's size and modification time (-1: not known, not checked).
struct FileStamp {
  int64_t size = -1;
  int64_t mtime_sec = -1;
  int64_t mtime_nsec = -1;
  bool known() const { return size >= 0; }
};

class MappedFile {
 public:
  // Throws Error(FILE_NOT_FOUND, FILE_UNREADABLE, NOT_A_FILE, INPUT_CHANGED when `expect` is
  // known and the file differs from it).
  MappedFile(const std::string& path, const FileStamp& expect);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  const FileStamp& stamp() const { return stamp_; }
  uint64_t device() const { return dev_; }
  uint64_t inode() const { return ino_; }
  // Throws INPUT_CHANGED if the file's size or mtime is no longer what it was mapped with.
  void check_unchanged() const;
  // Copies n bytes at offset into dst with pread on the mapped file's descriptor: for a reader that
  // copies its input anyway (the CSV reader), this skips a page fault per 4 KiB of the mapping, and
  // a file that shrank gives a short read (INPUT_CHANGED), never a SIGBUS.
  void read_at(uint64_t offset, uint8_t* dst, size_t n) const;
  void will_need(size_t offset, size_t length) const;
  // Gives back the pages of a range a task has read, unless the mapping keeps them (above).
  void release_pages(size_t offset, size_t length) const;
  bool keeps_pages() const { return keep_pages_.load(std::memory_order_relaxed); }
  // The latest job to open the file decides; a file over a quarter of physical memory never keeps them.
  void keep_pages(bool keep);

 private:
  std::string path_;
  int fd_ = -1;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  FileStamp stamp_;
  uint64_t dev_ = 0, ino_ = 0;
  mutable std::atomic<int64_t> next_check_ns_{0};  // steady clock: no fstat before this
  mutable std::atomic<bool> changed_{false};       // once seen changed, every later check throws
  std::atomic<bool> keep_pages_{false};
};

// Opens a regular file read-only and non-blocking and fills `st`; the caller closes the
// descriptor. Throws Error(FILE_NOT_FOUND, FILE_UNREADABLE, NOT_A_FILE).
int open_regular_file(const std::string& path, struct stat& st);

// The INPUT_CHANGED error for `path`, with `what` saying how it changed.
[[noreturn]] void throw_input_changed(const std::string& path, const std::string& what);

// Files by id, shared by every thread; a path opened twice maps once, as long as it is the same
// file with the same size and mtime (a file replaced or rewritten since gets a mapping of its own).
// A mapping that keeps its pages stays after its last close, idle, until a later open reuses it or
// the idle ones exceed their budget (a quarter of physical memory) or count.
class FileRegistry {
 public:
  static FileRegistry& instance();
  int open(const std::string& path, const FileStamp& expect = FileStamp{}, bool keep_pages = false);
  std::shared_ptr<MappedFile> get(int id) const;  // throws Error("FILE_NOT_OPEN")
  void close(int id);

 private:
  void take_off_idle(int id);  // with mu_ held: out of idle_ and idle_bytes_, if it is there
  void forget(int id);      // with mu_ held: drops a mapping (idle or not) from every table
  void trim_idle();         // with mu_ held
  mutable std::mutex mu_;
  std::unordered_map<int, std::shared_ptr<MappedFile>> files_;
  std::unordered_map<std::string, int> by_path_;
  std::unordered_map<int, int> refs_;
  std::list<int> idle_;  // most recently closed first
  size_t idle_bytes_ = 0;
  int next_id_ = 1;
};

}  // namespace tessera
