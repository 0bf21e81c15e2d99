import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock beside the mirror (`<mirror>.lock`), held by every command that
/// writes. The kernel releases it when the process ends, even on SIGKILL, so a killed run never
/// leaves the mirror locked; a second writer is told the mirror is busy instead of waiting.
/// The lock belongs to the real file: a mirror reached through a symbolic link (to the file or to
/// a folder above it) is locked under the name the links lead to, so two writers cannot meet there
/// under two names.
final class MirrorLock {
    private let fd: Int32

    init(mirrorPath: String) throws {
        let lockPath = Self.realPath(of: mirrorPath) + ".lock"
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

    /// `path` with every symbolic link resolved: the file's own when it exists, else its folder's
    /// (the mirror is about to be created there). Falls back to `path` when neither resolves.
    static func realPath(of path: String) -> String {
        if let resolved = resolve(path) { return resolved }
        let url = URL(fileURLWithPath: path)
        guard let folder = resolve(url.deletingLastPathComponent().path) else { return path }
        return URL(fileURLWithPath: folder).appendingPathComponent(url.lastPathComponent).path
    }

    private static func resolve(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func readPid(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, 31, 0)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
