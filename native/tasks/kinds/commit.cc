// The commit kind: the last task of an output, after all its writes; renames the writer's
// temporary file into place. Produces no chunk.
//   fields: writer
#include <limits>

#include "../../io/npy_writer.h"
#include "../kind.h"

namespace tessera {

namespace {

struct CommitTask {
  int writer = 0;
};

CommitTask decode(Reader& r, int owner) {
  CommitTask t;
  t.writer = static_cast<int>(r.integer(0, std::numeric_limits<int>::max()));
  return t;
}

TaskResult run(const CommitTask& t) {
  WriterRegistry::instance().get(t.writer)->commit();
  return TaskResult{};
}

}  // namespace

extern const TaskKind kCommitKind = task_kind<CommitTask, decode, run>();

}  // namespace tessera
