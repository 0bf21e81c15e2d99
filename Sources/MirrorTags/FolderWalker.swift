#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MirrorCore

/// A file found by a walk, with what `stat` says of it.
public struct FoundFile: Sendable, Equatable {
    public var path: String
    public var sizeBytes: Int64
    /// Modification time in nanoseconds since the epoch.
    public var mtimeNs: Int64

    public init(path: String, sizeBytes: Int64, mtimeNs: Int64) {
        self.path = path
        self.sizeBytes = sizeBytes
        self.mtimeNs = mtimeNs
    }
}

/// Something the walk could not enter or follow; reported, not fatal.
public struct WalkProblem: Sendable, Equatable {
    public var path: String
    public var message: String
}

/// Audio file names that AudiobookShelf treats as audio (case-insensitive).
public enum AudioExtensions {
    public static let all: Set<String> = [
        "mp3", "m4b", "m4a", "mp4", "aac", "flac", "ogg", "oga", "opus", "wav", "aif", "aiff",
        "wma", "ape", "mpc", "wv", "spx", "webm", "webma", "mka", "awb", "caf", "mpeg", "mpg",
    ]

    public static func isAudio(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return all.contains(name[name.index(after: dot)...].lowercased())
    }
}

/// Walks folders: follows symbolic links (a directory already on the walk is not entered again,
/// so link loops end), skips hidden entries, keeps audio files by extension, in name order.
/// A single file may be given as a root.
///
/// Entries are looked at relative to their open folder (`openat`, `fstatat`) and only audio files
/// and folders are `stat`ed, so the kernel never resolves a whole path again: on a warm page cache
/// the walk costs little more than the folder listings themselves.
public enum FolderWalker {
    public struct Outcome: Sendable {
        public var files: [FoundFile] = []
        public var problems: [WalkProblem] = []
    }

    private struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// Every audio file under `roots`, and what could not be walked.
    public static func walk(roots: [String]) -> Outcome {
        var files: [FoundFile] = []
        let problems = walk(roots: roots) { files.append($0) }
        return Outcome(files: files, problems: problems)
    }

    /// Calls `found` with each audio file as the walk meets it (each path once); returns what could
    /// not be walked.
    public static func walk(roots: [String], found: (FoundFile) -> Void) -> [WalkProblem] {
        // The walker lives only inside this call, so `found` does not escape.
        withoutActuallyEscaping(found) { walk(roots: roots, walker: Walker(found: $0)) }
    }

    private static func walk(roots: [String], walker: consuming Walker) -> [WalkProblem] {
        var walker = walker
        for root in roots {
            var st = stat()
            guard stat(root, &st) == 0 else {
                walker.problems.append(WalkProblem(path: root, message: errorText(errno)))
                continue
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard fd >= 0 else {
                    walker.problems.append(WalkProblem(path: root, message: errorText(errno)))
                    continue
                }
                walker.walkDirectory(fd: fd, path: root, st)
            case S_IFREG:
                walker.file(root, st)
            default:
                walker.problems.append(WalkProblem(path: root, message: "not a file or folder"))
            }
        }
        return walker.problems
    }

    private struct Walker {
        let found: (FoundFile) -> Void
        var problems: [WalkProblem] = []
        var visited = Set<DirectoryID>()
        var seenFiles = Set<String>()

        mutating func file(_ path: String, _ st: stat) {
            if seenFiles.insert(path).inserted { found(FolderWalker.found(path, st)) }
        }

        /// Walks the open folder `fd` (and closes it).
        mutating func walkDirectory(fd: Int32, path: String, _ st: stat) {
            guard visited.insert(DirectoryID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))).inserted else {
                close(fd)
                problems.append(WalkProblem(path: path, message: "folder already walked (symbolic link loop?): not entered again"))
                return
            }
            guard let dir = fdopendir(fd) else {
                problems.append(WalkProblem(path: path, message: errorText(errno)))
                close(fd)
                return
            }
            defer { closedir(dir) }
            var entries: [(name: String, type: UInt8)] = []
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
                }
                if name.hasPrefix(".") { continue }  // ".", "..", hidden files, macOS "._" droppings
                entries.append((name, entry.pointee.d_type))
            }
            entries.sort { $0.name < $1.name }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            for (name, type) in entries {
                switch Int(type) {
                case Int(DT_REG):
                    guard AudioExtensions.isAudio(name) else { continue }
                    var cst = stat()
                    if fstatat(fd, name, &cst, 0) == 0 {
                        file(prefix + name, cst)
                    } else {
                        problems.append(WalkProblem(path: prefix + name, message: errorText(errno)))
                    }
                case Int(DT_DIR):
                    enter(fd, name, prefix + name)
                case Int(DT_LNK), Int(DT_UNKNOWN):
                    // A link (or a file system that does not tell): look at what it leads to.
                    var cst = stat()
                    guard fstatat(fd, name, &cst, 0) == 0 else {
                        let code = errno
                        var lst = stat()
                        if fstatat(fd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0, (lst.st_mode & S_IFMT) == S_IFLNK {
                            if AudioExtensions.isAudio(name) {
                                problems.append(WalkProblem(path: prefix + name, message: "broken symbolic link"))
                            }
                        } else {
                            problems.append(WalkProblem(path: prefix + name, message: errorText(code)))
                        }
                        continue
                    }
                    switch cst.st_mode & S_IFMT {
                    case S_IFDIR: enter(fd, name, prefix + name)
                    case S_IFREG where AudioExtensions.isAudio(name): file(prefix + name, cst)
                    default: continue
                    }
                default:
                    continue  // devices, pipes, sockets
                }
            }
        }

        private mutating func enter(_ parent: Int32, _ name: String, _ path: String) {
            let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            var st = stat()
            guard fd >= 0, fstat(fd, &st) == 0 else {
                problems.append(WalkProblem(path: path, message: errorText(errno)))
                if fd >= 0 { close(fd) }
                return
            }
            walkDirectory(fd: fd, path: path, st)
        }
    }

    private static func found(_ path: String, _ st: stat) -> FoundFile {
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        return FoundFile(path: path, sizeBytes: Int64(st.st_size), mtimeNs: mtime)
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
