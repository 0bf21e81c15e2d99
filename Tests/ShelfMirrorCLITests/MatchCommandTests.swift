import Foundation
import MirrorFakes
import TestSupport
import Testing

/// `match`, `explain`, `link`, `unlink` and `ignore` as a user runs them, offline after one sync.
struct MatchCommandTests {
    @Test func matchExplainAndDecisions() async throws {
        let servers = try await HardcoverCommandTests.Servers.with(items: 40) { servers in
            let sync = try await Binary.run(["sync", "--db", servers.db] + HardcoverCommandTests.fast, environment: servers.environment())
            #expect(sync.status == 0, "\(sync.stderr)")
            return servers
        } // stopped: everything from here on is offline

        let match = try await Binary.run(["match", "--db", servers.db])
        #expect(match.status == 0, "\(match.stderr)")
        #expect(match.stderr.contains("Matched 40 items") && match.stderr.contains("candidates gathered for 40."))
        let again = try await Binary.run(["match", "--db", servers.db])
        #expect(again.stderr.contains("40 unchanged"))
        #expect(again.stderr.contains("candidates gathered for 0 (nothing changed since the last match)."), "\(again.stderr)")

        let item = try await servers.value("SELECT item_id FROM matches ORDER BY item_id LIMIT 1")
        let book = try await servers.value("SELECT book_id FROM matches WHERE item_id = '\(item)'")
        let explain = try await Binary.run(["explain", item, "--db", servers.db])
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("Recommendation:"))
        #expect(explain.stdout.contains("book \(book)"))
        #expect(explain.stdout.contains("title "))
        let json = try await Binary.run(["explain", item, "--db", servers.db, "--format", "json"])
        #expect(json.stdout.contains("\"penalty\":"))

        let other = try await servers.value("SELECT id FROM hardcover_books WHERE id <> \(book) ORDER BY id LIMIT 1")
        let link = try await Binary.run(["link", item, other, "--db", servers.db])
        #expect(link.status == 0, "\(link.stderr)")
        #expect(try await servers.value("SELECT status || ' ' || book_id || ' ' || pinned FROM matches WHERE item_id = '\(item)'") == "confirmed \(other) 1")
        _ = try await Binary.run(["match", "--rematch", "--db", servers.db])
        #expect(try await servers.value("SELECT status FROM matches WHERE item_id = '\(item)'") == "confirmed")
        let explained = try await Binary.run(["explain", item, "--db", servers.db])
        #expect(explained.stdout.contains("Decided by you: confirmed"))

        #expect(try await Binary.run(["unlink", item, "--db", servers.db]).status == 0)
        #expect(try await servers.value("SELECT status FROM matches WHERE item_id = '\(item)'") == "rejected")
        #expect(try await Binary.run(["ignore", item, "--db", servers.db]).status == 0)
        #expect(try await servers.value("SELECT status FROM matches WHERE item_id = '\(item)'") == "ignored")
        #expect(try await Binary.run(["unlink", item, "--reset", "--db", servers.db]).status == 0)
        _ = try await Binary.run(["match", "--db", servers.db])
        #expect(try await servers.value("SELECT book_id || ' ' || pinned FROM matches WHERE item_id = '\(item)'") == "\(book) 0")
    }

    @Test func badArgumentsSayWhatToDo() async throws {
        try await HardcoverCommandTests.Servers.with(items: 10) { servers in
            #expect(try await Binary.run(["sync", "--db", servers.db] + HardcoverCommandTests.fast, environment: servers.environment()).status == 0)
            let unknown = try await Binary.run(["explain", "No Such Book", "--db", servers.db])
            #expect(unknown.status == 64)
            #expect(unknown.stderr.contains("no item \"No Such Book\""))
            #expect(unknown.stderr.contains("shelfmirror search"))
            let item = try await servers.value("SELECT id FROM items LIMIT 1")
            let noBook = try await Binary.run(["link", item, "999999999", "--db", servers.db])
            #expect(noBook.status == 64)
            #expect(noBook.stderr.contains("Hardcover book 999999999 is not in the mirror"))
            let empty = try TemporaryFolder()
            let nothing = try await Binary.run(["match", "--db", empty.file("m.sqlite")])
            #expect(nothing.status == 64)
            #expect(nothing.stderr.contains("Run `shelfmirror sync` first"))
        }
    }
}
