// Outputs that several array outputs of a job write into, one array each: an HDF5 file
// (hdf5/hdf5_writer.h), a Zarr store (zarr/zarr_writer.h). One Store object per final path while
// any of its writers lives; each output's writer (WriterRegistry) names its array in it. A Store
// has Store(final_path), add(name, dtype, shape, chunks, complex) -> k, write(k, ...), commit(k), abort()
// and open().
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "array_writer.h"

namespace tessera {

// The Store being written at `final_path`, made on first use.
template <class Store> std::shared_ptr<Store> shared_store(const std::string& final_path) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<Store>> live;
  std::lock_guard<std::mutex> lock(mu);
  for (auto it = live.begin(); it != live.end();) it = it->second.expired() ? live.erase(it) : std::next(it);
  if (auto s = live[final_path].lock()) return s;
  auto made = std::make_shared<Store>(final_path);
  live[final_path] = made;
  return made;
}

// One output's writer: its array `k` of a shared Store.
template <class Store> class StoreArrayWriter : public ArrayWriter {
 public:
  StoreArrayWriter(std::shared_ptr<Store> store, int k) : store_(std::move(store)), k_(k) {}
  void write_chunk(const Chunk& chunk, const std::vector<int64_t>& offset, const std::vector<int64_t>& shape) override {
    store_->write(k_, chunk, offset, shape);
  }
  void commit() override { store_->commit(k_); }
  void abort() override { store_->abort(); }
  std::string open() override { return store_->open(); }

 private:
  std::shared_ptr<Store> store_;
  int k_;
};

// Declares array `name` of the Store at `final_path` and registers its writer: returns the
// writer's id, which the write and commit tasks name.
template <class Store>
int declare_store_writer(const std::string& final_path, const std::string& name, DType dtype, const std::vector<int64_t>& shape,
                         const std::vector<int64_t>& chunks, bool complex = false) {
  auto store = shared_store<Store>(final_path);
  const int k = store->add(name, dtype, shape, chunks, complex);
  return WriterRegistry::instance().add(std::make_shared<StoreArrayWriter<Store>>(std::move(store), k));
}

}  // namespace tessera
