import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock beside the mirror (`<mirror>.lock`), held by every command that
/// writes. The kernel releases it when the process ends, even on SIGKILL, so a killed run never
/// leaves the mirror locked; a second writer is told the mirror is busy instead of waiting.
final class MirrorLock {
    private let fd: Int32

    init(mirrorPath: String) throws {
        let lockPath = mirrorPath + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(.cannotOpen("cannot create the lock file \(lockPath): \(String(cString: strerror(errno)))"), path: mirrorPath)
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = Self.readPid(fd)
            close(fd)
            throw StoreError(.busy(pid: holder), path: mirrorPath)
        }
        // Record who holds it, for the message the next writer gets.
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    private static func readPid(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, 31, 0)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
