#include "mapped_file.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
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
// A quarter of physical memory: the largest file whose pages stay mapped, and the idle mappings' budget.
size_t warm_budget() {
  static const size_t b = static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) / 4 * page_size();
  return b;
}
constexpr size_t kMaxIdle = 16;
// madvise wants page-aligned starts; round the range outwards.
void advise(const uint8_t* base, size_t total, size_t offset, size_t length, int advice) {
  if (!base || length == 0 || offset >= total) return;
  size_t start = offset / page_size() * page_size();
  size_t end = std::min(total, offset + length);
  madvise(const_cast<uint8_t*>(base) + start, end - start, advice);
}

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a folder";
  if (S_ISFIFO(m)) return "a named pipe (FIFO)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

FileStamp stamp_of(const struct stat& st) {
  return FileStamp{static_cast<int64_t>(st.st_size), static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<int64_t>(st.st_mtim.tv_nsec)};
}

bool same(const FileStamp& a, const FileStamp& b) {
  return a.size == b.size && a.mtime_sec == b.mtime_sec && a.mtime_nsec == b.mtime_nsec;
}

std::string describe_change(const FileStamp& was, const FileStamp& now) {
  if (now.size != was.size)
    return "its size went from " + std::to_string(was.size) + " to " + std::to_string(now.size) + " bytes";
  return "it was modified (its modification time changed)";
}
}  // namespace

int open_regular_file(const std::string& path, struct stat& st) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT)
      throw Error("FILE_NOT_FOUND", "no such file: " + path, "check the path; paths in a job spec are relative to the spec file");
    throw Error("FILE_UNREADABLE", "cannot open " + path + ": " + std::strerror(e), "check the file's permissions");
  }
  if (fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    throw Error("FILE_UNREADABLE", "cannot read " + path + ": " + std::strerror(e), "check the file's permissions");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error("NOT_A_FILE", path + " is " + kind_of(st.st_mode) + ", not a regular file", "give the path of a regular file");
  }
  return fd;
}

void throw_input_changed(const std::string& path, const std::string& what) {
  throw Error("INPUT_CHANGED", "the input file " + path + " changed while the job was using it: " + what,
              "something wrote to, truncated or replaced the file during the job; let it finish writing, then run the job again");
}

MappedFile::MappedFile(const std::string& path, const FileStamp& expect) : path_(path) {
  struct stat st;
  int fd = open_regular_file(path, st);
  stamp_ = stamp_of(st);
  dev_ = static_cast<uint64_t>(st.st_dev);
  ino_ = static_cast<uint64_t>(st.st_ino);
  if (expect.known() && !same(expect, stamp_)) {
    ::close(fd);
    throw_input_changed(path, describe_change(expect, stamp_) + " between planning the job and reading it");
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ > 0) {
    void* p = mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      throw Error("FILE_UNREADABLE", "cannot map " + path + ": " + std::strerror(e), "");
    }
    data_ = static_cast<uint8_t*>(p);
    madvise(data_, size_, MADV_SEQUENTIAL);
  }
  fd_ = fd;  // kept for check_unchanged()
}

MappedFile::~MappedFile() {
  if (data_) munmap(data_, size_);
  if (fd_ >= 0) ::close(fd_);
}

void MappedFile::check_unchanged() const {
  constexpr int64_t kCheckEveryNs = 1'000'000;
  const int64_t t = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (!changed_.load(std::memory_order_relaxed) && t < next_check_ns_.load(std::memory_order_relaxed)) return;
  next_check_ns_.store(t + kCheckEveryNs, std::memory_order_relaxed);
  struct stat st;
  if (fstat(fd_, &st) != 0) {
    changed_.store(true, std::memory_order_relaxed);
    throw_input_changed(path_, std::string("it can no longer be read: ") + std::strerror(errno));
  }
  FileStamp now = stamp_of(st);
  if (!same(now, stamp_)) {
    changed_.store(true, std::memory_order_relaxed);
    throw_input_changed(path_, describe_change(stamp_, now));
  }
}

void MappedFile::read_at(uint64_t offset, uint8_t* dst, size_t n) const {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd_, dst + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error("FILE_UNREADABLE", "cannot read " + path_ + ": " + std::strerror(errno), "");
    }
    if (r == 0) throw_input_changed(path_, "it is shorter than when the job was planned");
    done += static_cast<size_t>(r);
  }
}

void MappedFile::will_need(size_t offset, size_t length) const {
  advise(data_, size_, offset, length, MADV_WILLNEED);
}

void MappedFile::release_pages(size_t offset, size_t length) const {
  if (keeps_pages()) return;
  advise(data_, size_, offset, length, MADV_DONTNEED);
}

void MappedFile::keep_pages(bool keep) {
  keep_pages_.store(keep && size_ <= warm_budget(), std::memory_order_relaxed);
}

FileRegistry& FileRegistry::instance() {
  static FileRegistry r;
  return r;
}

int FileRegistry::open(const std::string& path, const FileStamp& expect, bool keep_pages) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_path_.find(path);
  if (it != by_path_.end()) {
    const MappedFile& f = *files_.at(it->second);
    // The mapping made for an earlier job serves this one only if the path still names the file
    // it maps (not one renamed over it) and that file is as planned.
    struct stat st;
    const bool reuse = ::stat(path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == f.device() &&
                       static_cast<uint64_t>(st.st_ino) == f.inode() && same(stamp_of(st), f.stamp()) &&
                       (!expect.known() || same(f.stamp(), expect));
    const int was = it->second;
    if (reuse) {
      if (refs_[was]++ == 0) take_off_idle(was);
      files_.at(was)->keep_pages(keep_pages);
      return was;
    }
    // An idle mapping of an older version of the file: nothing can reach it any more.
    if (refs_[was] == 0) forget(was);
  }
  auto f = std::make_shared<MappedFile>(path, expect);
  f->keep_pages(keep_pages);
  int id = next_id_++;
  files_[id] = f;
  by_path_[path] = id;  // an older mapping of this path stays until its last user closes it
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
  const MappedFile& f = *it->second;
  auto p = by_path_.find(f.path());
  const bool reachable = p != by_path_.end() && p->second == id;
  if (reachable && f.keeps_pages()) {
    idle_.push_front(id);
    idle_bytes_ += f.size();
    trim_idle();
    return;
  }
  forget(id);
}

void FileRegistry::take_off_idle(int id) {
  for (auto pos = idle_.begin(); pos != idle_.end(); ++pos)
    if (*pos == id) {
      idle_.erase(pos);
      idle_bytes_ -= files_.at(id)->size();
      return;
    }
}

void FileRegistry::forget(int id) {
  auto it = files_.find(id);
  if (it == files_.end()) return;
  take_off_idle(id);
  auto p = by_path_.find(it->second->path());
  if (p != by_path_.end() && p->second == id) by_path_.erase(p);
  files_.erase(it);  // unmaps, unless a task still holds the shared_ptr
  refs_.erase(id);
}

void FileRegistry::trim_idle() {
  while (!idle_.empty() && (idle_bytes_ > warm_budget() || idle_.size() > kMaxIdle)) forget(idle_.back());
}

}  // namespace tessera
