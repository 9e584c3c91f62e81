#include "zarr_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "../common/error.h"
#include "../common/thread_scratch.h"
#include "../io/chunk_boxes.h"
#include "../io/output_file.h"
#include "zarr_codecs.h"

namespace tessera::zarr {

namespace {

// zarr's dtype strings for this machine's (little-endian) byte order.
const char* zarr_dtype(DType d) {
  switch (d) {
    case DType::F64: return "<f8";
    case DType::F32: return "<f4";
    case DType::I64: return "<i8";
    case DType::I32: return "<i4";
    case DType::I16: return "<i2";
    case DType::I8: return "|i1";
    case DType::U64: return "<u8";
    case DType::U32: return "<u4";
    case DType::U16: return "<u2";
    case DType::U8: return "|u1";
    case DType::Bool: return "|b1";
  }
  return "";
}

std::string json_ints(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// Writes a whole file (created, truncated); DISK_FULL or WRITE_FAILED naming `path`.
void write_file(const std::string& path, const uint8_t* p, size_t n) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) OutputFile::fail("cannot create", path, errno);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      const int e = w < 0 ? errno : EIO;
      ::close(fd);
      OutputFile::fail("cannot write", path, e);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  if (::close(fd) != 0) OutputFile::fail("cannot write", path, errno);
}

void write_text(const std::string& path, const std::string& text) { write_file(path, reinterpret_cast<const uint8_t*>(text.data()), text.size()); }

}  // namespace

ZarrOutput::ZarrOutput(std::string final_path) : final_path_(std::move(final_path)), temp_path_(OutputFile::temp_name(final_path_)) {}

ZarrOutput::~ZarrOutput() { abort(); }

int ZarrOutput::add(const std::string& name, DType dtype, const std::vector<int64_t>& shape, const std::vector<int64_t>& chunks, bool complex) {
  std::lock_guard<std::mutex> lock(mu_);
  if (opened_ || done_) throw Error("INTERNAL", "an array was declared after " + final_path_ + " was opened", "this is a bug, please report it");
  if (chunks.size() != shape.size()) throw Error("INTERNAL", "a Zarr array's chunks do not match its shape", "this is a bug, please report it");
  for (const auto& d : datasets_)
    if (d.name == name) throw Error("BAD_SPEC", final_path_ + ": two outputs are written to the array " + name, "give each output its own name");
  std::vector<int64_t> c(chunks.size());
  for (size_t i = 0; i < c.size(); ++i) c[i] = std::max<int64_t>(1, chunks[i]);
  if (complex && (shape.empty() || shape.back() != 2 || c.back() != 2 || (dtype != DType::F64 && dtype != DType::F32)))
    throw Error("INTERNAL", "a complex Zarr array is not (re, im) float pairs", "this is a bug, please report it");
  datasets_.push_back({name, dtype, shape, c, complex});
  return static_cast<int>(datasets_.size()) - 1;
}

void ZarrOutput::open_locked() {
  if (opened_) return;
  if (done_) throw Error("WRITE_FAILED", "the output " + final_path_ + " was already closed or failed", "");
  if (::mkdir(temp_path_.c_str(), 0755) != 0) OutputFile::fail("cannot create", temp_path_, errno);
  opened_ = true;
  write_text(temp_path_ + "/.zgroup", "{\n    \"zarr_format\": 2\n}\n");
  for (const auto& d : datasets_) {
    const std::string dir = temp_path_ + "/" + d.name;
    if (::mkdir(dir.c_str(), 0755) != 0) OutputFile::fail("cannot create", dir, errno);
    const bool is_bool = d.dtype == DType::Bool;
    // A complex array's pairs axis is its dtype's: the metadata name the other axes.
    const size_t nd = d.shape.size() - (d.complex ? 1 : 0);
    const std::vector<int64_t> shape(d.shape.begin(), d.shape.begin() + nd), chunks(d.chunks.begin(), d.chunks.begin() + nd);
    const std::string dtype = d.complex ? (d.dtype == DType::F64 ? "<c16" : "<c8") : zarr_dtype(d.dtype);
    write_text(dir + "/.zarray",
               "{\n    \"chunks\": " + json_ints(chunks) +
                   ",\n    \"compressor\": {\"blocksize\": 0, \"clevel\": 5, \"cname\": \"lz4\", \"id\": \"blosc\", \"shuffle\": 1},\n"
                   "    \"dimension_separator\": \".\",\n    \"dtype\": \"" + dtype + "\",\n    \"fill_value\": " +
                   (is_bool ? "false" : d.complex ? "[0.0, 0.0]" : "0") + ",\n    \"filters\": null,\n    \"order\": \"C\",\n    \"shape\": " + json_ints(shape) +
                   ",\n    \"zarr_format\": 2\n}\n");
  }
}

