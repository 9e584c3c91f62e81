// The write kind: writes its chunk (dependency 0) into a declared .npy writer, as the box of
// `shape` at `offset` of the output (the output's region, which for a reshaped output is not the
// chunk's own shape). Produces no chunk.
//   fields: writer, offset (as a shape), shape
#include <limits>
#include <vector>

#include "../../io/npy_writer.h"
#include "../../store/chunk_store.h"
#include "../kind.h"

namespace tessera {

namespace {

struct WriteTask {
  int writer = 0;
  uint64_t chunk = 0;
  std::vector<int64_t> offset;
  std::vector<int64_t> shape;
};

WriteTask decode(Reader& r, int owner) {
  WriteTask t;
  t.writer = static_cast<int>(r.integer(0, std::numeric_limits<int>::max()));
  t.offset = r.shape();
  t.shape = r.shape();
  if (r.nids() < 1) Reader::bad("a write task needs its chunk");
  t.chunk = static_cast<uint64_t>(r.ids()[0]);
  return t;
}

TaskResult run(const WriteTask& t) {
  auto c = ChunkStore::instance().get_dense(t.chunk);
  WriterRegistry::instance().get(t.writer)->write_chunk(*c, t.offset, t.shape);
  TaskResult r;
  r.bytes_in = static_cast<int64_t>(c->nbytes);
  r.bytes_out = r.bytes_in;
  return r;
}

}  // namespace

extern const TaskKind kWriteKind = task_kind<WriteTask, decode, run>();

}  // namespace tessera
