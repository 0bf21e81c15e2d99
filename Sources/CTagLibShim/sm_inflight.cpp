// sm_inflight.cpp — see include/sm_inflight.h.
#include "sm_inflight.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// The file's layout (native byte order: it is read back on the same machine).
constexpr char magic[8] = {'S', 'M', 'F', 'L', 'I', 'G', 'H', 'T'};
constexpr int32_t version = 1;
constexpr size_t pathCapacity = 4096;

struct Header {
    char magic[8];
    int32_t version;
    int32_t slots;
    int32_t pid;
    int32_t crashSignal;  // a crash on a thread that was not reading
    char reserved[40];
};
static_assert(sizeof(Header) == 64, "header layout");

enum SlotState : int32_t { slotFree = 0, slotReading = 1, slotCrashed = 2 };

struct Slot {
    int32_t state;
    int32_t crashSignal;
    int32_t pathBytes;
    int32_t reserved;
    int64_t sizeBytes;
    int64_t mtimeNs;
    char reserved2[32];
    char path[pathCapacity];
};
static_assert(sizeof(Slot) == 64 + pathCapacity, "slot layout");

constexpr int32_t maxSlots = 1024;

size_t fileBytes(int32_t slots) { return sizeof(Header) + static_cast<size_t>(slots) * sizeof(Slot); }

Slot *slotAt(Header *header, int32_t index) {
    return reinterpret_cast<Slot *>(reinterpret_cast<char *>(header) + sizeof(Header) + static_cast<size_t>(index) * sizeof(Slot));
}

// The reader slot of this thread, and its alternate signal stack (only when we made it). Plain
// pointers in initial TLS: the signal handler may read them.
__thread Slot *currentSlot = nullptr;
__thread void *ownAltStack = nullptr;
constexpr size_t altStackBytes = 256 * 1024;

// Crash signals, what handled them before, and the open files (for a crash outside a reader).
constexpr int crashSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};
constexpr int maxSignal = 65;
struct sigaction previousAction[maxSignal];
constexpr size_t maxOpen = 64;
std::atomic<Header *> openFiles[maxOpen];
std::mutex installLock;
int installed = 0;

void onCrash(int signal, siginfo_t *info, void *) {
    const int savedErrno = errno;
    Slot *slot = currentSlot;
    if (slot && __atomic_load_n(&slot->state, __ATOMIC_RELAXED) == slotReading) {
        slot->crashSignal = signal;
        __atomic_store_n(&slot->state, slotCrashed, __ATOMIC_RELAXED);
    } else {
        for (auto &entry : openFiles) {
            if (Header *header = entry.load(std::memory_order_relaxed)) header->crashSignal = signal;
        }
    }
    // Hand the signal on as if this handler had not been there: a fault happens again when the
    // instruction is retried; a signal that was sent (abort, raise, kill) is sent again, and
    // arrives once this handler returns.
    sigaction(signal, &previousAction[signal], nullptr);
    if (info == nullptr || info->si_code <= 0) raise(signal);
    errno = savedErrno;
}

void installHandler() {
    std::lock_guard<std::mutex> guard(installLock);
    if (installed++ > 0) return;
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = onCrash;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int signal : crashSignals) sigaction(signal, &action, &previousAction[signal]);
}

void removeHandler() {
    std::lock_guard<std::mutex> guard(installLock);
    if (--installed > 0) return;
    for (int signal : crashSignals) sigaction(signal, &previousAction[signal], nullptr);
}

}  // namespace

struct sm_inflight {
    Header *header;
    int32_t slots;
    size_t index;  // in openFiles
    char *path;
};

extern "C" sm_inflight *sm_inflight_open(const char *path, int32_t slots) {
    if (slots < 1 || slots > maxSlots) {
        errno = EINVAL;
        return nullptr;
    }
    int fd = ::open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return nullptr;
    const size_t bytes = fileBytes(slots);
    if (::ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
        int error = errno;
        ::close(fd);
        ::unlink(path);
        errno = error;
        return nullptr;
    }
    void *mapped = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int error = errno;
    ::close(fd);
    if (mapped == MAP_FAILED) {
        ::unlink(path);
        errno = error;
        return nullptr;
    }
    auto *inflight = static_cast<sm_inflight *>(std::calloc(1, sizeof(sm_inflight)));
    char *pathCopy = strdup(path);
    if (!inflight || !pathCopy) {
        std::free(inflight);
        std::free(pathCopy);
        ::munmap(mapped, bytes);
        ::unlink(path);
        errno = ENOMEM;
        return nullptr;
    }
    auto *header = static_cast<Header *>(mapped);
    std::memcpy(header->magic, magic, sizeof magic);
    header->version = version;
    header->slots = slots;
    header->pid = static_cast<int32_t>(::getpid());
    inflight->header = header;
    inflight->slots = slots;
    inflight->path = pathCopy;
    inflight->index = maxOpen;
    for (size_t i = 0; i < maxOpen; i++) {
        Header *expected = nullptr;
        if (openFiles[i].compare_exchange_strong(expected, header)) {
            inflight->index = i;
            break;
        }
    }
    installHandler();
    return inflight;
}

