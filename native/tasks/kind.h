// What a task kind is to the registry: a decoder and a runner, split so a task can be checked
// without being run (checkEncoded, the round-trip tests). Each kind lives in one module under
// tasks/kinds/: its task struct, `Task decode(Reader&, int owner)` (reads exactly its own fields,
// after the [version, kind, owner] header) and `TaskResult run(const Task&)`; the module exports
//   extern const TaskKind kFooKind = task_kind<FooTask, decode, run>();
// and registry.cc lists it under its code. Nothing registers itself at start-up: tessera_core is a
// static library, and the linker drops an object file that nothing references.
//
// A runner resolves (and bounds-checks) everything the task reads first; its output chunk is
// allocated, filled and only then published, so a task that throws leaves nothing in the store.
#pragma once
#include "reader.h"
#include "task.h"

namespace tessera {

struct TaskKind {
  TaskResult (*run)(Reader& r, int owner);  // decode the fields, then run the task
  void (*check)(Reader& r, int owner);      // the same decode and checks, without running
};

namespace detail {

// Both entry points decode the same way, so a task that passes check() decodes identically in run().
template <class Task, Task (*Decode)(Reader&, int)> Task decode_whole(Reader& r, int owner) {
  Task t = Decode(r, owner);
  if (!r.done()) Reader::bad("trailing fields");
  return t;
}
template <class Task, Task (*Decode)(Reader&, int), TaskResult (*Run)(const Task&)> TaskResult run(Reader& r, int owner) {
  const Task t = decode_whole<Task, Decode>(r, owner);
  return Run(t);
}
template <class Task, Task (*Decode)(Reader&, int)> void check(Reader& r, int owner) { decode_whole<Task, Decode>(r, owner); }

}  // namespace detail

// One indirect call per task (from the registry's table) into code where decode and run are
// inlined together, as they were in the old single switch: the task struct lives on the stack.
template <class Task, Task (*Decode)(Reader&, int), TaskResult (*Run)(const Task&)> constexpr TaskKind task_kind() {
  return TaskKind{&detail::run<Task, Decode, Run>, &detail::check<Task, Decode>};
}

}  // namespace tessera
