import Foundation
@testable import MirrorStore
import TestSupport
import Testing

/// `gaps` ("Not on Hardcover") and its line in `status`, as a user runs them (the built binary
/// on a mirror file).
struct GapsCommandTests {
    /// A mirror on disk whose user listened to three items: li_1 has no match, li_2 a match to a
    /// book without an audiobook edition, li_3 a match to an audiobook edition (not a gap).
    static func mirror(in folder: TemporaryFolder, title: String = "The Way of Kings") throws -> String {
        let path = folder.file("mirror.sqlite")
        let mirror = try Mirror.openForWriting(path: path)
        try mirror.dbQueue.write { db in
            try db.execute(sql: """
                INSERT INTO abs_library (id, name, media_type, seen_at) VALUES ('lib', 'Books', 'book', '2026-11-01T00:00:00.000Z');
                INSERT INTO abs_user (id, username, type, seen_at) VALUES ('me', 'me', 'user', '2026-11-02T00:00:00.000Z');
                INSERT INTO hc_book (id, title, fetched_at) VALUES (20, 'Book 20', '2026-11-02T00:00:00.000Z'), (30, 'Book 30', '2026-11-02T00:00:00.000Z');
                INSERT INTO hc_edition (id, book_id, reading_format, fetched_at) VALUES (200, 20, 'physical', '2026-11-02T00:00:00.000Z'),
                    (300, 30, 'audiobook', '2026-11-02T00:00:00.000Z');
                """)
            for (n, name) in [(1, title), (2, "Elantris"), (3, "Warbreaker")] {
                try db.execute(sql: """
                    INSERT INTO abs_item (id, library_id, listed_fingerprint, fetched_fingerprint, title, authors_json, first_seen_at)
                    VALUES (?, 'lib', 'f', 'f', ?, '["Brandon Sanderson"]', '2026-11-01T00:00:00.000Z');
                    INSERT INTO abs_progress (user_id, item_id, current_seconds, duration_seconds, progress, finished, synced_at)
                    VALUES ('me', ?, 600, 2400, 0.25, 0, '2026-11-02T00:00:00.000Z');
                    """, arguments: ["li_\(n)", name, "li_\(n)"])
            }
            try db.execute(sql: """
                INSERT INTO match (item_id, book_id, edition_id, status, matched_at) VALUES
                    ('li_2', 20, 200, 'auto', '2026-11-02T00:00:00.000Z'), ('li_3', 30, 300, 'confirmed', '2026-11-02T00:00:00.000Z');
                """)
        }
        return path
    }

    @Test func gapsAsJSONAndInStatus() async throws {
        let folder = try TemporaryFolder()
        let db = try Self.mirror(in: folder)

        let json = try await Binary.run(["gaps", "--db", db, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["item_id"] as? String } == ["li_1", "li_2"])
        #expect(rows.map { $0["reason"] as? String } == ["no_match", "no_audiobook_edition"])
        #expect(rows[0]["title"] as? String == "The Way of Kings")
        #expect(rows[0]["authors"] as? String == "[\"Brandon Sanderson\"]")
        #expect(rows[0]["book_id"] is NSNull)
        #expect(rows[1]["book_id"] as? Int == 20)
        #expect(rows[1]["match_status"] as? String == "auto")
        #expect(rows[1]["progress"] as? Double == 0.25)
        #expect(rows[1]["finished"] as? Int == 0)
        #expect((rows[0]["next_step"] as? String)?.contains("shelfmirror link li_1") == true)
        #expect(json.stderr.contains("Not on Hardcover: 2 items with listening state."))

        let table = try await Binary.run(["gaps", "--db", db])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("No match (1)"))
        #expect(table.stdout.contains("The Way of Kings — Brandon Sanderson"))
        #expect(table.stdout.contains("No audiobook edition on Hardcover (1)"))
        #expect(table.stdout.contains("→ add its audiobook edition to Hardcover book 20"))

        let status = try await Binary.run(["status", "--db", db])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("not on hardcover"))
        #expect(status.stdout.contains("2 items with listening state (shelfmirror gaps)"))
        let statusJSON = try await Binary.run(["status", "--db", db, "--format", "json"])
        let object = try #require((try JSONSerialization.jsonObject(with: Data(statusJSON.stdout.utf8)) as? [[String: Any]])?.first)
        #expect(object["not_on_hardcover"] as? String == "2 items with listening state (shelfmirror gaps)")
    }

    @Test func everyFormatAndValuesShownAsText() async throws {
        let folder = try TemporaryFolder()
        let db = try Self.mirror(in: folder, title: "<b>Kings</b> | *x* \u{1B}[2J")

        let csv = try await Binary.run(["gaps", "--db", db, "--format", "csv"])
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("item_id,title,authors,reason,next_step,book_id,match_status,progress,finished,last_update\r\n"))
        let jsonl = try await Binary.run(["gaps", "--db", db, "--format", "jsonl"])
        #expect(jsonl.stdout.split(separator: "\n").count == 2)
        let markdown = try await Binary.run(["gaps", "--db", db, "--format", "markdown"])
        #expect(markdown.stdout.contains("&lt;b&gt;Kings&lt;/b&gt; \\| \\*x\\*"))
        #expect(!markdown.stdout.contains("\u{1B}"))
        let html = try await Binary.run(["gaps", "--db", db, "--format", "html"])
        #expect(html.status == 0)
        #expect(html.stdout.contains("&lt;b&gt;Kings&lt;/b&gt;"))
        #expect(!html.stdout.contains("<b>Kings"))
        #expect(!html.stdout.contains("<script"))
        #expect(html.stdout.contains("Content-Security-Policy"))
        let table = try await Binary.run(["gaps", "--db", db])
        #expect(!table.stdout.contains("\u{1B}[2J"))
    }

    @Test func noGapsIsAFriendlyLine() async throws {
        let folder = try TemporaryFolder()
        let db = folder.file("empty.sqlite")
        _ = try Mirror.openForWriting(path: db)
        let result = try await Binary.run(["gaps", "--db", db])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Nothing is missing on Hardcover"))
        let json = try await Binary.run(["gaps", "--db", db, "--format", "json"])
        #expect(json.stdout == "[]\n")
        let status = try await Binary.run(["status", "--db", db])
        #expect(status.stdout.contains("not on hardcover"))

        let help = try await Binary.run(["gaps", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Examples:"))
        #expect(help.stdout.contains("--format"))
        #expect(try await Binary.run(["--help"]).stdout.contains("gaps"))
    }
}
