#ifndef BERTH_SYSTEM_CALLS_H
#define BERTH_SYSTEM_CALLS_H
#include <stdint.h>

/// Starts asynchronous writeback of a byte range (Linux sync_file_range); a no-op elsewhere.
int berth_start_writeback(int fd, int64_t offset, int64_t length);

/// Caps the number of glibc malloc arenas; a no-op elsewhere. Many threads otherwise each keep an arena of freed memory.
void berth_limit_malloc_arenas(int count);

#endif
