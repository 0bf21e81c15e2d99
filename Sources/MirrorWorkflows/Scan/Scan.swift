import Foundation
import MirrorCore
import MirrorStore
import MirrorTags

public struct ScanOptions: Sendable {
    /// Read every file, even those whose size and modification time are unchanged.
    public var full = false
    /// Read again the unchanged files recorded as unreadable (those a stopped scan left, too).
    public var retryBad = false
    /// Reader threads; defaults to the number of cores.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Files stored per transaction.
    public var batchSize = 256

    public init(full: Bool = false, retryBad: Bool = false, jobs: Int? = nil) {
        self.full = full
        self.retryBad = retryBad
        if let jobs { self.jobs = max(1, jobs) }
    }
}

public struct ScanProgress: Sendable {
    public var read: Int
    public var toRead: Int
}

/// What a scan did.
public struct ScanSummary: Sendable {
    public var runId: Int64
    public var roots: [String]
    public var counts: ScanCounts
    public var seconds: Double
    /// Files that could not be read, with why (the mirror has all of them).
    public var unreadable: [(path: String, message: String)]
    /// Folders or links the walk could not enter.
    public var walkProblems: [WalkProblem]
    /// Earlier scan runs found stopped (killed or crashed) and marked failed.
    public var stoppedRuns: [Int64] = []
    /// Files a stopped scan was reading, now recorded as unreadable, with why.
    public var stoppedReads: [(path: String, message: String)] = []
}

public struct ScanError: UserFacingError {
    public var path: String
    public var reason: String
    public var kind: FailureKind { .noInput }
    public var summary: String { "cannot scan \(path): \(reason)" }
    public var hint: String? { "Check the path (and that its disk or share is mounted); nothing was marked as removed." }
}

/// `scan`: walk folders, read new or changed audio files through TagLib on every core as the walk
/// finds them, store them batch by batch (a killed scan keeps what it stored, and the next one goes
/// on from there), then mark files that are gone.
///
/// One file must never end a scan for good: the readers note the file each is reading in
/// `<mirror>.scan-inflight`; the next scan marks a run left `running` as failed and records the
/// files that run stopped on as unreadable (see `InFlightReads` for which), so that it, and the
/// scans after it, skip them unless asked (`retryBad`, `full`).
public enum ScanWorkflow {
    /// The error of a scan run found still running by the next scan.
    public static let stoppedRunError = "stopped before it finished: the process was killed or crashed"

    public static func run(
        mirror: Mirror,
        roots rawRoots: [String],
        options: ScanOptions = ScanOptions(),
        progress: (ScanProgress) -> Void = { _ in }
    ) throws -> ScanSummary {
        let roots = try rawRoots.map(absoluteExistingPath)
        return try run(mirror: mirror, source: .walk(roots), options: options, progress: progress)
    }

    /// Scans exactly `files`, found and checked already (each a regular audio file at an
    /// absolute path, once), as a walk would have found them: nothing is walked, and no other
    /// path is looked at.
    static func run(
        mirror: Mirror,
        files: [FoundFile],
        options: ScanOptions,
        progress: (ScanProgress) -> Void
    ) throws -> ScanSummary {
        try run(mirror: mirror, source: .files(files), options: options, progress: progress)
    }

    /// Where a scan's files come from.
    private enum Source {
        /// The audio files under these folders (or these files), absolute paths.
        case walk([String])
        /// These files and no others.
        case files([FoundFile])

        /// The paths the scan is of: those of `scan_runs.roots`, and those under which files not met are gone.
        var roots: [String] {
            switch self {
            case .walk(let roots): roots
            case .files(let files): files.map(\.path)
            }
        }
    }

