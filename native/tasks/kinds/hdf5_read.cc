// The hdf5_read kind: one chunk of an HDF5 dataset's region, read without taking the HDF5
// library's lock where it can. The planner looked up every stored chunk the region overlaps
// (hdf5/hdf5_plan.h: file address, stored size, filter mask); this task decodes each straight
// from the memory-mapped file (deflate and shuffle: hdf5/hdf5_chunks.h), in parallel with the
// other workers, and copies the overlap into its chunk. A dataset whose pipeline holds any other
// filter (szip, fletcher32, nbit, ...) or that is stored compact is read with H5Dread instead,
// which the thread-safe library serialises (ADR 0034).
//   fields: file, path, dataset, dtype, byteswap, library, pairs, fill, filters, fileChunk, offset,
//           shape, [n, (address, size, mask, ...origin) * n]
// With pairs, the dataset is complex (h5py's compound of "r" and "i") and its values are read as
// (re, im) pairs of `dtype` along a last axis of 2 in fileChunk, offset, shape and the origins.
#include <hdf5.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

#include "../../common/error.h"
#include "../../common/thread_scratch.h"
#include "../../hdf5/hdf5_chunks.h"
#include "../../io/chunk_boxes.h"
#include "../../hdf5/hdf5_handle.h"
#include "../../io/mapped_file.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct StoredChunk {
  double address = -1;  // -1: never written (the fill value)
  size_t size = 0;
  unsigned mask = 0;
  std::vector<int64_t> origin;
};

struct Hdf5ReadTask {
  int file = 0;
  std::string path, dataset;
  DType dtype = DType::F64;
  bool byteswap = false;
  bool library = false;
  bool pairs = false;
  std::string fill = "0";
  std::vector<int> filters;
  std::vector<int64_t> file_chunk, offset, shape;
  std::vector<StoredChunk> chunks;
  int owner = 0;
};

Hdf5ReadTask decode(Reader& r, int owner) {
  Hdf5ReadTask t;
  t.owner = owner;
  t.file = r.file_ref();
  t.path = r.string_ref();
  t.dataset = r.string_ref();
  t.dtype = r.dtype();
  t.byteswap = r.integer(0, 1) == 1;
  t.library = r.integer(0, 1) == 1;
  t.pairs = r.integer(0, 1) == 1;
  t.fill = r.string_ref();
  for (int64_t id : r.ints(r.count(32))) t.filters.push_back(static_cast<int>(id));
  t.file_chunk = r.shape();
  t.offset = r.shape();
  t.shape = r.shape();
  const size_t nd = t.shape.size();
  if (t.offset.size() != nd || (!t.library && t.file_chunk.size() != nd)) Reader::bad("an hdf5_read region and chunk shape differ in rank");
  for (int64_t c : t.file_chunk)
    if (c < 1) Reader::bad("an hdf5_read chunk shape has an empty dimension");
  if (t.pairs && (nd == 0 || t.shape.back() != 2 || t.offset.back() != 0 || (!t.library && t.file_chunk.back() != 2) ||
                  (t.dtype != DType::F64 && t.dtype != DType::F32)))
    Reader::bad("an hdf5_read of complex pairs does not read them whole");
  const size_t n = r.count();
  t.chunks.resize(n);
  for (auto& c : t.chunks) {
    c.address = static_cast<double>(r.integer(-1));
    c.size = static_cast<size_t>(r.integer(0));
    c.mask = static_cast<unsigned>(r.integer(0, std::numeric_limits<uint32_t>::max()));
    c.origin = r.ints(nd);
  }
  return t;
}

std::string join_ints(const std::vector<int64_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s;
}

