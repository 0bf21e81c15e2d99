import Foundation
import MirrorStore
@testable import ShelfMirrorCLI
import TestSupport
import Testing

/// The built binary, run as a user would: stdout, stderr and exit status checked separately.
struct CommandLineTests {
    /// A mirror of the audio fixtures.
    final class Scanned {
        let folder: TemporaryFolder
        let db: String
        let audio: URL
        init() async throws {
            folder = try TemporaryFolder()
            audio = try Fixtures.copyAudio(into: folder)
            db = folder.file("mirror.sqlite")
            let result = try await Binary.run(["scan", audio.path, "--db", db])
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    /// A command without a name is named at run time from its type, a runtime lookup that costs
    /// milliseconds at every start in a binary this size; so each one names itself, as typed.
    @Test func everyCommandNamesItself() {
        let root = ShelfMirror.configuration
        #expect(root.commandName == "shelfmirror")
        for command in root.subcommands {
            let name = command.configuration.commandName
            #expect(name != nil, "\(command) has no commandName")
            let derived = String(describing: command).replacing(/([a-z])([A-Z])/) { "\($0.1)-\($0.2)" }.lowercased()
            #expect(name == derived, "\(command) is named \(name ?? "nothing"), not \(derived)")
        }
    }

    @Test func scanReportsOnStandardErrorOnly() async throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let result = try await Binary.run(["--db", folder.file("m.sqlite"), "scan", audio.path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Scanned 16 audio files"))
        #expect(result.stderr.contains("16 new"))
        #expect(result.stderr.contains("3 unreadable"))
        #expect(result.stderr.contains("empty.mp3: the file is empty (0 bytes)"))
    }

    @Test func queryFormats() async throws {
        let s = try await Scanned()
        let sql = "SELECT title, year, has_cover FROM file_tags WHERE path LIKE '%/tagged.%' ORDER BY path LIMIT 2"
        let json = try await Binary.run(["query", sql, "--db", s.db, "--format", "json"])
        #expect(json.status == 0)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array.first?["title"] as? String == "Prélude")
        #expect(array.first?["year"] as? Int == 2019)

        let jsonl = try await Binary.run(["query", sql, "--db", s.db, "--format", "jsonl"])
        #expect(jsonl.stdout.split(separator: "\n").count == 2)
        let csv = try await Binary.run(["query", sql, "--db", s.db, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("title,year,has_cover\r\nPrélude,2019,1\r\n"))
        let table = try await Binary.run(["query", sql, "--db", s.db])
        #expect(table.stdout.split(separator: "\n").first?.contains("title") == true)
        #expect(table.stdout.contains("Prélude"))

        let empty = try await Binary.run(["query", "SELECT path FROM file_tags WHERE 0", "--db", s.db, "--format", "json"])
        #expect(empty.stdout == "[]\n")
    }

    @Test func queryRefusesWritesAndChangesNothing() async throws {
        let s = try await Scanned()
        let result = try await Binary.run(["query", "DELETE FROM file_tags", "--db", s.db])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("read-only"))
        let sneaky = try await Binary.run(["query", "DELETE FROM tag_file", "--db", s.db])
        #expect(sneaky.status == 64)
        let count = try await Binary.run(["query", "SELECT count(*) AS n FROM file_tags", "--db", s.db, "--format", "csv"])
        #expect(count.stdout == "n\r\n16\r\n")
    }

    @Test func queryErrorsSayWhatToDo() async throws {
        let s = try await Scanned()
        let bad = try await Binary.run(["query", "SELECT nope FROM file_tags", "--db", s.db])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("no such column: nope"))
        #expect(bad.stderr.contains("schema/README.md"))

        let missing = try await Binary.run(["query", "SELECT 1", "--db", s.folder.file("none.sqlite")])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("shelfmirror scan"))
        #expect(!FileManager.default.fileExists(atPath: s.folder.file("none.sqlite")))

        let slow = try await Binary.run(["query", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
                                   "--db", s.db, "--timeout", "0.3"])
        #expect(slow.status == 1)
        #expect(slow.stderr.contains("longer than 0.3 s"))
    }

