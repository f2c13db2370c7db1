#ifndef BERTH_SYSTEM_CALLS_H
#define BERTH_SYSTEM_CALLS_H
#include <stdint.h>

/// Starts asynchronous writeback of a byte range (Linux sync_file_range); a no-op elsewhere.
int berth_start_writeback(int fd, int64_t offset, int64_t length);

/// Makes glibc's malloc give memory back: at most `arenas` arenas (many threads otherwise each keep one of freed
/// memory), and a fixed mmap threshold so large I/O buffers are unmapped when freed instead of fragmenting the heap.
/// A no-op elsewhere.
void berth_tune_malloc(int arenas, int mmap_threshold);

/// Raises the soft limit on open files to the hard limit, as Go programs do at start-up. Returns the new soft limit.
long berth_raise_open_file_limit(void);

#endif