// The chunks' bytes decoded from the mapping, each chunk's overlap copied into `out`.
int64_t read_decoded(const Hdf5ReadTask& t, uint8_t* out) {
  auto file = FileRegistry::instance().get(t.file);
  const size_t elem = dtype_size(t.dtype);
  size_t chunk_elems = 1;
  for (int64_t c : t.file_chunk) chunk_elems *= static_cast<size_t>(c);
  const size_t want = chunk_elems * elem;
  struct DecodedTag {};
  struct ScratchTag {};
  int64_t bytes_in = 0;
  for (const auto& c : t.chunks) {
    if (c.address < 0) continue;  // filled below
    const uint64_t at = static_cast<uint64_t>(c.address);
    if (at > file->size() || c.size > file->size() - at)
      throw Error("HDF5_CORRUPT", t.path + ": a chunk of " + t.dataset + " lies past the end of the file",
                  "the file was cut short; write it again");
    // A chunk that is one run of the region (whole rows of it), in native byte order, decodes
    // straight into the output; any other is decoded aside and its overlap copied.
    const int64_t run_at = t.byteswap ? -1 : contiguous_offset(c.origin, t.file_chunk, t.offset, t.shape);
    const bool whole = run_at >= 0;
    uint8_t* decoded = whole ? out + static_cast<size_t>(run_at) * elem : thread_scratch<uint8_t, DecodedTag>(want);
    const std::string what = t.path + ": a chunk of " + t.dataset + " at (" + join_ints(c.origin) + ")";
    // The shuffle filter shuffles whole values: a complex one's pair.
    hdf5::decode_chunk(file->data() + at, c.size, t.filters, c.mask, t.pairs ? 2 * elem : elem, decoded, want,
                       thread_scratch<uint8_t, ScratchTag>(want), what.c_str());
    if (!whole) copy_overlap(decoded, c.origin, t.file_chunk, out, t.offset, t.shape, elem, t.byteswap);
    file->release_pages(static_cast<size_t>(at), c.size);
    bytes_in += static_cast<int64_t>(c.size);
  }
  return bytes_in;
}

// The region through H5Dread (the library converts byte order and undoes every filter it has).
void read_by_library(const Hdf5ReadTask& t, uint8_t* out) {
  hdf5::Handle f = hdf5::open_file(t.path);
  hdf5::Handle ds = hdf5::open_dataset(f, t.path, t.dataset);
  // Into the Tessera dtype's own type (a complex dataset's pairs: h5py's compound of native
  // floats): the library converts byte order and any packed precision.
  hdf5::Handle mtype(hdf5::check(t.pairs ? hdf5::complex_type(static_cast<int>(t.dtype), false) : hdf5::memory_type(static_cast<int>(t.dtype)),
                                 "HDF5_UNREADABLE", t.path + ": the type of " + t.dataset), H5Tclose);
  const int nd = static_cast<int>(t.shape.size()) - (t.pairs ? 1 : 0);
  hdf5::Handle fspace(hdf5::check(H5Dget_space(ds), "HDF5_UNREADABLE", t.path + ": the shape of " + t.dataset), H5Sclose);
  hid_t mspace_id;
  if (nd == 0) {
    mspace_id = H5Screate(H5S_SCALAR);
  } else {
    std::vector<hsize_t> start(t.offset.begin(), t.offset.begin() + nd), count(t.shape.begin(), t.shape.begin() + nd);
    hdf5::check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "HDF5_UNREADABLE",
                t.path + ": a region of " + t.dataset);
    mspace_id = H5Screate_simple(nd, count.data(), nullptr);
  }
  hdf5::Handle mspace(hdf5::check(mspace_id, "OUT_OF_MEMORY", "a memory space for " + t.dataset), H5Sclose);
  hdf5::check(H5Dread(ds, mtype, mspace, fspace, H5P_DEFAULT, out), "HDF5_UNREADABLE", t.path + ": reading " + t.dataset,
              "the file may be damaged, or use a filter this HDF5 library lacks (a plugin such as blosc or lzf)");
}

TaskResult run(const Hdf5ReadTask& t) {
  hdf5::quiet();
  auto out = ChunkStore::instance().allocate(t.dtype, t.shape, t.owner);
  uint8_t* bytes = out->data;
  const size_t n = static_cast<size_t>(out->size());
  int64_t bytes_in = 0;
  if (t.library) {
    read_by_library(t, bytes);
    bytes_in = static_cast<int64_t>(out->nbytes);
  } else {
    // Chunks never written hold the fill value; every other element is overwritten below.
    if (std::any_of(t.chunks.begin(), t.chunks.end(), [](const StoredChunk& c) { return c.address < 0; }) || t.chunks.empty())
      fill_elements(bytes, n, static_cast<int>(t.dtype), t.fill);
    bytes_in = read_decoded(t, bytes);
  }
  return publish_result(out, bytes_in);
}

}  // namespace

extern const TaskKind kHdf5ReadKind = task_kind<Hdf5ReadTask, decode, run>();

}  // namespace tessera
