import Foundation
import MirrorStore
import TestSupport
import Testing

/// A scan killed with SIGKILL halfway leaves a mirror that opens; the next scan completes it.
struct KilledScanTests {
    static let files = 4000

    private func count(_ db: String, _ sql: String) throws -> Int64? {
        let mirror = try Mirror.openReadOnly(path: db)
        var value: Int64?
        try mirror.query(sql, timeout: 5, columns: { _ in }, row: { if case .integer(let n) = $0.first { value = n } })
        return value
    }

    @Test func aKilledScanIsCompletedByTheNext() async throws {
        let folder = try TemporaryFolder()
        let library = folder.url.appendingPathComponent("library")
        try Fixtures.manyCopies(of: "tagged.mp3", count: Self.files, into: library)
        let db = folder.file("mirror.sqlite")

        let (process, _, _) = try Binary.start(["scan", library.path, "--db", db, "--jobs", "1"])
        // Wait until at least one batch is committed, then kill without warning.
        let killed = await process.signal(SIGKILL) { ((try? count(db, "SELECT count(*) FROM file_tags")) ?? 0) > 0 }
        try #require(killed, "the scan finished before it could be killed")
        await process.exit()
        #expect(process.terminationReason == .uncaughtSignal)

        let stored = try #require(try count(db, "SELECT count(*) FROM file_tags"))
        #expect(stored > 0 && stored < Int64(Self.files))
        #expect(try count(db, "SELECT count(*) FROM scan_runs WHERE status = 'running or interrupted'") == 1)

        let again = try await Binary.run(["scan", library.path, "--db", db])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("\(Int64(Self.files) - stored) new"))
        #expect(again.stderr.contains("\(stored) unchanged"))
        #expect(try count(db, "SELECT count(*) FROM file_tags") == Int64(Self.files))
        #expect(try count(db, "SELECT count(DISTINCT path) FROM file_tags WHERE title = 'Prélude' AND error IS NULL") == Int64(Self.files))
        #expect(try count(db, "SELECT count(*) FROM file_tags_fts WHERE file_tags_fts MATCH 'prelude'") == Int64(Self.files))
        let check = try await Binary.run(["query", "PRAGMA integrity_check", "--db", db, "--format", "csv"])
        #expect(check.stdout == "integrity_check\r\nok\r\n")
    }
}
