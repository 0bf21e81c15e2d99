// pread_stream.hpp — a read-only TagLib::IOStream over pread(2).
//
// TagLib's own FileStream goes through stdio and asks the kernel for every seek and tell (about
// forty system calls per audio file). This stream takes the size once, keeps the first and last
// blocks of the file in memory, and answers seeks and small reads without system calls.
#pragma once

#include <taglib/tiostream.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace shelfmirror {

class PreadStream final : public TagLib::IOStream {
public:
    static constexpr long cacheBytes = 16 * 1024;

    explicit PreadStream(const char *path) : path_(path) {
        fd_ = ::open(path, O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) {
            error_ = errno;
            return;
        }
        struct stat st;
        if (::fstat(fd_, &st) != 0) {
            error_ = errno;
            ::close(fd_);
            fd_ = -1;
            return;
        }
        size_ = st.st_size;
        isDirectory_ = S_ISDIR(st.st_mode);
    }

    ~PreadStream() override {
        if (fd_ >= 0) ::close(fd_);
    }

    PreadStream(const PreadStream &) = delete;
    PreadStream &operator=(const PreadStream &) = delete;

    /// errno of a failed open, else 0.
    int openError() const { return error_; }
    bool isDirectory() const { return isDirectory_; }

    TagLib::FileName name() const override { return path_.c_str(); }

    TagLib::ByteVector readBlock(unsigned long length) override {
        if (fd_ < 0 || position_ >= size_ || length == 0) return TagLib::ByteVector();
        long n = static_cast<long>(std::min<unsigned long>(length, static_cast<unsigned long>(size_ - position_)));
        TagLib::ByteVector out(static_cast<unsigned int>(n), '\0');
        if (!copyCached(out.data(), position_, n)) {
            long got = readAt(out.data(), position_, n);
            if (got < n) out.resize(static_cast<unsigned int>(std::max(got, 0L)));
            n = static_cast<long>(out.size());
        }
        position_ += n;
        return out;
    }

    void writeBlock(const TagLib::ByteVector &) override {}
    void insert(const TagLib::ByteVector &, unsigned long, unsigned long) override {}
    void removeBlock(unsigned long, unsigned long) override {}
    bool readOnly() const override { return true; }
    bool isOpen() const override { return fd_ >= 0; }

    void seek(long offset, Position p) override {
        long base = p == Beginning ? 0 : p == Current ? position_ : size_;
        position_ = std::max(0L, base + offset);
    }

    void clear() override {}
    long tell() const override { return position_; }
    long length() override { return size_; }
    void truncate(long) override {}

private:
    // Serves [offset, offset + n) from the head or tail block, loading a block on first use.
    bool copyCached(char *to, long offset, long n) {
        if (n > cacheBytes) return false;
        if (offset + n <= cacheBytes) {
            if (!load(head_, 0, headLoaded_)) return false;
            if (offset + n > static_cast<long>(head_.size())) return false;
            std::memcpy(to, head_.data() + offset, static_cast<size_t>(n));
            return true;
        }
        long tailStart = std::max(0L, size_ - cacheBytes);
        if (offset >= tailStart) {
            if (!load(tail_, tailStart, tailLoaded_)) return false;
            if (offset - tailStart + n > static_cast<long>(tail_.size())) return false;
            std::memcpy(to, tail_.data() + (offset - tailStart), static_cast<size_t>(n));
            return true;
        }
        return false;
    }

    bool load(std::vector<char> &block, long start, bool &loaded) {
        if (!loaded) {
            loaded = true;
            block.resize(static_cast<size_t>(std::min(cacheBytes, size_ - start)));
            long got = readAt(block.data(), start, static_cast<long>(block.size()));
            block.resize(static_cast<size_t>(std::max(got, 0L)));
        }
        return !block.empty();
    }

    long readAt(char *to, long offset, long n) {
        long done = 0;
        while (done < n) {
            ssize_t got = ::pread(fd_, to + done, static_cast<size_t>(n - done), offset + done);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) break;
            done += got;
        }
        return done;
    }

    std::string path_;
    int fd_ = -1;
    int error_ = 0;
    bool isDirectory_ = false;
    long size_ = 0;
    long position_ = 0;
    std::vector<char> head_, tail_;
    bool headLoaded_ = false, tailLoaded_ = false;
};

}  // namespace shelfmirror
