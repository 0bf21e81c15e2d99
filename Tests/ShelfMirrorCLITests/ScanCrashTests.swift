import Foundation
import MirrorStore
import TestSupport
import Testing

/// A file that crashes the scan (the shim's test hook, SHELFMIRROR_TEST_CRASH_ON, overflows the
/// stack when it reads a file of that name, as a parser bug would) ends that scan only: the next
/// scan marks the run failed, records the file as unreadable, and goes on; later scans skip it
/// until `--retry-bad`.
struct ScanCrashTests {
    private func value(_ db: String, _ sql: String) throws -> QueryValue? {
        let mirror = try Mirror.openReadOnly(path: db)
        var value: QueryValue?
        try mirror.query(sql, timeout: 5, columns: { _ in }, row: { value = $0.first })
        return value
    }

    @Test func aFileThatCrashesTheScanIsRecordedAndSkippedUntilRetried() async throws {
        let folder = try TemporaryFolder()
        let library = folder.url.appendingPathComponent("library")
        try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
        for (fixture, name) in [("tagged.m4b", "a.m4b"), ("tagged.mp3", "boom.mp3"), ("tagged.flac", "z.flac")] {
            try FileManager.default.copyItem(at: Fixtures.audio.appendingPathComponent(fixture), to: library.appendingPathComponent(name))
        }
        let db = folder.file("mirror.sqlite")
        let boom = library.appendingPathComponent("boom.mp3").path
        // Swift's backtracer would take 12 s to walk the overflowed stack; the crash is the same without it.
        let crashOnBoom = ["SHELFMIRROR_TEST_CRASH_ON": "boom.mp3", "SWIFT_BACKTRACE": "enable=no"]

        let crashed = try await Binary.run(["scan", library.path, "--db", db, "--jobs", "1"], environment: crashOnBoom)
        #expect(crashed.status == SIGSEGV, "\(crashed.stderr)")
        #expect(try value(db, "SELECT status FROM scan_runs") == .text("running or interrupted"))
        #expect(FileManager.default.fileExists(atPath: db + ".scan-inflight"))

        // The next scan (the hook still armed) does not read the file again, and finishes.
        let next = try await Binary.run(["scan", library.path, "--db", db], environment: crashOnBoom)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("The scan run 1 did not finish (killed or crashed); it is marked failed."))
        let message = "the last scan stopped while reading this file: it crashed (signal 11, SIGSEGV)"
        #expect(next.stderr.contains("unreadable: \(boom): \(message); skipped from now on (--retry-bad reads it again)"))
        #expect(try value(db, "SELECT status || ': ' || error FROM scan_runs WHERE id = 1")
            == .text("failed: stopped before it finished: the process was killed or crashed"))
        #expect(try value(db, "SELECT error FROM file_tags WHERE path = '\(boom)'") == .text(message))
        #expect(try value(db, "SELECT count(*) FROM file_tags WHERE error IS NULL AND title = 'Prélude'") == .integer(2))
        #expect(!FileManager.default.fileExists(atPath: db + ".scan-inflight"))

        let again = try await Binary.run(["scan", library.path, "--db", db], environment: crashOnBoom)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("0 new, 0 changed, 3 unchanged"))

        // --retry-bad reads it again (here the hook is off, as a fixed TagLib would be).
        let retried = try await Binary.run(["scan", library.path, "--db", db, "--retry-bad"])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stderr.contains("0 new, 1 changed, 2 unchanged, 0 unreadable"))
        #expect(try value(db, "SELECT title FROM file_tags WHERE path = '\(boom)' AND error IS NULL") == .text("Prélude"))
        #expect(try value(db, "SELECT group_concat(status) FROM scan_runs") == .text("failed,finished,finished,finished"))
    }

    @Test func scanHelpShowsRetryBadWithAnExample() async throws {
        let help = try await Binary.run(["scan", "--help"])
        #expect(help.stdout.contains("--retry-bad"))
        #expect(help.stdout.contains("shelfmirror scan ~/Audiobooks --retry-bad"))
    }
}
