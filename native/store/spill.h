// Spilling a chunk to disk and reading it back (issue #18): when the chunks a job must keep alive
// exceed its memory limit, the scheduler writes the ones needed last to files in the job's spill
// folder, releases them, and reads each back into a new chunk just before a task needs it. A
// spill file is the chunk as it is in memory (layout, dtype, shape, bytes) behind a small header;
// nothing else reads it, and it is removed once read or once its chunk is no longer needed.
// Errors: DISK_FULL (ENOSPC, EDQUOT) or SPILL_FAILED, naming the file; a partial file is removed.
#pragma once
#include <cstdint>
#include <string>

namespace tessera {

// Writes the chunk `id` of the store to `path` (created; an existing file is an error). The chunk
// stays in the store: the caller releases it. Returns the bytes written.
uint64_t spill_chunk(uint64_t id, const std::string& path);

// Reads a spill file into a new chunk of `owner`, publishes it and removes the file. Returns its id.
uint64_t unspill_chunk(const std::string& path, int owner);

// Gives the allocator's free memory back to the system (glibc keeps freed chunks for reuse): after
// a spill, so the process's RSS falls with the store, as the memory limit means it to.
void return_free_memory();

}  // namespace tessera
