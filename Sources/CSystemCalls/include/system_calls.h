#ifndef BERTH_SYSTEM_CALLS_H
#define BERTH_SYSTEM_CALLS_H
#include <stddef.h>
#include <stdint.h>

/// Starts asynchronous writeback of a byte range (Linux sync_file_range); a no-op elsewhere.
int berth_start_writeback(int fd, int64_t offset, int64_t length);

/// Makes glibc's malloc give memory back: at most `arenas` arenas (many threads otherwise each keep one of freed
/// memory), and a fixed mmap threshold so large I/O buffers are unmapped when freed instead of fragmenting the heap.
/// A no-op elsewhere.
void berth_tune_malloc(int arenas, int mmap_threshold);

/// Raises the soft limit on open files to the hard limit, as Go programs do at start-up. Returns the new soft limit.
long berth_raise_open_file_limit(void);

/// Starts `path` with `argv` and `envp` (both NULL-terminated) through posix_spawn, in `directory` when it is not NULL.
/// The child's standard input, output and error are `input`, `output` and `error`, or /dev/null where one is -1, and it
/// inherits no other descriptor. Foundation's Process cannot be used where this is: on Linux it over-reads
/// /proc/self/fd entries and crashes a process that holds many descriptors (swift-corelibs-foundation#5472).
/// Returns 0 and sets `pid`, or an errno value.
int berth_spawn(int *pid, const char *path, char *const argv[], char *const envp[], const char *directory,
                int input, int output, int error);

/// Lowers the calling thread's CPU priority to `nice` (Linux keeps a nice value per thread; threads it creates inherit
/// it). Returns 0, or -1 with errno set; a no-op returning 0 elsewhere.
int berth_lower_thread_priority(int nice);

/// pipe(2) with both ends closed on exec. Returns 0, or -1 with errno set.
int berth_pipe(int ends[2]);

/// memmem(3): the first occurrence of `needle` in `haystack`, or NULL. A GNU extension, so Swift's Glibc module does not
/// export it; glibc's is vectorized, far faster than a byte loop over a multi-megabyte executable.
const void *berth_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

#endif
