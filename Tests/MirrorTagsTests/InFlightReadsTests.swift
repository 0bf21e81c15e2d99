import Foundation
@testable import MirrorTags
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The in-flight file: readers note the file they read; the next scan decides which of the files a
/// stopped scan was reading are to blame.
struct InFlightReadsTests {
    static let book = FoundFile(path: "/books/Book/part 1.mp3", sizeBytes: 1234, mtimeNs: 5678)
    static let other = FoundFile(path: "/books/Other/part 2.mp3", sizeBytes: 99, mtimeNs: 42)

    private func leftover(_ entries: [InFlightReads.Entry], crashElsewhere: Int32? = nil) -> InFlightReads.Leftover {
        InFlightReads.Leftover(pid: 1, crashSignal: crashElsewhere, entries: entries)
    }

    @Test func aReaderNotesTheFileItReadsUntilItIsDone() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("mirror.sqlite.scan-inflight")
        var reads = InFlightReads(path: path, readers: 2)
        try #require(reads != nil)
        // Unowned: the reader thread may outlive the read a little, and must not keep it open.
        unowned let open = reads!
        let seen = await onOwnThread { () -> (reading: InFlightReads.Leftover?, done: InFlightReads.Leftover?) in
            open.enter(slot: 1)
            open.begin(Self.book)
            let reading = InFlightReads.leftover(at: path)
            open.end()
            let done = InFlightReads.leftover(at: path)
            open.leave()
            return (reading, done)
        }
        #expect(seen.reading?.entries == [InFlightReads.Entry(file: Self.book, crashSignal: nil)])
        #expect(seen.reading?.pid == getpid())
        #expect(seen.done?.entries == [])
        reads = nil
        // A scan that ends by itself leaves nothing behind.
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(InFlightReads.leftover(at: path) == nil)
    }

    @Test func aFileAReaderCrashedOnIsUnreadableAtOnce() {
        let (stopped, suspects) = InFlightReads.decide(leftover([.init(file: Self.book, crashSignal: SIGSEGV)]), previous: nil)
        #expect(stopped == [.init(file: Self.book, message: "the last scan stopped while reading this file: it crashed (signal 11, SIGSEGV)")])
        #expect(suspects.isEmpty)
    }

    @Test func aFileBeingReadWhenTheProcessWasKilledGetsOneMoreChance() {
        // The kill may have come from outside (Ctrl-C, kill -9): the file is read again once.
        let (stopped, suspects) = InFlightReads.decide(leftover([.init(file: Self.book, crashSignal: nil)]), previous: nil)
        #expect(stopped.isEmpty)
        #expect(suspects == [Self.book])
    }

    @Test func aFileTwoStoppedScansInARowWereReadingIsUnreadable() {
        let previous = leftover([.init(file: Self.book, crashSignal: nil), .init(file: Self.other, crashSignal: nil)])
        let (stopped, suspects) = InFlightReads.decide(leftover([.init(file: Self.book, crashSignal: nil)]), previous: previous)
        #expect(stopped.map(\.file) == [Self.book])
        #expect(stopped.first?.message == "the last scan stopped while reading this file, and so did the scan before it (killed, out of memory, or stuck?)")
        #expect(suspects.isEmpty)
    }

    @Test func aFileChangedSinceTheScanBeforeIsNotBlamedForIt() {
        var changed = Self.book
        changed.mtimeNs += 1
        let (stopped, suspects) = InFlightReads.decide(leftover([.init(file: changed, crashSignal: nil)]),
                                                       previous: leftover([.init(file: Self.book, crashSignal: nil)]))
        #expect(stopped.isEmpty)
        #expect(suspects == [changed])
    }

    @Test func aCrashOnAThreadThatWasNotReadingBlamesNoFile() {
        let (stopped, suspects) = InFlightReads.decide(leftover([.init(file: Self.book, crashSignal: nil)], crashElsewhere: SIGABRT),
                                                       previous: leftover([.init(file: Self.book, crashSignal: nil)]))
        #expect(stopped.isEmpty)
        #expect(suspects.isEmpty)
    }

    @Test func theFilesOfAKilledScanAreKeptForTheNextStopThenForgotten() async throws {
        let folder = try TemporaryFolder()
        let path = folder.file("mirror.sqlite.scan-inflight")
        try await leaveBehind(reading: Self.book, at: path)

        #expect(InFlightReads.recover(at: path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(InFlightReads.leftover(at: path + ".previous")?.entries.map(\.file) == [Self.book])

        // Stopped on the same file again: now it is to blame.
        try await leaveBehind(reading: Self.book, at: path)
        #expect(InFlightReads.recover(at: path).map(\.file) == [Self.book])
        #expect(!FileManager.default.fileExists(atPath: path + ".previous"))

        // A scan that finishes forgets the files of the scan killed before it.
        try await leaveBehind(reading: Self.other, at: path)
        _ = InFlightReads.recover(at: path)
        #expect(FileManager.default.fileExists(atPath: path + ".previous"))
        InFlightReads.forgetSuspects(at: path)
        #expect(!FileManager.default.fileExists(atPath: path + ".previous"))
    }

    /// Leaves at `path` the in-flight file of a scan killed while reading `file`: a copy of the
    /// mapped file taken mid-read, put back once the reads are closed.
    private func leaveBehind(reading file: FoundFile, at path: String) async throws {
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
        // The reads are closed (their file removed); the snapshot takes its place.
        #expect(!FileManager.default.fileExists(atPath: path))
        try FileManager.default.moveItem(atPath: snapshot, toPath: path)
    }
}
