#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MirrorTags

/// Why `scan` with no path left a file the server listed unopened.
public enum SkipReason: String, Sendable, CaseIterable {
    /// Outside every library folder once `..` and symbolic links are resolved.
    case outsideRoots = "outside the library folders"
    /// A folder, a named pipe, a device or a socket.
    case notRegularFile = "not a regular file"
    /// A regular file whose name is not an audio file's.
    case notAudio = "not an audio file"
}

/// A file the server listed that `scan` did not open.
public struct SkippedFile: Sendable, Equatable {
    public var reason: SkipReason
    /// The path the server gave.
    public var serverPath: String
    /// Where it led on this machine: after the path maps, `..` and symbolic links.
    public var localPath: String
}

/// The files the server listed that `scan` did not open: how many for each reason, and the
/// first few of each as examples.
public struct SkippedFiles: Sendable {
    public static let examplesPerReason = 3

    public private(set) var counts: [SkipReason: Int] = [:]
    public private(set) var examples: [SkippedFile] = []

    public init() {}

    public var total: Int { counts.values.reduce(0, +) }

    public subscript(reason: SkipReason) -> Int { counts[reason] ?? 0 }

    mutating func add(_ file: SkippedFile) {
        counts[file.reason, default: 0] += 1
        if counts[file.reason]! <= Self.examplesPerReason { examples.append(file) }
    }
}

/// The folders that `scan` with no path may read, and the check of each file the server lists.
///
/// A path is judged by where it really leads: `realpath` resolves `..` and every symbolic link,
/// then the result must lie inside a root (whole path components: /lib admits /lib/a, never
/// /lib2/a), be a regular file by `lstat` (a named pipe would block whoever opens it), and have
/// an audio file's name. Nothing is opened to decide.
struct LibraryRoots {
    /// A root as the user or the server gave it, and where it really is.
    struct Root {
        /// Absolute, without `.` or `..`: it leads to `real` through its symbolic links alone.
        var given: String
        /// The real path, ending in "/": `realpath` never ends a path so, nor doubles a "/", so
        /// the paths inside the root are exactly those that begin with it.
        var realFolder: String
    }

    enum Verdict: Equatable {
        /// A regular audio file inside a root, with its size and modification time: read it at
        /// `path` (the root as given, then the file's real path inside the root's real path).
        case read(FoundFile)
        /// Nothing there (or not reachable: a folder on the way cannot be entered).
        case notFound
        case skipped(SkipReason, realPath: String)
    }

    let roots: [Root]

    /// The roots among `paths` that exist here; relative paths are taken from the working folder.
    init(_ paths: [String]) {
        roots = paths.compactMap { path in
            guard let real = Self.realPath(path) else { return nil }
            let absolute = URL(fileURLWithPath: path).path
            let parts = absolute.split(separator: "/").filter { $0 != "." }
            // A `..` after a symbolic link does not go where it reads: take the real path then.
            let given = parts.contains("..") ? real : "/" + parts.joined(separator: "/")
            return Root(given: given, realFolder: real == "/" ? real : real + "/")
        }
    }

    func check(_ path: String) -> Verdict {
        guard let real = Self.realPath(path) else { return .notFound }
        let folder = real + "/"
        // The innermost root that holds it (or is it).
        guard let root = roots.filter({ folder.hasPrefix($0.realFolder) })
            .max(by: { $0.realFolder.utf8.count < $1.realFolder.utf8.count }) else {
            return .skipped(.outsideRoots, realPath: real)
        }
        var st = stat()
        guard lstat(real, &st) == 0 else { return .notFound }
        guard st.st_mode & S_IFMT == S_IFREG else { return .skipped(.notRegularFile, realPath: real) }
        let name = real.lastIndex(of: "/").map { String(real[real.index(after: $0)...]) } ?? real
        guard AudioExtensions.isAudio(name) else { return .skipped(.notAudio, realPath: real) }
        let inside = folder.utf8.count > root.realFolder.utf8.count ? String(real.utf8.dropFirst(root.realFolder.utf8.count))! : ""
        let readPath = inside.isEmpty ? root.given : root.given == "/" ? "/" + inside : root.given + "/" + inside
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        return .read(FoundFile(path: readPath, sizeBytes: Int64(st.st_size), mtimeNs: mtime))
    }

    /// `realpath(3)`: absolute, every `.`, `..` and symbolic link resolved; nil when it fails.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
