// The zarr_read kind: one chunk of a Zarr v2 array's region. Each stored chunk the region overlaps
// is its own file in the array's folder (key "i.j.k", or "i/j/k"); the task reads it whole,
// decodes it (zarr/zarr_codecs.h) and copies the overlap into its chunk. A chunk file that does
// not exist holds the fill value, as in zarr. Every task works alone: no library lock, no shared
// state (ADR 0035).
//   fields: folder, dtype, byteswap, codec, fill, separator (0 '.', 1 '/'), pairs, zarrChunk, offset, shape
// With pairs, the last axis (of 2) is each complex value's (re, im): the files are keyed by the others.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../../common/error.h"
#include "../../common/thread_scratch.h"
#include "../../io/chunk_boxes.h"
#include "../../io/read_file.h"
#include "../../zarr/zarr_codecs.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct ZarrReadTask {
  std::string folder;
  DType dtype = DType::F64;
  bool byteswap = false;
  zarr::Codec codec = zarr::Codec::None;
  std::string fill = "0";
  char separator = '.';
  bool pairs = false;
  std::vector<int64_t> zarr_chunk, offset, shape;
  int owner = 0;
};

ZarrReadTask decode(Reader& r, int owner) {
  ZarrReadTask t;
  t.owner = owner;
  t.folder = r.string_ref();
  t.dtype = r.dtype();
  t.byteswap = r.integer(0, 1) == 1;
  t.codec = static_cast<zarr::Codec>(r.integer(0, static_cast<int64_t>(zarr::Codec::Zstd)));
  t.fill = r.string_ref();
  t.separator = r.integer(0, 1) == 1 ? '/' : '.';
  t.pairs = r.integer(0, 1) == 1;
  t.zarr_chunk = r.shape();
  t.offset = r.shape();
  t.shape = r.shape();
  if (t.offset.size() != t.shape.size() || t.zarr_chunk.size() != t.shape.size()) Reader::bad("a zarr_read region and chunk shape differ in rank");
  for (int64_t c : t.zarr_chunk)
    if (c < 1) Reader::bad("a zarr_read chunk shape has an empty dimension");
  if (t.pairs && (t.zarr_chunk.empty() || t.zarr_chunk.back() != 2 || t.offset.back() != 0 || t.shape.back() != 2))
    Reader::bad("a zarr_read of complex pairs does not read them whole");
  return t;
}

// The file of the chunk at grid index `idx`, over its first `nd` axes.
std::string chunk_key(const std::vector<int64_t>& idx, size_t nd, char sep) {
  if (nd == 0) return "0";
  std::string key;
  for (size_t d = 0; d < nd; ++d) {
    if (d) key += sep;
    key += std::to_string(idx[d]);
  }
  return key;
}

// Whether a chunk's file exists (a chunk never written has none).
bool chunk_written(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  throw Error("FILE_UNREADABLE", "cannot read " + path + ": " + std::strerror(errno), "check the store's permissions");
}

TaskResult run(const ZarrReadTask& t) {
  auto out = ChunkStore::instance().allocate(t.dtype, t.shape, t.owner);
  const size_t nd = t.shape.size();
  const size_t elem = dtype_size(t.dtype);
  const size_t n = static_cast<size_t>(out->size());
  size_t chunk_elems = 1;
  for (int64_t c : t.zarr_chunk) chunk_elems *= static_cast<size_t>(c);
  const size_t want = chunk_elems * elem;
  // The stored chunks the region overlaps, by their grid index.
  struct Part {
    std::string path;
    std::vector<int64_t> origin;
  };
  std::vector<Part> parts;
  bool missing = false;
  if (n > 0) {
    std::vector<int64_t> lo(nd), hi(nd);
    for (size_t d = 0; d < nd; ++d) {
      lo[d] = t.offset[d] / t.zarr_chunk[d];
      hi[d] = (t.offset[d] + t.shape[d] - 1) / t.zarr_chunk[d];
    }
    std::vector<int64_t> idx = lo;
    for (;;) {
      Part p{t.folder + "/" + chunk_key(idx, nd - (t.pairs ? 1 : 0), t.separator), std::vector<int64_t>(nd)};
      for (size_t d = 0; d < nd; ++d) p.origin[d] = idx[d] * t.zarr_chunk[d];
      if (chunk_written(p.path)) parts.push_back(std::move(p));
      else missing = true;
      size_t d = nd;
      while (d > 0 && ++idx[d - 1] > hi[d - 1]) { idx[d - 1] = lo[d - 1]; --d; }
      if (d == 0) break;
    }
  }
  if (missing) fill_elements(out->data, n, static_cast<int>(t.dtype), t.fill);
  struct DecodedTag {};
  struct StoredTag {};
  int64_t bytes_in = 0;
  for (const Part& p : parts) {
    ReadOnlyFile f(p.path);
    const size_t size = static_cast<size_t>(f.size());
    uint8_t* stored = thread_scratch<uint8_t, StoredTag>(size);
    f.read_at(0, stored, size);
    // A chunk that is one run of the region (whole rows of it), in native byte order, decodes
    // straight into the output; any other is decoded aside and its overlap copied.
    const int64_t at = t.byteswap ? -1 : contiguous_offset(p.origin, t.zarr_chunk, t.offset, t.shape);
    uint8_t* decoded = at >= 0 ? out->data + static_cast<size_t>(at) * elem : thread_scratch<uint8_t, DecodedTag>(want);
    zarr::decode_chunk(t.codec, stored, size, decoded, want, p.path);
    if (at < 0) copy_overlap(decoded, p.origin, t.zarr_chunk, out->data, t.offset, t.shape, elem, t.byteswap);
    bytes_in += static_cast<int64_t>(size);
  }
  return publish_result(out, bytes_in);
}

}  // namespace

extern const TaskKind kZarrReadKind = task_kind<ZarrReadTask, decode, run>();

}  // namespace tessera
