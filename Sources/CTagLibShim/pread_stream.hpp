// pread_stream.hpp — a read-only TagLib::IOStream over pread(2).
//
// TagLib's own FileStream goes through stdio and asks the kernel for every seek and tell (about
// forty system calls per audio file). This stream takes the size once and keeps the 4 KiB pages
// TagLib touches, so seeks and the many small reads of tag parsing (8-byte MP4 atom headers, a
// few bytes of ID3 header) cost no system call, and only pages actually used are copied from
// the kernel: an MP3 costs two or three reads, an M4B with its index at the end four or five.
//
// Files are hostile until read, so the stream also bounds TagLib's work on one file: a read is
// clamped to what the file holds and refused above `maxReadBytes` (sizes come from the file:
// an MP4 atom may claim 4 GiB); in all, at most `maxTotalBytes` are handed out, and at most
// `maxSearchReads` reads of 512 bytes or more (the blocks in which TagLib searches a file for an
// MPEG frame sync or a page header: 1 KiB each, so about 8 MiB of search; through a 1 GiB file
// of zeros it used to take 46 s). When a limit is hit, this and every later read return nothing,
// TagLib stops, and `limit()` says which limit it was. Real files stay far below all three: TagLib
// reads only their headers and tags (the largest single read is a cover).
#pragma once

#include <taglib/tiostream.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace shelfmirror {

class PreadStream final : public TagLib::IOStream {
public:
    static constexpr long pageBytes = 4096;
    static constexpr size_t pageCount = 8;

    static constexpr long maxReadBytes = 64L << 20;
    static constexpr long maxTotalBytes = 128L << 20;
    static constexpr long searchReadBytes = 512;
    static constexpr long maxSearchReads = 8192;

    enum class Limit { none, readTooLarge, tooManyBytes, tooManySearches };

    explicit PreadStream(const char *path) : path_(path) {
        // Non-blocking: a named pipe or a device put where a file was checked (between a scan's
        // check and this open) is opened without waiting, then refused by what the descriptor is.
        // Reads of a regular file never block, whatever the flag says.
        fd_ = ::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
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
        isSpecial_ = !S_ISREG(st.st_mode) && !isDirectory_;
    }

    ~PreadStream() override {
        if (fd_ >= 0) ::close(fd_);
    }

    PreadStream(const PreadStream &) = delete;
    PreadStream &operator=(const PreadStream &) = delete;

    /// errno of a failed open, else 0.
    int openError() const { return error_; }
    bool isDirectory() const { return isDirectory_; }
    /// A named pipe, socket or device: nothing a tag is read from.
    bool isSpecial() const { return isSpecial_; }

    TagLib::FileName name() const override { return path_.c_str(); }

    TagLib::ByteVector readBlock(unsigned long length) override {
        if (fd_ < 0 || limit_ != Limit::none || position_ >= size_ || length == 0) return TagLib::ByteVector();
        long n = static_cast<long>(std::min<unsigned long>(length, static_cast<unsigned long>(size_ - position_)));
        if (!kept_.isEmpty() && position_ == keptOffset_ && n == static_cast<long>(kept_.size())) {
            // Read (and counted) before TagLib asked: handed out again without a copy.
            position_ += n;
            return kept_;
        }
        if (n > maxReadBytes) return stop(Limit::readTooLarge, n);
        if (n >= searchReadBytes && ++searchReads_ > maxSearchReads) return stop(Limit::tooManySearches, n);
        if (n > maxTotalBytes - handedOut_) return stop(Limit::tooManyBytes, n);
        handedOut_ += n;
        // n <= maxReadBytes: the cast to TagLib's unsigned int sizes is exact.
        TagLib::ByteVector out(static_cast<unsigned int>(n), '\0');
        if (!copyFromPage(out.data(), position_, n)) {
            // Larger reads (a whole tag, a cover) go straight to the kernel.
            long got = readAt(out.data(), position_, n);
            if (got < n) out.resize(static_cast<unsigned int>(std::max(got, 0L)));
            n = static_cast<long>(out.size());
        }
        position_ += n;
        return out;
    }