std::string ZarrOutput::open() {
  std::lock_guard<std::mutex> lock(mu_);
  open_locked();
  return temp_path_;
}

void ZarrOutput::write(int k, const Chunk& chunk, const std::vector<int64_t>& offset, const std::vector<int64_t>& box) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_locked();
  }
  if (k < 0 || static_cast<size_t>(k) >= datasets_.size()) throw Error("INTERNAL", "a Zarr output has no array " + std::to_string(k), "this is a bug");
  const Declared& d = datasets_[static_cast<size_t>(k)];
  const size_t nd = d.shape.size();
  bool fits = box.size() == nd && offset.size() == nd && chunk.dtype == d.dtype;
  int64_t count = 1;
  std::string key;
  for (size_t i = 0; fits && i < nd; ++i) {
    // One whole chunk of the grid: at a multiple of the chunk size, as long as the chunk (or the rest of the array).
    fits = offset[i] >= 0 && offset[i] % d.chunks[i] == 0 && box[i] == std::min(d.chunks[i], d.shape[i] - offset[i]);
    count *= box[i];
    if (!(d.complex && i == nd - 1)) key += (i ? "." : "") + std::to_string(fits ? offset[i] / d.chunks[i] : 0);
  }
  if (!fits || count != chunk.size()) throw Error("INTERNAL", "a chunk does not fit the Zarr grid it is written to", "this is a bug, please report it");
  if (count == 0) return;
  if (nd - (d.complex ? 1 : 0) == 0) key = "0";
  const size_t elem = dtype_size(d.dtype);
  size_t full = elem;
  for (int64_t c : d.chunks) full *= static_cast<size_t>(c);
  // An edge chunk is stored whole in zarr: the part past the array's edge holds the fill value (0).
  const uint8_t* bytes = chunk.data;
  if (static_cast<size_t>(count) * elem != full) {
    struct PaddedTag {};
    uint8_t* padded = thread_scratch<uint8_t, PaddedTag>(full);
    std::memset(padded, 0, full);
    copy_overlap(chunk.data, offset, box, padded, offset, d.chunks, elem, false);
    bytes = padded;
  }
  thread_local std::vector<uint8_t> compressed;
  encode_blosc(bytes, full, d.complex ? 2 * elem : elem, &compressed);  // blosc's typesize: the value's (a complex one's pair)
  write_file(temp_path_ + "/" + d.name + "/" + key, compressed.data(), compressed.size());
}

void ZarrOutput::commit(int k) {
  std::lock_guard<std::mutex> lock(mu_);
  open_locked();  // an output of empty arrays still gets its store
  datasets_.at(static_cast<size_t>(k)).committed = true;
  for (const auto& d : datasets_)
    if (!d.committed) return;
  // A store already under the final name is moved aside, replaced, then removed.
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool existed = fs::exists(final_path_, ec);
  const std::string old = OutputFile::temp_name(final_path_);
  if (existed && std::rename(final_path_.c_str(), old.c_str()) != 0) {
    const int e = errno;
    fs::remove_all(temp_path_, ec);
    done_ = true;
    OutputFile::fail("cannot replace", final_path_, e);
  }
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    const int e = errno;
    if (existed) std::rename(old.c_str(), final_path_.c_str());
    fs::remove_all(temp_path_, ec);
    done_ = true;
    OutputFile::fail("cannot rename the finished output into", final_path_, e);
  }
  if (existed) fs::remove_all(old, ec);
  done_ = true;
}

void ZarrOutput::abort() {
  std::lock_guard<std::mutex> lock(mu_);
  if (done_) return;
  std::error_code ec;
  if (opened_) std::filesystem::remove_all(temp_path_, ec);
  done_ = true;
}

}  // namespace tessera::zarr
