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
public enum FolderWalker {
    public struct Outcome: Sendable {
        public var files: [FoundFile] = []
        public var problems: [WalkProblem] = []
    }

    private struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    public static func walk(roots: [String]) -> Outcome {
        var outcome = Outcome()
        var visited = Set<DirectoryID>()
        var seenFiles = Set<String>()
        for root in roots {
            var st = stat()
            guard stat(root, &st) == 0 else {
                outcome.problems.append(WalkProblem(path: root, message: errorText(errno)))
                continue
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                walkDirectory(root, st, &visited, &seenFiles, &outcome)
            } else if (st.st_mode & S_IFMT) == S_IFREG {
                if seenFiles.insert(root).inserted { outcome.files.append(found(root, st)) }
            } else {
                outcome.problems.append(WalkProblem(path: root, message: "not a file or folder"))
            }
        }
        return outcome
    }

    private static func walkDirectory(_ path: String, _ st: stat, _ visited: inout Set<DirectoryID>,
                                      _ seenFiles: inout Set<String>, _ outcome: inout Outcome) {
        guard visited.insert(DirectoryID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))).inserted else {
            outcome.problems.append(WalkProblem(path: path, message: "folder already walked (symbolic link loop?): not entered again"))
            return
        }
        guard let dir = opendir(path) else {
            outcome.problems.append(WalkProblem(path: path, message: errorText(errno)))
            return
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name.hasPrefix(".") { continue }  // ".", "..", hidden files, macOS "._" droppings
            names.append(name)
        }
        closedir(dir)
        names.sort()
        let prefix = path.hasSuffix("/") ? path : path + "/"
        for name in names {
            let child = prefix + name
            var cst = stat()
            if stat(child, &cst) != 0 {
                let code = errno
                var lst = stat()
                if lstat(child, &lst) == 0, (lst.st_mode & S_IFMT) == S_IFLNK {
                    if AudioExtensions.isAudio(name) {
                        outcome.problems.append(WalkProblem(path: child, message: "broken symbolic link"))
                    }
                } else {
                    outcome.problems.append(WalkProblem(path: child, message: errorText(code)))
                }
                continue
            }
            switch cst.st_mode & S_IFMT {
            case S_IFDIR:
                walkDirectory(child, cst, &visited, &seenFiles, &outcome)
            case S_IFREG where AudioExtensions.isAudio(name):
                if seenFiles.insert(child).inserted { outcome.files.append(found(child, cst)) }
            default:
                continue
            }
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
