import Foundation
import MirrorCore
@testable import MirrorStore
import TestSupport
import Testing

/// What `query` lets through: reads, including the PRAGMAs that only read; never a write, a
/// setting, a transaction, or a second statement, and none of them is even prepared.
struct ReadOnlyQueryTests {
    /// A mirror on disk (WAL), opened read-only as `query` opens it.
    final class Subject {
        let folder: TemporaryFolder
        let mirror: Mirror
        init() throws {
            folder = try TemporaryFolder()
            let path = folder.file("mirror.sqlite")
            let writer = try Mirror.openForWriting(path: path)
            let run = try writer.beginScanRun(roots: ["/books"], full: false)
            try writer.saveScanned([FilesStoreTests.file("/books/a.mp3", title: "Elantris")], runId: run)
            mirror = try Mirror.openReadOnly(path: path)
        }
    }

    private func rows(_ mirror: Mirror, _ sql: String) throws -> [[QueryValue]] {
        var rows: [[QueryValue]] = []
        try mirror.query(sql, timeout: 5, columns: { _ in }, row: { rows.append($0) })
        return rows
    }

    @Test func pragmasThatOnlyReadRun() throws {
        let s = try Subject()
        #expect(try rows(s.mirror, "PRAGMA journal_mode") == [[.text("wal")]])
        #expect(try rows(s.mirror, "pragma MAIN.\"journal_mode\";") == [[.text("wal")]])
        #expect(try rows(s.mirror, "PRAGMA integrity_check") == [[.text("ok")]])
        #expect(try rows(s.mirror, "PRAGMA quick_check(10)") == [[.text("ok")]])
        #expect(try rows(s.mirror, "PRAGMA table_info(tag_file)").count > 10)
        #expect(try rows(s.mirror, "PRAGMA index_list('tag_file')").count >= 1)
        #expect(try rows(s.mirror, "PRAGMA foreign_key_check").isEmpty)
        #expect(try rows(s.mirror, "EXPLAIN QUERY PLAN SELECT * FROM tag_file WHERE id = 1").count >= 1)
        #expect(try rows(s.mirror, "SELECT * FROM pragma_journal_mode") == [[.text("wal")]])
        #expect(try rows(s.mirror, "-- a comment\n;; SELECT 'a;b' /* ; */ ;;") == [[.text("a;b")]])
    }

    /// The writes, escapes and settings an attacker tried, and their kin: each refused as read-only.
    static let refused = [
        "DELETE FROM tag_file", "UPDATE tag_file SET title = 'x'", "INSERT INTO tag_file (path) VALUES ('x')",
        "REPLACE INTO tag_file (id, path) VALUES (1, 'x')", "INSERT OR REPLACE INTO tag_file (id, path) VALUES (1, 'x')",
        "WITH x AS (SELECT 1) DELETE FROM tag_file", "DELETE FROM file_tags", "  (DELETE FROM tag_file)",
        "DROP TABLE tag_file", "DROP VIEW file_tags", "DROP INDEX IF EXISTS nothing", "DROP TRIGGER IF EXISTS nothing",
        "CREATE TABLE x (a)", "CREATE TEMP TABLE x (a)", "CREATE INDEX x ON tag_file (title)", "CREATE VIEW x AS SELECT 1",
        "CREATE TRIGGER x AFTER INSERT ON tag_file BEGIN DELETE FROM tag_file; END", "CREATE VIRTUAL TABLE x USING fts5(a)",
        "ALTER TABLE tag_file ADD COLUMN x", "ALTER TABLE tag_file RENAME TO x", "VACUUM", "VACUUM INTO '/tmp/shelfmirror-vacuum.sqlite'",
        "REINDEX", "ANALYZE", "INSERT INTO file_tags_fts(file_tags_fts) VALUES ('rebuild')",
        "BEGIN", "BEGIN IMMEDIATE", "COMMIT", "END", "ROLLBACK", "SAVEPOINT x", "RELEASE x",
        "PRAGMA user_version = 3", "PRAGMA journal_mode = DELETE", "PRAGMA main.journal_mode=OFF", "PRAGMA journal_mode(WAL)",
        "PRAGMA query_only = 0", "PRAGMA writable_schema = ON", "PRAGMA foreign_keys = OFF", "PRAGMA cache_size = 7",
        "PRAGMA threads = 4", "PRAGMA application_id = 5", "PRAGMA schema_version = 5", "PRAGMA locking_mode = EXCLUSIVE",
        "PRAGMA optimize", "PRAGMA shrink_memory", "PRAGMA incremental_vacuum", "PRAGMA wal_checkpoint(TRUNCATE)",
        "PRAGMA wal_checkpoint", "EXPLAIN PRAGMA cache_size = 7", "explain query plan pragma cache_size=7", "/* x */ PRAGMA cache_size = 7",
        "PRAGMA \"cache_size\" = 7", "PRAGMA cache_size = 7 -- comment",
    ]

