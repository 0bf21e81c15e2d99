import Foundation
import MirrorCore
import MirrorStore
import TestSupport
import Testing

/// Writing scanned files, full-text search and read-only queries, over in-memory and on-disk mirrors.
struct FilesStoreTests {
    enum Kind: String, CaseIterable, Sendable { case memory, disk }

    /// Keeps the temporary folder alive as long as the mirror.
    final class Subject {
        let mirror: Mirror
        let folder: TemporaryFolder?
        init(_ kind: Kind) throws {
            switch kind {
            case .memory:
                folder = nil
                mirror = try Mirror.inMemory()
            case .disk:
                let folder = try TemporaryFolder()
                self.folder = folder
                mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
            }
        }
    }

    static func file(_ path: String, title: String, artist: String = "Brandon Sanderson", size: Int64 = 100) -> ScannedFile {
        var tags = TagMap()
        tags.append("TITLE", title)
        tags.append("ALBUM", title)
        tags.append("ARTIST", artist)
        tags.append("ASIN", "B07XYZ1234")
        let fileTags = FileTags(format: "MP3", audio: AudioProperties(durationMs: 600_000, bitrateKbps: 64, sampleRate: 44100, channels: 1, codec: "MP3"),
                                hasCover: true, tags: tags, chapters: [Chapter(startMs: 0, endMs: 1000, title: "One")])
        return ScannedFile(path: path, sizeBytes: size, mtimeNs: 1, outcome: .success(fileTags))
    }

    private func rows(_ mirror: Mirror, _ sql: String) throws -> [[QueryValue]] {
        var rows: [[QueryValue]] = []
        try mirror.query(sql, timeout: 5, columns: { _ in }, row: { rows.append($0) })
        return rows
    }

