// The copy kind: a new chunk with the same layout, dtype, shape and bytes as its one input
// (dependency 0), owned by the task's owner. The smallest kind there is: it shows what a kind
// touches (this module and one line in tasks/registry.cc), and it works for bytes chunks too.
//   fields: none
#include <cstring>

#include "../../store/chunk_store.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

struct CopyTask {
  uint64_t chunk = 0;
  int owner = 0;
};

CopyTask decode(Reader& r, int owner) {
  if (r.nids() < 1) Reader::bad("a copy task needs its chunk");
  CopyTask t;
  t.chunk = static_cast<uint64_t>(r.ids()[0]);
  t.owner = owner;
  return t;
}

TaskResult run(const CopyTask& t) {
  auto in = ChunkStore::instance().get(t.chunk);
  auto out = ChunkStore::instance().allocate_like(*in, t.owner);
  if (in->nbytes) std::memcpy(out->data, in->data, in->nbytes);
  return publish_result(out, static_cast<int64_t>(in->nbytes));
}

}  // namespace

extern const TaskKind kCopyKind = task_kind<CopyTask, decode, run>();

}  // namespace tessera
