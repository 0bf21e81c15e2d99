import Foundation
import MirrorFakes
import TestSupport
import Testing

/// `review` refuses without a terminal and says what to do instead; `import-decisions` applies an
/// edited export.
struct ReviewCommandTests {
    @Test func withoutATerminalReviewPointsToTheOtherWays() async throws {
        let folder = try TemporaryFolder()
        let result = try await Binary.run(["review", "--db", folder.file("m.sqlite")])
        #expect(result.status == 64)
        #expect(result.stderr.contains("review needs a terminal"))
        #expect(result.stderr.contains("import-decisions"))
    }

    @Test func anEditedCSVExportIsImported() async throws {
        try await HardcoverCommandTests.Servers.with(items: 40) { servers in
            #expect(try await Binary.run(["sync", "--db", servers.db] + HardcoverCommandTests.fast, environment: servers.environment()).status == 0)
            #expect(try await Binary.run(["match", "--db", servers.db]).status == 0)
            let path = servers.folder.file("decisions.csv")
            #expect(try await Binary.run(["diff", "--db", servers.db, "--format", "csv", "-o", path]).status == 0)
            let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            try #require(lines.count >= 3)
            // Accept every proposal in the spreadsheet by rewriting the status column.
            let header = lines[0].split(separator: ",").map(String.init)
            let statusColumn = try #require(header.firstIndex(of: "status"))
            let edited = [lines[0]] + lines.dropFirst().map { line -> String in
                var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if fields.count == header.count { fields[statusColumn] = "accepted" }
                return fields.joined(separator: ",")
            }
            try (edited.joined(separator: "\r\n") + "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await Binary.run(["import-decisions", path, "--db", servers.db])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("Imported:"))
            let accepted = Int(try await servers.value("SELECT count(*) FROM changes WHERE status = 'accepted'")) ?? 0
            #expect(accepted > 0)

            let missing = try await Binary.run(["import-decisions", servers.folder.file("nope.csv"), "--db", servers.db])
            #expect(missing.status == 66)
            #expect(missing.stderr.contains("cannot read"))
        }
    }
}