    @Test func writesSettingsAndTransactionsAreRefused() throws {
        let s = try Subject()
        for sql in Self.refused {
            #expect(throws: StoreError(.readOnlyViolation, path: s.mirror.path), "\(sql)") {
                try s.mirror.query(sql, timeout: 5, columns: { _ in }, row: { _ in })
            }
        }
        #expect(try rows(s.mirror, "SELECT count(*), min(title) FROM tag_file") == [[.integer(1), .text("Elantris")]])
        #expect(!FileManager.default.fileExists(atPath: "/tmp/shelfmirror-vacuum.sqlite"))
    }

    /// SQLite applies a setting while it prepares the PRAGMA: refusing it after preparing is too late.
    @Test func aRefusedSettingIsNotEvenPrepared() throws {
        let s = try Subject()
        let before = try rows(s.mirror, "PRAGMA cache_size")
        for sql in ["PRAGMA cache_size = 7", "EXPLAIN PRAGMA cache_size = 7", "SELECT 1; PRAGMA cache_size = 7", "SELECT 1; SELECT 2"] {
            #expect(throws: StoreError.self, "\(sql)") { try s.mirror.query(sql, timeout: 5, columns: { _ in }, row: { _ in }) }
        }
        #expect(try rows(s.mirror, "PRAGMA cache_size") == before)
        #expect(before != [[.integer(7)]])
    }

    @Test(arguments: ["SELECT 1; SELECT 2", "SELECT 1; PRAGMA cache_size = 7", "SELECT 1;; DELETE FROM tag_file",
                      "SELECT $a('x); SELECT 2; --')", "SELECT 'a'; -- ;\n SELECT 'b'"])
    func severalStatementsAreRefused(_ sql: String) throws {
        let s = try Subject()
        #expect(throws: StoreError(.badQuery("give one statement at a time"), path: s.mirror.path)) {
            try s.mirror.query(sql, timeout: 5, columns: { _ in }, row: { _ in })
        }
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity, 0, -1])
    func aTimeLimitThatIsNoLimitIsRefused(_ timeout: Double) throws {
        let mirror = try Mirror.inMemory()
        #expect(throws: StoreError(.badQuery("the time limit must be more than 0 seconds"), path: mirror.path)) {
            try mirror.query("SELECT 1", timeout: timeout, columns: { _ in }, row: { _ in })
        }
    }

    /// Where a statement ends, as SQLite's tokenizer sees it: quotes, comments and Tcl parameters hide `;`.
    @Test(arguments: [
        ("SELECT 'a;b'", ReadOnlySQL.Verdict.read), ("SELECT \"a;b\"", .read), ("SELECT [a;b]", .read), ("SELECT `a;b`", .read),
        ("SELECT 'it''s;'", .read), ("SELECT 1 -- ;x\n", .read), ("SELECT /* ; */ 1", .read), ("SELECT 1 /* ; unterminated", .read),
        ("SELECT :a, @b, ?1, #c", .read), ("SELECT $a::b(;)", .read), ("SELECT 1;", .read), ("SELECT 1; ; ;", .read),
        ("SELECT 1; SELECT 2", .severalStatements), ("SELECT 1; x", .severalStatements), ("SELECT $a('x); SELECT 2; --')", .severalStatements),
        ("PRAGMA table_info = tag_file", .read), ("PRAGMA integrity_check(tag_file)", .read), ("PRAGMA main.page_count", .read),
        ("PRAGMA", .write), ("PRAGMA main.", .write), ("PRAGMA cache_size 7", .write),
    ])
    func statementsEndWhereSQLiteEndsThem(_ sql: String, _ verdict: ReadOnlySQL.Verdict) {
        #expect(ReadOnlySQL(sql).verdict == verdict)
    }
}
