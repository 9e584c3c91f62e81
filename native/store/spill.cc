#include "spill.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <malloc.h>
#include <memory>
#include <mutex>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#include "../common/error.h"
#include "chunk_store.h"

namespace tessera {

namespace {

constexpr uint64_t kMagic = 0x314c4c4950535354ull;  // "TSSPILL1"
constexpr size_t kMaxDims = 64;

struct Header {
  uint64_t magic = kMagic;
  uint8_t layout = 0, dtype = 0, ndim = 0, pad = 0;
  uint32_t reserved = 0;
  uint64_t nbytes = 0;
};

[[noreturn]] void failed(const std::string& what, const std::string& path, int e) {
  if (e == ENOSPC || e == EDQUOT)
    throw Error("DISK_FULL", what + " the spill file " + path + ": " + std::strerror(e),
                "free space on that disk, give the job a higher --memory-limit, or spill elsewhere (TESSERA_SPILL_DIR)");
  throw Error("SPILL_FAILED", what + " the spill file " + path + ": " + std::strerror(e),
              "check that the spill folder (TESSERA_SPILL_DIR, else the system's temporary folder) is writable");
}

[[noreturn]] void changed(const std::string& path, const std::string& how) {
  throw Error("SPILL_FAILED", "the spill file " + path + " " + how, "something else changed the spill folder during the job");
}

class SpillFile {
 public:
  explicit SpillFile(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0) failed("cannot create", path_, errno);
  }
  ~SpillFile() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }

  uint64_t append(const Chunk& c) {
    if (c.shape.size() > kMaxDims) throw Error("INTERNAL", "a chunk has too many dimensions to spill", "");
    Header h;
    h.layout = static_cast<uint8_t>(c.layout);
    h.dtype = static_cast<uint8_t>(c.dtype);
    h.ndim = static_cast<uint8_t>(c.shape.size());
    h.nbytes = c.nbytes;
    const uint64_t at = end_;
    const size_t shape_bytes = c.shape.size() * sizeof(int64_t);
    write_at(at, &h, sizeof h);
    write_at(at + sizeof h, c.shape.data(), shape_bytes);
    write_at(at + sizeof h + shape_bytes, c.data, c.nbytes);
    const uint64_t length = sizeof h + shape_bytes + c.nbytes;
    end_ += length;
    regions_[at] = length;
    return at;
  }

  uint64_t read_back(uint64_t at, int owner) {
    const uint64_t length = region(at);
    Header h;
    read_at(at, &h, sizeof h);
    if (h.magic != kMagic || h.ndim > kMaxDims || h.layout > static_cast<uint8_t>(ChunkLayout::Table) || h.dtype > static_cast<uint8_t>(DType::Bool))
      changed(path_, "holds a chunk this process did not write");
    std::vector<int64_t> shape(h.ndim);
    read_at(at + sizeof h, shape.data(), shape.size() * sizeof(int64_t));
    std::shared_ptr<Chunk> c = ChunkStore::instance().allocate(static_cast<DType>(h.dtype), shape, owner);
    c->layout = static_cast<ChunkLayout>(h.layout);
    if (c->nbytes != h.nbytes || sizeof h + shape.size() * sizeof(int64_t) + c->nbytes != length) changed(path_, "does not hold what a chunk's header says");
    read_at(at + sizeof h + shape.size() * sizeof(int64_t), c->data, c->nbytes);
    drop(at);
    return ChunkStore::instance().publish(std::move(c));
  }

  // A region no longer needed: a hole where it was (the file keeps its size), and once no region
  // is left the file starts again from empty (which also frees the disk where a file system
  // cannot punch holes).
  void drop(uint64_t at) {
    const uint64_t length = region(at);
    regions_.erase(at);
    if (regions_.empty() && ::ftruncate(fd_, 0) == 0) {
      end_ = 0;
      return;
    }
    ::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(at), static_cast<off_t>(length));
  }

 private:
  uint64_t region(uint64_t at) const {
    const auto it = regions_.find(at);
    if (it == regions_.end()) throw Error("INTERNAL", "no spilled chunk at offset " + std::to_string(at) + " of " + path_, "this is a scheduler bug, please report it");
    return it->second;
  }

  void write_at(uint64_t at, const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    while (n > 0) {
      const ssize_t w = ::pwrite(fd_, b, n, static_cast<off_t>(at));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) failed("cannot write", path_, w < 0 ? errno : EIO);
      b += w;
      at += static_cast<uint64_t>(w);
      n -= static_cast<size_t>(w);
    }
  }

  void read_at(uint64_t at, void* p, size_t n) {
    auto* b = static_cast<uint8_t*>(p);
    while (n > 0) {
      const ssize_t r = ::pread(fd_, b, n, static_cast<off_t>(at));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) changed(path_, "is shorter than it was written");
      if (r < 0) failed("cannot read", path_, errno);
      b += r;
      at += static_cast<uint64_t>(r);
      n -= static_cast<size_t>(r);
    }
  }

  std::string path_;
  int fd_ = -1;
  uint64_t end_ = 0;
  std::unordered_map<uint64_t, uint64_t> regions_;  // offset -> length of each chunk spilled and not yet read back or dropped
};

// The open spill files by handle (the scheduler's thread calls these; the lock is for safety).
std::mutex files_mutex;
std::unordered_map<int, std::unique_ptr<SpillFile>> files;
int next_handle = 1;

SpillFile& file_of(int handle) {
  const auto it = files.find(handle);
  if (it == files.end()) throw Error("INTERNAL", "spill file " + std::to_string(handle) + " is not open", "this is a scheduler bug, please report it");
  return *it->second;
}

}  // namespace

int open_spill_file(const std::string& path) {
  auto f = std::make_unique<SpillFile>(path);
  std::lock_guard<std::mutex> lock(files_mutex);
  const int handle = next_handle++;
  files.emplace(handle, std::move(f));
  return handle;
}

uint64_t spill_chunk(int file, uint64_t id) {
  std::shared_ptr<Chunk> c = ChunkStore::instance().get(id);
  std::lock_guard<std::mutex> lock(files_mutex);
  return file_of(file).append(*c);
}

uint64_t unspill_chunk(int file, uint64_t offset, int owner) {
  std::lock_guard<std::mutex> lock(files_mutex);
  return file_of(file).read_back(offset, owner);
}

void drop_spilled(int file, uint64_t offset) {
  std::lock_guard<std::mutex> lock(files_mutex);
  file_of(file).drop(offset);
}

void close_spill_file(int file) {
  std::lock_guard<std::mutex> lock(files_mutex);
  files.erase(file);
}

void return_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace tessera