    @Test(arguments: Kind.allCases)
    func savedFilesAppearInTheViewAndSearch(_ kind: Kind) throws {
        let subject = try Subject(kind)
        let mirror = subject.mirror
        let run = try mirror.beginScanRun(roots: ["/books"], full: false)
        try mirror.saveScanned([
            Self.file("/books/a.mp3", title: "Words of Radiance"),
            Self.file("/books/b.mp3", title: "Brontë Sisters", artist: "Juliet Barker"),
            ScannedFile(path: "/books/bad.mp3", sizeBytes: 0, mtimeNs: 1, outcome: .failure(ReadFailure(reason: .empty, message: "the file is empty (0 bytes)"))),
        ], runId: run)

        #expect(try rows(mirror, "SELECT path, title, duration_seconds, has_cover, json_extract(all_tags, '$.ASIN'), error FROM file_tags ORDER BY path") == [
            [.text("/books/a.mp3"), .text("Words of Radiance"), .real(600), .integer(1), .text("B07XYZ1234"), .null],
            [.text("/books/b.mp3"), .text("Brontë Sisters"), .real(600), .integer(1), .text("B07XYZ1234"), .null],
            [.text("/books/bad.mp3"), .null, .null, .integer(0), .null, .text("the file is empty (0 bytes)")],
        ])
        let hits = try #require(try mirror.search("radia", limit: 10, highlight: ("[", "]")))
        #expect(hits.map(\.path) == ["/books/a.mp3"])
        #expect(hits.first?.snippet.contains("[Radiance]") == true)
        // Diacritics are folded both ways.
        #expect(try mirror.search("bronte", limit: 10, highlight: ("[", "]"))?.map(\.path) == ["/books/b.mp3"])
        #expect(try mirror.search("  ", limit: 10, highlight: ("[", "]")) == nil)
    }

    @Test(arguments: Kind.allCases)
    func updatesKeepSearchInStep(_ kind: Kind) throws {
        let mirror = try Subject(kind).mirror
        let run = try mirror.beginScanRun(roots: ["/books"], full: false)
        try mirror.saveScanned([Self.file("/books/a.mp3", title: "Old Title")], runId: run)
        try mirror.saveScanned([Self.file("/books/a.mp3", title: "New Title", size: 200)], runId: run)

        #expect(try mirror.search("old", limit: 10, highlight: ("", ""))?.isEmpty == true)
        #expect(try mirror.search("new", limit: 10, highlight: ("", ""))?.map(\.path) == ["/books/a.mp3"])
        #expect(try rows(mirror, "SELECT count(*), max(size_bytes) FROM file_tags") == [[.integer(1), .integer(200)]])
        // The FTS index agrees with its content table.
        #expect(try rows(mirror, "SELECT count(*) FROM file_tags_fts") == [[.integer(1)]])
    }

    @Test(arguments: Kind.allCases)
    func removedFilesStayButLeaveSearch(_ kind: Kind) throws {
        let mirror = try Subject(kind).mirror
        let run = try mirror.beginScanRun(roots: ["/books"], full: false)
        try mirror.saveScanned([Self.file("/books/a.mp3", title: "Elantris"), Self.file("/books/b/c.mp3", title: "Warbreaker")], runId: run)
        try mirror.markRemoved(paths: ["/books/a.mp3"], runId: run)

        #expect(try rows(mirror, "SELECT path, removed FROM file_tags ORDER BY path") == [
            [.text("/books/a.mp3"), .integer(1)], [.text("/books/b/c.mp3"), .integer(0)],
        ])
        #expect(try mirror.search("elantris", limit: 10, highlight: ("", ""))?.isEmpty == true)
        #expect(try mirror.knownFiles(under: ["/books"]).mapValues(\.removed) == ["/books/a.mp3": true, "/books/b/c.mp3": false])
        #expect(try mirror.knownFiles(under: ["/books/b"]).keys.sorted() == ["/books/b/c.mp3"])
        #expect(try mirror.knownFiles(under: ["/book"]).isEmpty)
        // Seen again, it is back.
        try mirror.saveScanned([Self.file("/books/a.mp3", title: "Elantris")], runId: run)
        #expect(try mirror.knownFiles(under: ["/books"])["/books/a.mp3"]?.removed == false)
    }

    @Test(arguments: Kind.allCases)
    func queriesCannotWrite(_ kind: Kind) throws {
        let mirror = try Subject(kind).mirror
        let run = try mirror.beginScanRun(roots: ["/books"], full: false)
        try mirror.saveScanned([Self.file("/books/a.mp3", title: "Elantris")], runId: run)
        for sql in ["DELETE FROM tag_file", "UPDATE tag_file SET title = 'x'", "DROP TABLE tag_file",
                    "INSERT INTO scan_run (started_at, status, roots, full) VALUES ('x', 'running', '[]', 0)",
                    "PRAGMA user_version = 3"] {
            #expect(throws: StoreError(.readOnlyViolation, path: mirror.path), "\(sql)") {
                try mirror.query(sql, timeout: 5, columns: { _ in }, row: { _ in })
            }
        }
        #expect(try rows(mirror, "SELECT count(*), min(title) FROM tag_file") == [[.integer(1), .text("Elantris")]])
    }

    @Test func aRunawayQueryIsStopped() throws {
        let mirror = try Mirror.inMemory()
        let endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        #expect(throws: StoreError(.queryTimeout(seconds: 0.2), path: mirror.path)) {
            try mirror.query(endless, timeout: 0.2, columns: { _ in }, row: { _ in })
        }
        // The mirror is still usable afterwards.
        #expect(try rows(mirror, "SELECT 1") == [[.integer(1)]])
    }

    @Test func badSQLIsReportedWithSQLitesWords() throws {
        let mirror = try Mirror.inMemory()
        #expect(throws: StoreError(.badQuery("no such column: nope"), path: mirror.path)) {
            try mirror.query("SELECT nope FROM file_tags", timeout: 5, columns: { _ in }, row: { _ in })
        }
    }
}
