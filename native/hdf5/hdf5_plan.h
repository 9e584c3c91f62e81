// What an HDF5 file holds, read from its metadata only (plan time, on the calling thread): its
// datasets with their dtype, shape, storage layout, chunk shape and filter pipeline, and for one
// dataset the index of its stored chunks (file address, stored size, filter mask per chunk), so
// the read tasks need no HDF5 call: they decode chunks straight from the memory-mapped file
// (hdf5_chunks.h). ADR 0034.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::hdf5 {

// Filters the read tasks decode themselves; any other makes a dataset read through the library.
constexpr int kDeflate = 1;
constexpr int kShuffle = 2;

struct Dataset {
  std::string name;                 // its path in the file, "/group/xs"
  std::string dtype;                // a Tessera dtype name (a complex dataset's part type), or "" when it has none
  bool complex = false;             // h5py's complex: a compound of float "r" and "i", read as (re, im) pairs
  std::string type;                 // the file's type in words ("float16", "string", "compound", ...)
  bool big_endian = false;
  std::vector<int64_t> shape;
  std::string layout;               // "contiguous", "chunked", "compact" or "virtual"
  std::vector<int64_t> chunks;      // the chunk shape (chunked layout), else empty
  std::vector<int> filters;         // the pipeline's filter ids, in the order they were applied
  std::vector<std::string> filter_names;
  double data_offset = -1;          // contiguous and allocated: the data's file offset
  std::string fill = "0";           // the fill value of chunks never written, as decimal text (exact for 64-bit ints; a
                                    // complex one's when both parts are that, else "pair")
  int64_t stored_bytes = 0;         // bytes the data take in the file
  // What sends a dataset to the library's reader, or refuses it (hdf5.ts decides):
  bool packed = false;              // fewer bits of precision than its size (n-bit data)
  bool partial_unfiltered = false;  // edge chunks stored unfiltered (H5D_CHUNK_DONT_FILTER_PARTIAL_CHUNKS)
  bool external_storage = false;    // raw data in other files (H5Pset_external)
  std::string linked_file;          // reached through an external link: the file it lives in, else ""
  std::vector<std::string> missing_filters;  // filters this libhdf5 cannot apply (absent plugins)
  bool indexed = false;             // the chunk index was built (not for more than kMaxIndexedChunks chunks)
};

// Above this many chunks the index is not built (one library call per chunk, superlinear in
// 1.10): the dataset is read through the library instead.
constexpr size_t kMaxIndexedChunks = 8192;

// Every dataset in the file, in name order (groups walked recursively, links followed once).
std::vector<Dataset> list_datasets(const std::string& path);

// One dataset; with `chunk_index`, a chunked one's stored chunks in C order of its chunk grid,
// three numbers each: file address (-1 for a chunk never written), stored size, filter mask.
Dataset describe_dataset(const std::string& path, const std::string& name, std::vector<double>* chunk_index);

}  // namespace tessera::hdf5
