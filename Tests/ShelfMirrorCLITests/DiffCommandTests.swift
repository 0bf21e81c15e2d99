import Foundation
import MirrorFakes
import TestSupport
import Testing

/// `diff`, `accept` and `reject` as a user runs them, offline after one sync and match.
struct DiffCommandTests {
    @Test func reportsInEveryFormatAndDecisionsBySelector() async throws {
        let servers = try await HardcoverCommandTests.Servers.with(items: 40) { servers in
            let sync = try await Binary.run(["sync", "--db", servers.db] + HardcoverCommandTests.fast, environment: servers.environment())
            #expect(sync.status == 0, "\(sync.stderr)")
            return servers
        } // stopped: the rest is offline
        #expect(try await Binary.run(["match", "--db", servers.db]).status == 0)

        let table = try await Binary.run(["diff", "--db", servers.db], environment: ["COLUMNS": "120"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("proposed"))
        #expect(table.stdout.split(whereSeparator: \.isNewline).allSatisfy { $0.count <= 120 }, "fits the terminal")
        let count = Int(try await servers.value("SELECT count(*) FROM changes WHERE status = 'pending'")) ?? 0
        #expect(count > 0)
        #expect(table.stderr.contains("\(count) proposals"))

        let json = try await Binary.run(["diff", "--db", servers.db, "--format", "json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(decoded?.count == count)
        #expect(decoded?.first?["proposed"] != nil && decoded?.first?["field"] is String)

        let folder = try TemporaryFolder()
        let csvPath = folder.file("d.csv")
        #expect(try await Binary.run(["diff", "--db", servers.db, "--format", "csv", "-o", csvPath]).status == 0)
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        #expect(csv.hasPrefix("id,item_id,item_title,field,current,proposed"))
        #expect(csv.split(whereSeparator: \.isNewline).count == count + 1)
        let markdown = try await Binary.run(["diff", "--db", servers.db, "--format", "markdown"])
        #expect(markdown.stdout.hasPrefix("| item | target | field | now | proposed |"))

        let exit = try await Binary.run(["diff", "--db", servers.db, "--exit-code"])
        #expect(exit.status == 1)

        let field = try await servers.value("SELECT field FROM changes WHERE status = 'pending' LIMIT 1")
        let fieldCount = try await servers.value("SELECT count(*) FROM changes WHERE status = 'pending' AND field = '\(field)'")
        let accept = try await Binary.run(["accept", "--field", field, "--db", servers.db])
        #expect(accept.status == 0, "\(accept.stderr)")
        #expect(accept.stderr.contains("Accepted \(fieldCount) proposals"))
        #expect(try await servers.value("SELECT count(*) FROM changes WHERE status = 'accepted'") == fieldCount)
        let reject = try await Binary.run(["reject", "--all", "--db", servers.db])
        #expect(reject.status == 0)
        #expect(try await servers.value("SELECT count(*) FROM changes WHERE status = 'pending'") == "0")
        // Rejected proposals are not made again.
        let after = try await Binary.run(["diff", "--db", servers.db])
        #expect(after.stderr.contains("0 proposals"))

        let none = try await Binary.run(["accept", "--db", servers.db])
        #expect(none.status == 64)
        #expect(none.stderr.contains("--item, --field, --target, or --all"))
        let badField = try await Binary.run(["diff", "--field", "colour", "--db", servers.db])
        #expect(badField.status == 64)
    }
}
