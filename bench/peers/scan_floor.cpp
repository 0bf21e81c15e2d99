// scan_floor.cpp: the least a cold scan can cost here with the shim's own read path, as one
// process: walk the folders the way the scan does (FolderWalker: openat, getdents, hidden entries
// skipped, names sorted, audio files kept by extension and fstatat'ed, links followed, a folder
// walked once), then read every file with sm_read_file (the C ABI MirrorTags.TagReader calls,
// with the same 64 KiB value limit) and sm_file_free, on one thread per core, files handed out by
// an atomic index. Nothing is stored: a checksum of what was read keeps the compiler from dropping
// it. The walk ends before the readers start (the scan overlaps them), so this floor is, if
// anything, a little high. `make bench` times it beside shelfmirror's cold scan.
//
// Built by bench/scan_bench.py against the shim's sources, like the release binary (mimalloc):
//   c++ -O2 -std=c++17 -ISources/CTagLibShim/include -ISources/CTagLibShim
//       bench/peers/scan_floor.cpp Sources/CTagLibShim/sm_taglib.cpp
//       $(pkg-config --cflags --libs taglib) -lmimalloc -pthread -o scan_floor
//
// Usage: scan_floor [-j THREADS] DIR...
// Prints "scan_floor: <files> files, <errors> errors, <threads> threads, walk <ms> ms,
// read <ms> ms, checksum <n>" on stderr; exit 1 when a folder cannot be walked or nothing was read.
#include "sm_taglib.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <set>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

// MirrorTags.AudioExtensions.all
const std::set<std::string> audioExtensions = {
    "mp3", "m4b", "m4a", "mp4", "aac", "flac", "ogg", "oga", "opus", "wav", "aif", "aiff",
    "wma", "ape", "mpc", "wv", "spx", "webm", "webma", "mka", "awb", "caf", "mpeg", "mpg",
};

bool isAudio(const std::string &name) {
    size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot == 0) return false;
    std::string ext = name.substr(dot + 1);
    for (char &c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return audioExtensions.count(ext) != 0;
}

struct Walker {
    std::vector<std::string> files;
    std::set<std::pair<dev_t, ino_t>> visited;
    std::set<std::string> seen;
    int problems = 0;

    void file(const std::string &path) {
        if (seen.insert(path).second) files.push_back(path);
    }

    void enter(int parent, const char *name, const std::string &path) {
        int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) {
            problems++;
            if (fd >= 0) close(fd);
            return;
        }
        directory(fd, path, st);
    }

    // Walks the open folder `fd` and closes it.
    void directory(int fd, const std::string &path, const struct stat &st) {
        if (!visited.insert({st.st_dev, st.st_ino}).second) {
            close(fd);
            return;
        }
        DIR *dir = fdopendir(fd);
        if (!dir) {
            problems++;
            close(fd);
            return;
        }
        std::vector<std::pair<std::string, unsigned char>> entries;
        while (struct dirent *e = readdir(dir)) {
            if (e->d_name[0] == '.') continue;
            entries.emplace_back(e->d_name, e->d_type);
        }
        std::sort(entries.begin(), entries.end());
        std::string prefix = path.back() == '/' ? path : path + "/";
        for (const auto &[name, type] : entries) {
            struct stat cst;
            switch (type) {
            case DT_REG:
                if (!isAudio(name)) break;
                if (fstatat(fd, name.c_str(), &cst, 0) == 0) file(prefix + name);
                else problems++;
                break;
            case DT_DIR:
                enter(fd, name.c_str(), prefix + name);
                break;
            case DT_LNK:
            case DT_UNKNOWN:
                if (fstatat(fd, name.c_str(), &cst, 0) != 0) break;
                if (S_ISDIR(cst.st_mode)) enter(fd, name.c_str(), prefix + name);
                else if (S_ISREG(cst.st_mode) && isAudio(name)) file(prefix + name);
                break;
            default:
                break;
            }
        }
        closedir(dir);
    }

    void root(const std::string &path) {
        struct stat st;
        if (stat(path.c_str(), &st) != 0) {
            problems++;
        } else if (S_ISDIR(st.st_mode)) {
            int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) problems++;
            else directory(fd, path, st);
        } else if (S_ISREG(st.st_mode)) {
            file(path);
        } else {
            problems++;
        }
    }
};

// What a reader saw, folded into a number nobody can predict without reading.
uint64_t fold(const sm_file *f) {
    uint64_t sum = static_cast<uint64_t>(f->status) * 7919u + static_cast<uint64_t>(f->length_ms) +
                   static_cast<uint64_t>(f->bitrate_kbps) + static_cast<uint64_t>(f->sample_rate) +
                   static_cast<uint64_t>(f->channels) + static_cast<uint64_t>(f->has_cover) + f->chapter_count;
    for (size_t i = 0; i < f->property_count; i++) {
        sum += std::strlen(f->properties[i].key) * 31u + std::strlen(f->properties[i].value);
    }
    return sum;
}

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char **argv) {
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    int first = 1;
    if (argc > 2 && std::strcmp(argv[1], "-j") == 0) {
        threads = static_cast<unsigned>(std::max(1, std::atoi(argv[2])));
        first = 3;
    }
    if (first >= argc) {
        std::fprintf(stderr, "usage: scan_floor [-j THREADS] DIR...\n");
        return 2;
    }
    const size_t maxValueBytes = 64 * 1024;  // MirrorTags.TagReader.maxValueBytes

    auto t0 = std::chrono::steady_clock::now();
    Walker walker;
    for (int i = first; i < argc; i++) walker.root(argv[i]);
    double walkMs = msSince(t0);
    if (walker.problems != 0) {
        std::fprintf(stderr, "scan_floor: %d entries could not be walked\n", walker.problems);
        return 1;
    }

    auto t1 = std::chrono::steady_clock::now();
    const std::vector<std::string> &files = walker.files;
    std::atomic<size_t> next{0};
    std::atomic<uint64_t> checksum{0};
    std::atomic<size_t> errors{0};
    std::vector<std::thread> readers;
    for (unsigned t = 0; t < threads; t++) {
        readers.emplace_back([&] {
            uint64_t sum = 0;
            size_t failed = 0;
            for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < files.size();) {
                sm_file *f = sm_read_file(files[i].c_str(), maxValueBytes);
                if (f->status != SM_OK) failed++;
                sum += fold(f);
                sm_file_free(f);
            }
            checksum.fetch_add(sum, std::memory_order_relaxed);
            errors.fetch_add(failed, std::memory_order_relaxed);
        });
    }
    for (auto &r : readers) r.join();
    double readMs = msSince(t1);

    std::fprintf(stderr, "scan_floor: %zu files, %zu errors, %u threads, walk %.1f ms, read %.1f ms, checksum %llu\n",
                 files.size(), errors.load(), threads, walkMs, readMs,
                 static_cast<unsigned long long>(checksum.load()));
    return files.empty() || checksum.load() == 0 ? 1 : 0;
}
