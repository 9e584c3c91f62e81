// Spilling chunks to disk and reading them back (issue #18): when the chunks a job must keep alive
// exceed its memory limit, the scheduler writes the ones needed last to the job's spill file,
// releases them, and reads each back into a new chunk just before a task needs it. Chunks are
// appended to one file per job (creating a file costs ~0.6 ms on these disks, appending a small
// chunk ~6 us: an out-of-core join or sort spills thousands of small pieces), each as it is in
// memory (layout, dtype, shape, bytes) behind a small header, found again by its offset. A region
// read back, or whose chunk is no longer needed, is given back to the disk (a hole punched, where
// the file system can; the file emptied once no region is left), so the file takes about what is
// spilled now, not all that ever was.
// Errors: DISK_FULL (ENOSPC, EDQUOT) or SPILL_FAILED, naming the file.
#pragma once
#include <cstdint>
#include <string>

namespace tessera {

// Creates the spill file `path` (an existing file is an error); a handle for the calls below.
int open_spill_file(const std::string& path);

// Appends the chunk `id` of the store to spill file `file`; its offset there. The chunk stays in
// the store: the caller releases it.
uint64_t spill_chunk(int file, uint64_t id);

// Reads the chunk at `offset` of spill file `file` back into a new chunk of `owner`, publishes it
// and gives its region back to the disk. Returns its id.
uint64_t unspill_chunk(int file, uint64_t offset, int owner);

// The chunk at `offset` is no longer needed: its region goes back to the disk.
void drop_spilled(int file, uint64_t offset);

// Closes and removes spill file `file` (nothing to do for a handle already closed).
void close_spill_file(int file);

// Gives the allocator's free memory back to the system (glibc keeps freed chunks for reuse): after
// a spill, so the process's RSS falls with the store, as the memory limit means it to.
void return_free_memory();

}  // namespace tessera
