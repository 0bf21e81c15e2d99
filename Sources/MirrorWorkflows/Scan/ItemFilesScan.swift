import Foundation
import MirrorCore
import MirrorStore

/// What `scan` with no path did: the scan of the items' files, and the files it could not reach.
public struct ItemFilesScanSummary: Sendable {
    public var scan: ScanSummary?
    public var files: Int
    public var unreachable: Int
    public var itemsUnreachable: Int
    /// One server path that could not be found here, and where it was looked for.
    public var example: (server: String, local: String)?
}

extension ScanWorkflow {
    /// Scans the audio files of the mirrored items, mapping the server's paths to this machine's
    /// with `pathMaps` (first matching prefix wins), and links each file to its item. Files that
    /// cannot be reached are counted, not treated as errors of the files.
    public static func runForItems(
        mirror: Mirror,
        pathMaps: [PathMap],
        options: ScanOptions = ScanOptions(),
        progress: (ScanProgress) -> Void = { _ in }
    ) throws -> ItemFilesScanSummary {
        let files = try mirror.itemAudioFiles()
        guard !files.isEmpty else {
            throw WorkflowError(summary: "the mirror has no AudiobookShelf items yet",
                            hint: "Run `shelfmirror sync` first, or give folders to scan: shelfmirror scan ~/Audiobooks", kind: .noInput)
        }
        var reachable: [(path: String, itemId: String)] = []
        var unreachableItems = Set<String>()
        var unreachable = 0
        var example: (server: String, local: String)?
        for file in files {
            let local = pathMaps.lazy.compactMap { $0.local(for: file.path) }.first ?? file.path
            if FileManager.default.fileExists(atPath: local) {
                reachable.append((local, file.itemId))
            } else {
                unreachable += 1
                unreachableItems.insert(file.itemId)
                if example == nil { example = (file.path, local) }
            }
        }
        var summary = ItemFilesScanSummary(scan: nil, files: files.count, unreachable: unreachable,
                                           itemsUnreachable: unreachableItems.count, example: example)
        guard !reachable.isEmpty else {
            let hint = pathMaps.isEmpty
                ? "If the server sees the files under another path, map it: --path-map \(Self.guessPrefix(example?.server))=/where/they/are/here"
                : "Check --path-map (now \(pathMaps.map(\.description).joined(separator: ", "))): e.g. \(example?.server ?? "") was looked for at \(example?.local ?? "")."
            throw WorkflowError(summary: "none of the \(files.count) audio files of the mirrored items can be found on this machine",
                            hint: hint, kind: .noInput)
        }
        summary.scan = try run(mirror: mirror, roots: reachable.map(\.path), options: options, progress: progress)
        try mirror.linkFiles(reachable)
        return summary
    }

    /// "/audiobooks" for "/audiobooks/Author/Book/file.m4b".
    public static func guessPrefix(_ path: String?) -> String {
        guard let path else { return "/server/path" }
        let parts = path.split(separator: "/")
        return parts.first.map { "/" + $0 } ?? "/server/path"
    }
}
