import Foundation
import MirrorCore
import MirrorStore
import MirrorTags
@testable import MirrorWorkflows
import TestSupport
import Testing

/// A scan that stopped (killed, crashed) is found by the next: its run is marked failed, and a
/// file it stopped on twice in a row is recorded as unreadable and skipped until retried. (The
/// crash itself is in ShelfMirrorCLITests.ScanCrashTests: it needs a process to crash.)
struct StoppedScanTests {
    private func rows(_ mirror: Mirror, _ sql: String) throws -> [[QueryValue]] {
        var rows: [[QueryValue]] = []
        try mirror.query(sql, timeout: 5, columns: { _ in }, row: { rows.append($0) })
        return rows
    }

    /// What a scan killed while reading `file` leaves: its run `running`, and its in-flight file.
    private func killScan(of mirror: Mirror, reading file: FoundFile, roots: [String]) async throws -> Int64 {
        let run = try mirror.beginScanRun(roots: roots, full: false)
        let path = try #require(ScanWorkflow.inFlightPath(of: mirror))
        let snapshot = path + ".snapshot"
        do {
            let reads = try #require(InFlightReads(path: path, readers: 1))
            unowned let open = reads
            let copied = await onOwnThread {
                open.enter(slot: 0)
                open.begin(file)
                let copied = (try? FileManager.default.copyItem(atPath: path, toPath: snapshot)) != nil
                open.end()
                open.leave()
                return copied
            }
            try #require(copied)
            withExtendedLifetime(reads) {}
        }
        try FileManager.default.moveItem(atPath: snapshot, toPath: path)
        return run
    }

    /// The file as a scan's walk sees it (size, modification time).
    private func found(_ path: String) throws -> FoundFile {
        try #require(FolderWalker.walk(roots: [path]).files.first)
    }

    @Test func aRunKilledOnceIsMarkedFailedAndItsFileIsReadAgain() async throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        let tagged = try found(audio.appendingPathComponent("tagged.mp3").path)
        let killed = try await killScan(of: mirror, reading: tagged, roots: [audio.path])

        let summary = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        #expect(summary.stoppedRuns == [killed])
        #expect(summary.stoppedReads.isEmpty)
        #expect(summary.counts.new == 16)
        #expect(try rows(mirror, "SELECT status, error FROM scan_runs WHERE id = \(killed)")
            == [[.text("failed"), .text("stopped before it finished: the process was killed or crashed")]])
        #expect(try rows(mirror, "SELECT title, error FROM file_tags WHERE path = '\(tagged.path)'") == [[.text("Prélude"), .null]])
        // The scan finished: nothing is kept for the next stop.
        let inFlight = try #require(ScanWorkflow.inFlightPath(of: mirror))
        #expect(!FileManager.default.fileExists(atPath: inFlight))
        #expect(!FileManager.default.fileExists(atPath: inFlight + ".previous"))
    }

    @Test func aFileTwoKilledScansStoppedOnIsRecordedThenSkippedUntilRetried() async throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        let tagged = try found(audio.appendingPathComponent("tagged.mp3").path)
        let inFlight = try #require(ScanWorkflow.inFlightPath(of: mirror))

        // The first scan is killed reading the file; the second starts (as a scan starts), reads
        // it again, and is killed there too.
        _ = try await killScan(of: mirror, reading: tagged, roots: [audio.path])
        _ = try mirror.failStoppedScanRuns(error: ScanWorkflow.stoppedRunError)
        #expect(InFlightReads.recover(at: inFlight).isEmpty)
        let second = try await killScan(of: mirror, reading: tagged, roots: [audio.path])

        let third = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        #expect(third.stoppedRuns == [second])
        let message = "the last scan stopped while reading this file, and so did the scan before it (killed, out of memory, or stuck?)"
        #expect(third.stoppedReads.map(\.path) == [tagged.path])
        #expect(third.stoppedReads.map(\.message) == [message])
        #expect(third.counts.new == 15)
        #expect(third.counts.unchanged == 1)
        #expect(try rows(mirror, "SELECT title, error FROM file_tags WHERE path = '\(tagged.path)'") == [[.null, .text(message)]])

        // Unchanged and unreadable: skipped from now on, even by a scan that reads the rest again.
        let fourth = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        #expect(fourth.counts.unchanged == 16)
        #expect(fourth.stoppedRuns.isEmpty && fourth.stoppedReads.isEmpty)

        // Unless asked: --retry-bad reads the unreadable files again (and only those).
        let retried = try ScanWorkflow.run(mirror: mirror, roots: [audio.path], options: ScanOptions(retryBad: true))
        #expect(retried.counts.changed == 4)  // this one, and corrupt.mp3, empty.mp3, truncated.m4b
        #expect(retried.counts.unchanged == 12)
        #expect(try rows(mirror, "SELECT title, error FROM file_tags WHERE path = '\(tagged.path)'") == [[.text("Prélude"), .null]])
    }
}
