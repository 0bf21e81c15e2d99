import Foundation
import GRDB
@testable import MirrorStore
import TestSupport
import Testing

struct MigrationTests {
    @Test func schemaFileMatchesWhatTheBinaryCreates() throws {
        let expected = try String(contentsOf: Fixtures.root.appendingPathComponent("schema/mirror.sql"), encoding: .utf8)
        let actual = try Mirror.inMemory().schemaSQL()
        #expect(actual == expected, "schema/mirror.sql is stale: run `make schema` and review the diff")
    }

    @Test func aNewMirrorIsCreatedWithItsFolder() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("deep/er/mirror.sqlite")
        let mirror = try Mirror.openForWriting(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try mirror.status().schemaSteps == Mirror.knownSchemaSteps)
    }

    @Test func aMirrorFromANewerVersionIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("mirror.sqlite")
        do { _ = try Mirror.openForWriting(path: path) }
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()

        #expect(throws: StoreError(.newerSchema(unknown: ["v99-from-the-future"]), path: path)) {
            try Mirror.openForWriting(path: path)
        }
        #expect(throws: StoreError(.newerSchema(unknown: ["v99-from-the-future"]), path: path)) {
            try Mirror.openReadOnly(path: path)
        }
    }

    @Test func anExistingMirrorIsBackedUpBeforeItIsMigrated() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("mirror.sqlite")
        do {
            let mirror = try Mirror.openForWriting(path: path)
            _ = try mirror.beginScanRun(roots: ["/books"], full: false)
        }
        var next = Migrations.migrator
        next.registerMigration("v-test-next") { db in try db.execute(sql: "CREATE TABLE test_next (id INTEGER)") }
        do { _ = try Mirror.openForWriting(path: path, migrator: next) }

        let backups = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("mirror.sqlite.backup-") }
        #expect(backups.count == 1)
        let backup = try DatabaseQueue(path: folder.file(try #require(backups.first)))
        let (runs, hasNext) = try backup.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM scan_run"), try db.tableExists("test_next"))
        }
        #expect(runs == 1)
        #expect(!hasNext)
        // A mirror that is up to date is not backed up again.
        do { _ = try Mirror.openForWriting(path: path, migrator: next) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("mirror.sqlite.backup-") }.count == 1)
    }

    @Test func aFileThatIsNotADatabaseIsRefusedAndKept() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("notes.sqlite")
        let text = String(repeating: "my precious notes\n", count: 300)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: StoreError(.notADatabase, path: path)) { try Mirror.openForWriting(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func anotherAppsDatabaseIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("library.db")
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT)") }
        try queue.close()
        #expect(throws: StoreError(.notAMirror, path: path)) { try Mirror.openForWriting(path: path) }
        #expect(throws: StoreError(.notAMirror, path: path)) { try Mirror.openReadOnly(path: path) }
    }

    @Test func readingAMissingMirrorSaysSo() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("none.sqlite")
        #expect(throws: StoreError(.missing, path: path)) { try Mirror.openReadOnly(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aSecondWriterIsToldTheMirrorIsBusy() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("mirror.sqlite")
        let first = try Mirror.openForWriting(path: path)
        #expect(throws: StoreError(.busy(pid: String(getpid())), path: path)) { try Mirror.openForWriting(path: path) }
        // Readers are not blocked.
        #expect(try Mirror.openReadOnly(path: path).status().files == 0)
        _ = first
    }

    @Test func aWriterThroughASymbolicLinkMeetsTheSameLock() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("mirror.sqlite")
        let first = try Mirror.openForWriting(path: path)
        // A link to the file, and a link to its folder: both lead to the mirror that is being written.
        let fileLink = folder.file("link.sqlite")
        try FileManager.default.createSymbolicLink(atPath: fileLink, withDestinationPath: path)
        #expect(throws: StoreError(.busy(pid: String(getpid())), path: fileLink)) { try Mirror.openForWriting(path: fileLink) }
        let folderLink = folder.file("elsewhere")
        try FileManager.default.createSymbolicLink(atPath: folderLink, withDestinationPath: folder.path)
        let throughFolder = folderLink + "/mirror.sqlite"
        #expect(throws: StoreError(.busy(pid: String(getpid())), path: throughFolder)) { try Mirror.openForWriting(path: throughFolder) }
        _ = first
    }

    @Test func theLockIsReleasedWithTheMirror() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("mirror.sqlite")
        do { _ = try Mirror.openForWriting(path: path) }
        _ = try Mirror.openForWriting(path: path)
    }
}
