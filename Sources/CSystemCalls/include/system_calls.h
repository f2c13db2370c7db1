#ifndef BERTH_SYSTEM_CALLS_H
#define BERTH_SYSTEM_CALLS_H
#include <stdint.h>

/// Starts asynchronous writeback of a byte range (Linux sync_file_range); a no-op elsewhere.
int berth_start_writeback(int fd, int64_t offset, int64_t length);

#endif
