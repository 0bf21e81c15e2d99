// shim_fuzz.cpp — a libFuzzer driver of the tag-reading shim (`make fuzz`).
//
// Each input becomes a file (a memfd, so nothing touches the disk) that the shim opens by its
// /proc/self/fd path and reads as a scan reads a file on disk, through sm_read_file; every string
// of the result is then read, and the result freed with sm_file_free. The shim is built with
// AddressSanitizer and UBSan; TagLib, linked from the system, is not instrumented, so a memory
// error inside TagLib shows only if it crashes, hangs (-timeout) or exhausts memory (-rss_limit_mb,
// -malloc_limit_mb).
#include "sm_taglib.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace {

int file = -1;
char path[64];

// Reads every byte of a string the shim returned: ASan reports it if it is not ours to read.
size_t touch(const char *s) { return s ? std::strlen(s) : 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (file < 0) {
        file = memfd_create("shim_fuzz", MFD_CLOEXEC);
        if (file < 0) {
            std::perror("memfd_create");
            std::abort();
        }
        std::snprintf(path, sizeof path, "/proc/self/fd/%d", file);
    }
    if (ftruncate(file, 0) != 0) std::abort();
    for (size_t done = 0; done < size;) {
        ssize_t n = pwrite(file, data + done, size - done, static_cast<off_t>(done));
        if (n <= 0) std::abort();
        done += static_cast<size_t>(n);
    }
    sm_file *result = sm_read_file(path, 4096);
    size_t seen = touch(result->error) + touch(result->format) + touch(result->codec);
    for (size_t i = 0; i < result->property_count; i++) {
        seen += touch(result->properties[i].key) + touch(result->properties[i].value);
    }
    for (size_t i = 0; i < result->chapter_count; i++) seen += touch(result->chapters[i].title);
    if (result->status == SM_OK && result->format == nullptr) std::abort();  // a read file has a format
    if (result->status != SM_OK && result->error == nullptr) std::abort();   // a failure says why
    sm_file_free(result);
    return seen == SIZE_MAX;  // keeps `seen` alive; never true
}
