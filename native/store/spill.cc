#include "spill.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>
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

void write_all(int fd, const void* p, size_t n, const std::string& path) {
  const auto* b = static_cast<const uint8_t*>(p);
  while (n > 0) {
    const ssize_t w = ::write(fd, b, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int e = w < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(path.c_str());
      failed("cannot write", path, e);
    }
    b += w;
    n -= static_cast<size_t>(w);
  }
}

void read_all(int fd, void* p, size_t n, const std::string& path) {
  auto* b = static_cast<uint8_t*>(p);
  while (n > 0) {
    const ssize_t r = ::read(fd, b, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      const int e = errno;  // before close() may change it
      ::close(fd);
      if (r == 0) throw Error("SPILL_FAILED", "the spill file " + path + " is shorter than it was written", "something else changed the spill folder during the job");
      failed("cannot read", path, e);
    }
    b += r;
    n -= static_cast<size_t>(r);
  }
}

}  // namespace

uint64_t spill_chunk(uint64_t id, const std::string& path) {
  std::shared_ptr<Chunk> c = ChunkStore::instance().get(id);
  if (c->shape.size() > kMaxDims) throw Error("INTERNAL", "a chunk has too many dimensions to spill", "");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) failed("cannot create", path, errno);
  Header h;
  h.layout = static_cast<uint8_t>(c->layout);
  h.dtype = static_cast<uint8_t>(c->dtype);
  h.ndim = static_cast<uint8_t>(c->shape.size());
  h.nbytes = c->nbytes;
  write_all(fd, &h, sizeof h, path);
  write_all(fd, c->shape.data(), c->shape.size() * sizeof(int64_t), path);
  write_all(fd, c->data, c->nbytes, path);
  ::close(fd);
  return sizeof h + c->shape.size() * sizeof(int64_t) + c->nbytes;
}

uint64_t unspill_chunk(const std::string& path, int owner) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) failed("cannot open", path, errno);
  Header h;
  read_all(fd, &h, sizeof h, path);
  if (h.magic != kMagic || h.ndim > kMaxDims || h.layout > static_cast<uint8_t>(ChunkLayout::Table) || h.dtype > static_cast<uint8_t>(DType::Bool)) {
    ::close(fd);
    throw Error("SPILL_FAILED", "the spill file " + path + " is not one this process wrote", "something else changed the spill folder during the job");
  }
  std::vector<int64_t> shape(h.ndim);
  read_all(fd, shape.data(), shape.size() * sizeof(int64_t), path);
  std::shared_ptr<Chunk> c;
  try {
    c = ChunkStore::instance().allocate(static_cast<DType>(h.dtype), shape, owner);
  } catch (...) {
    ::close(fd);
    throw;
  }
  c->layout = static_cast<ChunkLayout>(h.layout);
  if (c->nbytes != h.nbytes) {
    ::close(fd);
    throw Error("SPILL_FAILED", "the spill file " + path + " does not hold what its header says", "something else changed the spill folder during the job");
  }
  read_all(fd, c->data, c->nbytes, path);
  ::close(fd);
  ::unlink(path.c_str());
  return ChunkStore::instance().publish(std::move(c));
}

void return_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace tessera
