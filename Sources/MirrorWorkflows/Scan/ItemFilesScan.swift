import Foundation
import MirrorCore
import MirrorStore
import MirrorTags

/// What `scan` with no path did: the scan of the items' files, the files it could not reach,
/// and those it would not open.
public struct ItemFilesScanSummary: Sendable {
    public var scan: ScanSummary?
    public var files: Int
    public var unreachable: Int
    public var itemsUnreachable: Int
    /// One server path that could not be found here, and where it was looked for.
    public var example: (server: String, local: String)?
    /// Files the server listed outside the library folders, or that are not regular audio
    /// files: counted, never opened.
    public var skipped = SkippedFiles()
    /// The folders the files had to be in: the local sides of the path maps, or without a map
    /// the library folders the server reported.
    public var roots: [String] = []
}

extension ScanWorkflow {
    /// Scans the audio files of the mirrored items, mapping the server's paths to this machine's
    /// with `pathMaps` (first matching prefix wins), and links each file to its item. Files that
    /// cannot be reached are counted, not treated as errors of the files.
    ///
    /// The server's paths are not trusted: only regular audio files inside the library folders
    /// are read (the local sides of `pathMaps`; without a map, the library folders the mirror
    /// holds from the server), judged after `..` and symbolic links are resolved (see
    /// `LibraryRoots`). The rest is counted by reason in `skipped` and never opened.
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
        let rootPaths = pathMaps.isEmpty ? try mirror.libraryFolders() : pathMaps.map(\.local)
        let roots = LibraryRoots(rootPaths)
        var toRead: [FoundFile] = []
        var reading = Set<String>()
        var links: [(path: String, itemId: String)] = []
        var unreachableItems = Set<String>()
        var unreachable = 0
        var example: (server: String, local: String)?
        var summary = ItemFilesScanSummary(scan: nil, files: files.count, unreachable: 0, itemsUnreachable: 0, roots: rootPaths)
        for file in files {
            let local = pathMaps.lazy.compactMap { $0.local(for: file.path) }.first ?? file.path
            switch roots.check(local) {
            case .read(let found):
                if reading.insert(found.path).inserted { toRead.append(found) }
                links.append((found.path, file.itemId))
            case .notFound:
                unreachable += 1
                unreachableItems.insert(file.itemId)
                if example == nil { example = (file.path, local) }
            case .skipped(let reason, let realPath):
                summary.skipped.add(SkippedFile(reason: reason, serverPath: file.path, localPath: realPath))
            }
        }
        summary.unreachable = unreachable
        summary.itemsUnreachable = unreachableItems.count
        summary.example = example
        guard !toRead.isEmpty else {
            throw nothingToRead(files: files.count, summary: summary, pathMaps: pathMaps)
        }
        summary.scan = try run(mirror: mirror, files: toRead, options: options, progress: progress)
        try mirror.linkFiles(links)
        return summary
    }

    /// Why no file was read, and what to check.
    private static func nothingToRead(files: Int, summary: ItemFilesScanSummary, pathMaps: [PathMap]) -> WorkflowError {
        // Server paths go into the message: shown escaped, on one line, cut.
        func shown(_ path: String) -> String { TerminalText.line(path, limit: 160) }
        let skipped = summary.skipped
        guard skipped.total > 0 else {
            let example = summary.example
            let hint = pathMaps.isEmpty
                ? "If the server sees the files under another path, map it: --path-map \(shown(guessPrefix(example?.server)))=/where/they/are/here"
                : "Check --path-map (now \(shown(pathMaps.map(\.description).joined(separator: ", ")))): e.g. \(shown(example?.server ?? "")) was looked for at \(shown(example?.local ?? ""))."
            return WorkflowError(summary: "none of the \(files) audio files of the mirrored items can be found on this machine",
                                 hint: hint, kind: .noInput)
        }
        let first = skipped.examples[0]
        let folders = summary.roots.isEmpty ? "none known" : summary.roots.map(shown).joined(separator: ", ")
        return WorkflowError(
            summary: "none of the \(files) audio files of the mirrored items can be read here: "
                + describe(skipped) + (summary.unreachable > 0 ? "; \(summary.unreachable) are not on this machine" : ""),
            hint: "e.g. the server lists \(shown(first.serverPath)), which leads to \(shown(first.localPath)): \(first.reason.rawValue). "
                + "scan reads only audio files inside the library folders (\(folders)); "
                + (pathMaps.isEmpty ? "map the server's folders to this machine's with --path-map SERVER=LOCAL." : "check --path-map."),
            kind: .noInput)
    }

    /// "2 outside the library folders, 1 not a regular file".
    public static func describe(_ skipped: SkippedFiles) -> String {
        SkipReason.allCases.filter { skipped[$0] > 0 }.map { "\(skipped[$0]) \($0.rawValue)" }.joined(separator: ", ")
    }

    /// "/audiobooks" for "/audiobooks/Author/Book/file.m4b".
    public static func guessPrefix(_ path: String?) -> String {
        guard let path else { return "/server/path" }
        let parts = path.split(separator: "/")
        return parts.first.map { "/" + $0 } ?? "/server/path"
    }
}
