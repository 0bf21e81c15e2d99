import Foundation
import GRDB
@testable import MirrorStore
import TestSupport
import Testing

/// Text from the servers in what `explain`, `link`, `push` and `sync` print on the terminal:
/// control characters shown escaped, never sent to the terminal.
struct ServerTextOutputTests {
    @Test func explainShowsAnItemTitleWithControlCharactersEscaped() async throws {
        let servers = try await HardcoverCommandTests.Servers.with(items: 5) { servers in
            let synced = try await Binary.run(["sync", "--db", servers.db] + HardcoverCommandTests.fast, environment: servers.environment())
            #expect(synced.status == 0, "\(synced.stderr)")
            return servers
        } // stopped: the rest is offline
        // A title as a hostile server would send it (sync stores what the server says).
        let id = try {
            let mirror = try Mirror.openForWriting(path: servers.db)
            return try mirror.dbQueue.write { db in
                let id = try #require(try String.fetchOne(db, sql: "SELECT id FROM abs_item ORDER BY id LIMIT 1"))
                try db.execute(sql: "UPDATE abs_item SET title = ? WHERE id = ?", arguments: ["Pwned \(HostileOutputTests.pwned)", id])
                return id
            }
        }()
        let explained = try await Binary.run(["explain", id, "--db", servers.db])
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stdout.contains("Pwned \(HostileOutputTests.pwnedShown)"), "\(explained.stdout)")
        #expect(!explained.stdout.contains("\u{1B}"), "no raw ESC reaches the terminal")
    }
}