extern "C" void sm_inflight_close(sm_inflight *inflight) {
    if (!inflight) return;
    removeHandler();
    if (inflight->index < maxOpen) openFiles[inflight->index].store(nullptr);
    ::munmap(inflight->header, fileBytes(inflight->slots));
    ::unlink(inflight->path);
    std::free(inflight->path);
    std::free(inflight);
}

extern "C" void sm_inflight_thread_begin(sm_inflight *inflight, int32_t slot) {
    if (slot < 0 || slot >= inflight->slots) return;
    currentSlot = slotAt(inflight->header, slot);
    stack_t current;
    if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
        void *stack = std::malloc(altStackBytes);
        if (!stack) return;
        stack_t mine;
        mine.ss_sp = stack;
        mine.ss_size = altStackBytes;
        mine.ss_flags = 0;
        if (sigaltstack(&mine, nullptr) == 0) {
            ownAltStack = stack;
        } else {
            std::free(stack);
        }
    }
}

extern "C" void sm_inflight_thread_end(void) {
    if (currentSlot) __atomic_store_n(&currentSlot->state, slotFree, __ATOMIC_RELAXED);
    currentSlot = nullptr;
    if (ownAltStack) {
        stack_t off;
        std::memset(&off, 0, sizeof off);
        off.ss_flags = SS_DISABLE;
        sigaltstack(&off, nullptr);
        std::free(ownAltStack);
        ownAltStack = nullptr;
    }
}

extern "C" void sm_inflight_read_begin(const char *path, size_t pathBytes, int64_t sizeBytes, int64_t mtimeNs) {
    Slot *slot = currentSlot;
    if (!slot || pathBytes > pathCapacity) return;
    std::memcpy(slot->path, path, pathBytes);
    slot->pathBytes = static_cast<int32_t>(pathBytes);
    slot->sizeBytes = sizeBytes;
    slot->mtimeNs = mtimeNs;
    // The state last: a slot marked reading is complete.
    __atomic_store_n(&slot->state, slotReading, __ATOMIC_RELEASE);
}

extern "C" void sm_inflight_read_end(void) {
    if (Slot *slot = currentSlot) __atomic_store_n(&slot->state, slotFree, __ATOMIC_RELAXED);
}

extern "C" sm_inflight_leftover *sm_inflight_read(const char *path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st;
    Header header;
    if (::fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) < sizeof(Header) ||
        ::pread(fd, &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) ||
        std::memcmp(header.magic, magic, sizeof magic) != 0 || header.version != version || header.slots < 1 ||
        header.slots > maxSlots || static_cast<size_t>(st.st_size) < fileBytes(header.slots)) {
        ::close(fd);
        return nullptr;
    }
    auto *leftover = static_cast<sm_inflight_leftover *>(std::calloc(1, sizeof(sm_inflight_leftover)));
    auto *entries = static_cast<sm_inflight_entry *>(std::calloc(static_cast<size_t>(header.slots), sizeof(sm_inflight_entry)));
    auto *slot = static_cast<Slot *>(std::malloc(sizeof(Slot)));
    if (!leftover || !entries || !slot) {
        std::free(leftover);
        std::free(entries);
        std::free(slot);
        ::close(fd);
        return nullptr;
    }
    leftover->pid = header.pid;
    leftover->crash_signal = header.crashSignal;
    leftover->entries = entries;
    for (int32_t i = 0; i < header.slots; i++) {
        const off_t at = static_cast<off_t>(sizeof(Header) + static_cast<size_t>(i) * sizeof(Slot));
        if (::pread(fd, slot, sizeof(Slot), at) != static_cast<ssize_t>(sizeof(Slot))) break;
        if (slot->state != slotReading && slot->state != slotCrashed) continue;
        if (slot->pathBytes <= 0 || static_cast<size_t>(slot->pathBytes) > pathCapacity) continue;
        char *copy = static_cast<char *>(std::malloc(static_cast<size_t>(slot->pathBytes) + 1));
        if (!copy) break;
        std::memcpy(copy, slot->path, static_cast<size_t>(slot->pathBytes));
        copy[slot->pathBytes] = '\0';
        sm_inflight_entry &entry = entries[leftover->count++];
        entry.path = copy;
        entry.size_bytes = slot->sizeBytes;
        entry.mtime_ns = slot->mtimeNs;
        entry.crash_signal = slot->state == slotCrashed ? slot->crashSignal : 0;
    }
    std::free(slot);
    ::close(fd);
    return leftover;
}

extern "C" void sm_inflight_leftover_free(sm_inflight_leftover *leftover) {
    if (!leftover) return;
    for (size_t i = 0; i < leftover->count; i++) std::free(const_cast<char *>(leftover->entries[i].path));
    std::free(leftover->entries);
    std::free(leftover);
}