    private static func run(
        mirror: Mirror,
        source: Source,
        options: ScanOptions,
        progress: (ScanProgress) -> Void
    ) throws -> ScanSummary {
        let started = Date()
        let roots = source.roots
        // The writer lock is held: a run still `running` is a scan that stopped.
        let inFlightPath = inFlightPath(of: mirror)
        let stoppedRuns = try mirror.failStoppedScanRuns(error: stoppedRunError)
        let stoppedReads = inFlightPath.map(InFlightReads.recover(at:)) ?? []
        let runId = try mirror.beginScanRun(roots: roots, full: options.full)
        var counts = ScanCounts()
        var unreadable: [(path: String, message: String)] = []
        do {
            if !stoppedReads.isEmpty {
                let now = ISO8601.now()
                try mirror.save(stoppedReads.map { read in
                    let failure = ReadFailure(reason: .stoppedScan, message: read.message)
                    let file = ScannedFile(path: read.file.path, sizeBytes: read.file.sizeBytes, mtimeNs: read.file.mtimeNs,
                                           outcome: .failure(failure))
                    return Mirror.prepare(file, runId: runId, scannedAt: now)
                })
            }
            let known = try mirror.knownFiles(under: roots)
            // Files known but not met by the walk (yet).
            var unseen = known
            var walkProblems: [WalkProblem] = []
            var toRead = 0
            var read = 0
            let scannedAt = ISO8601.now()
            let inFlight = inFlightPath.flatMap { InFlightReads(path: $0, readers: options.jobs) }
            defer { inFlight?.close() }  // the readers have left when `read` returns or throws
            let reader = ParallelReader(jobs: options.jobs, batchSize: options.batchSize, inFlight: inFlight) { file in
                let failure: ReadFailure? = if case .failure(let failure) = file.outcome { failure } else { nil }
                return (path: file.path, failure: failure, row: Mirror.prepare(file, runId: runId, scannedAt: scannedAt))
            }
            try reader.read(feed: { enqueue in
                // Reading starts with the first file the walk finds.
                func found(_ file: FoundFile) {
                    counts.seen += 1
                    if let old = unseen.removeValue(forKey: file.path) {
                        if !options.full, !(options.retryBad && old.failed), !old.removed,
                           old.sizeBytes == file.sizeBytes, old.mtimeNs == file.mtimeNs {
                            counts.unchanged += 1
                            return
                        }
                        counts.changed += 1
                    } else {
                        counts.new += 1
                    }
                    toRead += 1
                    enqueue(file)
                }
                switch source {
                case .walk(let roots): walkProblems = FolderWalker.walk(roots: roots, found: found)
                case .files(let files): for file in files { found(file) }
                }
                progress(ScanProgress(read: 0, toRead: toRead))
            }, store: { batch in
                try mirror.save(batch.map(\.row))
                for file in batch {
                    if let failure = file.failure {
                        counts.errors += 1
                        unreadable.append((file.path, failure.message))
                    }
                }
                read += batch.count
                progress(ScanProgress(read: read, toRead: toRead))
            })
            // Gone: known, not found, and not inside a folder the walk could not read.
            let unreachable = walkProblems.map(\.path)
            let gone = unseen.filter { path, file in
                !file.removed && !unreachable.contains { path == $0 || path.hasPrefix($0 + "/") }
            }.map(\.key).sorted()
            try mirror.markRemoved(paths: gone, runId: runId)
            counts.removed = gone.count
            let seconds = Date().timeIntervalSince(started)
            try mirror.finishScanRun(id: runId, counts: counts, duration: seconds, error: nil)
            if let inFlightPath { InFlightReads.forgetSuspects(at: inFlightPath) }
            return ScanSummary(runId: runId, roots: roots, counts: counts, seconds: seconds,
                               unreadable: unreadable, walkProblems: walkProblems, stoppedRuns: stoppedRuns,
                               stoppedReads: stoppedReads.map { ($0.file.path, $0.message) })
        } catch {
            try? mirror.finishScanRun(id: runId, counts: counts, duration: Date().timeIntervalSince(started),
                                      error: String(describing: error))
            throw error
        }
    }

    /// `<mirror>.scan-inflight`, beside the real file (as the writer lock is); nil for a mirror in memory.
    static func inFlightPath(of mirror: Mirror) -> String? {
        guard mirror.path != ":memory:" else { return nil }
        return URL(fileURLWithPath: mirror.path).resolvingSymlinksInPath().path + ".scan-inflight"
    }

    private static func absoluteExistingPath(_ raw: String) throws -> String {
        let path = URL(fileURLWithPath: raw).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScanError(path: raw, reason: "no such file or folder")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ScanError(path: raw, reason: "permission denied")
        }
        return path
    }
}
