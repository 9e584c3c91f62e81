// Reads of memory-mapped input that survive the file shrinking under them. A file truncated while
// it is mapped makes every read of a page past its new end raise SIGBUS, which would kill the
// process. Code that reads mapped input runs inside guarded_read(): a process-wide SIGBUS handler
// (installed once, chaining to whatever handler was there before for faults outside a guarded
// region or outside the guarded ranges) jumps back to this thread's recovery point, and
// guarded_read() reports the fault instead of the process dying. The caller turns that into a
// typed error (INPUT_CHANGED) outside the guarded frames.
//
// Rule for `fn`: nothing between guarded_read() and the faulting read may need a destructor (the
// jump skips them). Keep it a loop over plain values and raw pointers that calls plain kernels.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tessera {

struct MappedRange {
  const uint8_t* begin = nullptr;
  size_t size = 0;
};

// Runs fn(arg). Returns the index in `ranges` of the range a read faulted in (the read was
// abandoned), or -1 when fn returned normally. A SIGBUS at an address outside `ranges` is not
// ours: it goes to the previous handler (by default, the process ends as it would have).
int guarded_read(void (*fn)(void*), void* arg, const MappedRange* ranges, size_t count);

// Installs the handler (idempotent; guarded_read() calls it too).
void install_sigbus_handler();

}  // namespace tessera