    /// Reads up to `n` (< 512) bytes at the position into `to`, as readBlock would but without
    /// making a ByteVector (for the shim's own look at atom headers); returns how many.
    long readSmall(char *to, long n) {
        if (fd_ < 0 || limit_ != Limit::none || position_ >= size_ || n <= 0 || n >= searchReadBytes) return 0;
        n = std::min(n, size_ - position_);
        if (n > maxTotalBytes - handedOut_) {
            stop(Limit::tooManyBytes, n);
            return 0;
        }
        handedOut_ += n;
        if (!copyFromPage(to, position_, n)) n = std::max(readAt(to, position_, n), 0L);
        position_ += n;
        return n;
    }

    /// Which limit stopped the reading, if one did.
    Limit limit() const { return limit_; }
    /// The read that hit the limit, in bytes.
    long limitRead() const { return limitRead_; }
    /// Bytes handed out so far.
    long handedOut() const { return handedOut_; }

    /// Keeps `block`, read at `offset`, to hand it out again when TagLib reads just that (the
    /// shim looks at a tag before TagLib parses it: the tag is read once).
    void keep(long offset, const TagLib::ByteVector &block) {
        keptOffset_ = offset;
        kept_ = block;
    }

    void writeBlock(const TagLib::ByteVector &) override {}
    void insert(const TagLib::ByteVector &, unsigned long, unsigned long) override {}
    void removeBlock(unsigned long, unsigned long) override {}
    bool readOnly() const override { return true; }
    bool isOpen() const override { return fd_ >= 0; }

    // As fseek does, a seek before the start (or beyond what a long holds: TagLib adds sizes read
    // from the file to offsets) leaves the position where it was. Going back to 0 instead would
    // send TagLib's MP4 atom loop round for ever.
    void seek(long offset, Position p) override {
        long base = p == Beginning ? 0 : p == Current ? position_ : size_;
        long target;
        if (__builtin_add_overflow(base, offset, &target) || target < 0) return;
        position_ = target;
    }

    void clear() override {}
    long tell() const override { return position_; }
    long length() override { return size_; }
    void truncate(long) override {}

private:
    TagLib::ByteVector stop(Limit limit, long n) {
        limit_ = limit;
        limitRead_ = n;
        return TagLib::ByteVector();
    }

    struct Page {
        long index = -1;  // offset / pageBytes; -1: empty
        long bytes = 0;   // valid bytes (the last page of a file is short)
        std::array<char, pageBytes> data;
    };

    // Serves [offset, offset + n) when it lies within one page, loading the page on first use.
    bool copyFromPage(char *to, long offset, long n) {
        long index = offset / pageBytes;
        if ((offset + n - 1) / pageBytes != index) return false;
        const Page *page = load(index);
        long start = offset - index * pageBytes;
        if (!page || start + n > page->bytes) return false;
        std::memcpy(to, page->data.data() + start, static_cast<size_t>(n));
        return true;
    }

    const Page *load(long index) {
        for (size_t i = 0; i < used_; i++) {
            if (pages_[i].index == index) return &pages_[i];
        }
        // Few pages are ever touched; when all are taken, reuse them in turn.
        Page &page = pages_[used_ < pageCount ? used_++ : (next_++ % pageCount)];
        page.index = index;
        page.bytes = std::max(readAt(page.data.data(), index * pageBytes, pageBytes), 0L);
        return page.bytes > 0 ? &page : nullptr;
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
    bool isSpecial_ = false;
    bool isDirectory_ = false;
    long size_ = 0;
    long position_ = 0;
    long handedOut_ = 0;
    long searchReads_ = 0;
    Limit limit_ = Limit::none;
    long limitRead_ = 0;
    long keptOffset_ = -1;
    TagLib::ByteVector kept_;
    std::array<Page, pageCount> pages_;
    size_t used_ = 0, next_ = 0;
};

}  // namespace shelfmirror
