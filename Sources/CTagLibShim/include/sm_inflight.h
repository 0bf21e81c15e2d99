// sm_inflight.h — which file each reader thread of a scan is reading, kept in a small
// memory-mapped file beside the mirror, so that the next scan knows which file a crashed or
// killed scan was reading.
//
// The file has a header and one fixed slot per reader thread. A reader copies the path it starts
// reading into its slot (a memcpy into a mapped page: no system call, nothing flushed) and frees
// the slot when the read ends. While any in-flight file is open, crash signals (SIGSEGV, SIGBUS,
// SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS) are caught first to mark the slot of the reader that
// crashed; then the handler that was there before runs and the process dies as it would have.
// The kernel keeps what was written to the mapping when the process dies; a slot still marked
// when the next scan starts names a file that a scan did not finish reading.
#ifndef SM_INFLIGHT_H
#define SM_INFLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "sm_nullability.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_inflight sm_inflight;

/// Creates (replacing any) the in-flight file at `path` with room for `slots` reader threads and
/// maps it; installs the crash handler while any in-flight file is open. NULL when the file cannot
/// be made (errno says why).
sm_inflight *_Nullable sm_inflight_open(const char *_Nonnull path, int32_t slots);

/// Unmaps the file and removes it: the scan ended by itself. Call after every reader has left.
void sm_inflight_close(sm_inflight *_Nullable inflight);

/// The calling thread reads for `inflight`, in `slot` (0 ..< slots), until sm_inflight_thread_end.
/// Gives the thread an alternate signal stack (unless it has one), so that a stack overflow, too,
/// can be marked.
void sm_inflight_thread_begin(sm_inflight *_Nonnull inflight, int32_t slot);
void sm_inflight_thread_end(void);

/// The calling thread starts reading the file at `path` (`path_bytes` bytes of UTF-8, no NUL
/// needed), whose size and modification time the walk saw. Does nothing on a thread that did not
/// begin. A path longer than 4,096 bytes is not recorded.
void sm_inflight_read_begin(const char *_Nonnull path, size_t path_bytes, int64_t size_bytes, int64_t mtime_ns);
/// The calling thread is done with the file it was reading.
void sm_inflight_read_end(void);

/// A file a reader had not finished reading when its scan stopped.
typedef struct sm_inflight_entry {
    const char *_Nonnull path;
    int64_t size_bytes;
    int64_t mtime_ns;
    int32_t crash_signal;  // the signal this reader crashed with while reading the file; 0: none
} sm_inflight_entry;

/// What an in-flight file left behind says.
typedef struct sm_inflight_leftover {
    int32_t pid;           // the process that wrote it
    int32_t crash_signal;  // a crash caught on a thread that was not reading a file; 0: none
    size_t count;
    sm_inflight_entry *_Nullable entries;
} sm_inflight_leftover;

/// Reads the in-flight file at `path` (left by a scan that did not close it). NULL when there is
/// none, or the file is not one.
sm_inflight_leftover *_Nullable sm_inflight_read(const char *_Nonnull path);
void sm_inflight_leftover_free(sm_inflight_leftover *_Nullable leftover);

#ifdef __cplusplus
}
#endif

#endif