    @Test func searchFindsRankedMatches() async throws {
        let s = try await Scanned()
        let result = try await Binary.run(["search", "stormlight", "--db", s.db, "--format", "jsonl"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 5)  // the five tagged files carry the series
        #expect(lines.allSatisfy { $0.contains("[Stormlight]") })
        let none = try await Binary.run(["search", "zzzzqqq", "--db", s.db])
        #expect(none.status == 0)
        #expect(none.stdout.isEmpty)
        #expect(none.stderr.contains("No match"))
    }

    @Test func statusCounts() async throws {
        let s = try await Scanned()
        let result = try await Binary.run(["status", "--db", s.db, "--format", "json"])
        #expect(result.status == 0)
        let object = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])?.first)
        #expect(object["files"] as? String == "16")
        #expect(object["files_unreadable"] as? String == "3")
        #expect((object["formats"] as? String)?.contains("MP3 5") == true)
    }

    @Test func aBusyMirrorIsReportedNotWaitedFor() async throws {
        let s = try await Scanned()
        let holder = try Mirror.openForWriting(path: s.db)
        let result = try await Binary.run(["scan", s.audio.path, "--db", s.db])
        #expect(result.status == 69)
        #expect(result.stderr.contains("is busy"))
        #expect(result.stderr.contains("pid \(getpid())"))
        _ = holder
    }

    @Test func badInputsGetTheirExitStatus() async throws {
        let folder = try TemporaryFolder()
        let missing = try await Binary.run(["scan", folder.file("nowhere"), "--db", folder.file("m.sqlite")])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no such file or folder"))

        let notes = folder.file("notes.txt")
        try String(repeating: "not a database\n", count: 200).write(toFile: notes, atomically: true, encoding: .utf8)
        let notADatabase = try await Binary.run(["scan", Fixtures.audio.path, "--db", notes])
        #expect(notADatabase.status == 65)
        #expect(notADatabase.stderr.contains("not a SQLite database"))
        #expect(try String(contentsOfFile: notes, encoding: .utf8).hasPrefix("not a database"))

        let noItems = try await Binary.run(["scan", "--db", folder.file("m.sqlite")])
        #expect(noItems.status == 66)
        #expect(noItems.stderr.contains("no AudiobookShelf items yet"))
        #expect(noItems.stderr.contains("shelfmirror sync"))

        let badMap = try await Binary.run(["scan", "--path-map", "nonsense", "--db", folder.file("m.sqlite")])
        #expect(badMap.status == 64)
        #expect(badMap.stderr.contains("SERVER=LOCAL"))
    }

    @Test(arguments: ["sync", "scan", "query", "search", "status", "config", "doctor", "schema"])
    func everyCommandHasHelpWithExamples(_ command: String) async throws {
        let result = try await Binary.run([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"))
        let top = try await Binary.run(["--help"])
        #expect(top.stdout.contains(command))
    }

    @Test func globalOptionsMayComeFirst() {
        #expect(CLI.globalOptionsMoved(["--db", "x", "scan", "p"]) == ["scan", "--db", "x", "p"])
        #expect(CLI.globalOptionsMoved(["--db=x", "query", "SELECT 1"]) == ["query", "--db=x", "SELECT 1"])
        #expect(CLI.globalOptionsMoved(["scan", "--db", "x"]) == ["scan", "--db", "x"])
        #expect(CLI.globalOptionsMoved(["--db", "x"]) == ["--db", "x"])
    }

    @Test func schemaCommandPrintsTheSchemaFile() async throws {
        let result = try await Binary.run(["schema"])
        let file = try String(contentsOf: Fixtures.root.appendingPathComponent("schema/mirror.sql"), encoding: .utf8)
        #expect(result.stdout == file)
    }
}
