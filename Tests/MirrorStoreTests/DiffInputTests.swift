import Foundation
import GRDB
import MirrorCore
@testable import MirrorStore
import TestSupport
import Testing

/// The versions triggers keep of `diff`'s inputs (migration v15): every write to an input moves
/// the stamp of the targets it feeds, and nothing else does — a row written again with the same
/// values, a sync's times, an unmatched book, a decision.
struct DiffInputTests {
    private static let time = "2026-11-01T00:00:00.000Z"

    /// One item matched to book 7 (edition 70), an unmatched book 8, a file of the item, one
    /// proposal of each target, both users.
    private func mirror(in folder: TemporaryFolder) throws -> Mirror {
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        try mirror.write { db in
            try db.execute(sql: """
                INSERT INTO abs_library (id, name, media_type, seen_at) VALUES ('lib', 'Books', 'book', '\(Self.time)');
                INSERT INTO abs_item (id, library_id, listed_fingerprint, fetched_fingerprint, title, fetched_at, first_seen_at)
                VALUES ('li_1', 'lib', 'f', 'f', 'Dune', '\(Self.time)', '\(Self.time)');
                INSERT INTO hc_book (id, title, fetched_at) VALUES (7, 'Dune', '\(Self.time)'), (8, 'Emma', '\(Self.time)');
                INSERT INTO hc_edition (id, book_id, reading_format, fetched_at) VALUES (70, 7, 'audiobook', '\(Self.time)'),
                    (80, 8, 'audiobook', '\(Self.time)');
                INSERT INTO match (item_id, book_id, edition_id, status, matched_at) VALUES ('li_1', 7, 70, 'auto', '\(Self.time)');
                INSERT INTO tag_file (path, item_id, size_bytes, mtime_ns, scanned_at) VALUES ('/b/dune.m4b', 'li_1', 10, 1, '\(Self.time)');
                INSERT INTO abs_user (id, username, type, seen_at) VALUES ('me', 'me', 'user', '\(Self.time)');
                INSERT INTO hc_user (id, seen_at) VALUES (1, '\(Self.time)');
                INSERT INTO abs_progress (user_id, item_id, current_seconds, duration_seconds, progress, finished, synced_at)
                VALUES ('me', 'li_1', 60, 600, 0.1, 0, '\(Self.time)');
                INSERT INTO hc_user_book (id, user_id, book_id, status_id, owned, updated_at, synced_at)
                VALUES (5, 1, 7, 2, 0, '\(Self.time)', '\(Self.time)');
                INSERT INTO change (id, item_id, field, proposed_value, suggested_value, source, action, status, created_at, target)
                VALUES (1, 'li_1', 'narrators', '["A"]', '["A"]', 'hardcover', 'fill', 'pending', '\(Self.time)', 'abs'),
                       (2, 'li_1', 'status', '3', '3', 'progress', 'replace', 'pending', '\(Self.time)', 'hardcover');
                """)
        }
        return mirror
    }

    /// Both targets' stamps, as `diff` computes them.
    private func stamps(_ mirror: Mirror) throws -> (abs: String, hardcover: String) {
        let shared = try mirror.diffSharedStamp()
        return (try mirror.diffStamp(target: .abs, policy: "p", shared: shared),
                try mirror.diffStamp(target: .hardcover, policy: "p", shared: shared))
    }

    /// Which targets' stamps `sql` moves.
    private func moved(_ mirror: Mirror, _ sql: String) throws -> Set<PushTarget> {
        let before = try stamps(mirror)
        try mirror.write { try $0.execute(sql: sql) }
        let after = try stamps(mirror)
        return Set([before.abs != after.abs ? PushTarget.abs : nil, before.hardcover != after.hardcover ? .hardcover : nil]
            .compactMap { $0 })
    }

    @Test func eachInputMovesTheStampsOfTheTargetsItFeeds() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(in: folder)
        let both: Set<PushTarget> = [.abs, .hardcover]
        let later = "2026-11-02T00:00:00.000Z"
        // Shared: the item, its match, the matched book and its editions.
        #expect(try moved(mirror, "UPDATE abs_item SET fetched_fingerprint = 'g', fetched_at = '\(later)' WHERE id = 'li_1'") == both)
        #expect(try moved(mirror, "UPDATE abs_item SET removed_at = '\(later)' WHERE id = 'li_1'") == both)
        #expect(try moved(mirror, "UPDATE match SET status = 'confirmed' WHERE item_id = 'li_1'") == both)
        #expect(try moved(mirror, "UPDATE match SET edition_id = NULL WHERE item_id = 'li_1'") == both)
        #expect(try moved(mirror, "UPDATE hc_book SET title = 'Dune!', fetched_at = '\(later)' WHERE id = 7") == both)
        #expect(try moved(mirror, "INSERT INTO hc_edition (id, book_id, reading_format, fetched_at) VALUES (71, 7, 'physical', '\(later)')") == both)
        #expect(try moved(mirror, "DELETE FROM hc_edition WHERE id = 71") == both)
        #expect(try moved(mirror, "UPDATE hc_edition SET book_id = 7 WHERE id = 80") == both, "an edition moved to the matched book")
        #expect(try moved(mirror, "INSERT INTO abs_item (id, library_id, listed_fingerprint, first_seen_at) VALUES ('li_2', 'lib', 'f', '\(later)')") == both)
        // AudiobookShelf's own: the item's files.
        #expect(try moved(mirror, "UPDATE tag_file SET mtime_ns = 2, scanned_at = '\(later)' WHERE path = '/b/dune.m4b'") == [.abs])
        #expect(try moved(mirror, "UPDATE tag_file SET item_id = NULL WHERE path = '/b/dune.m4b'") == [.abs])
        #expect(try moved(mirror, "INSERT INTO tag_file (path, item_id, size_bytes, mtime_ns, scanned_at) VALUES ('/b/2.mp3', 'li_1', 1, 1, '\(later)')") == [.abs])
        // Hardcover's own: listening progress, the Hardcover library and its reads.
        #expect(try moved(mirror, "UPDATE abs_progress SET current_seconds = 120, progress = 0.2 WHERE item_id = 'li_1'") == [.hardcover])
        #expect(try moved(mirror, "UPDATE hc_user_book SET status_id = 3, updated_at = '\(later)' WHERE id = 5") == [.hardcover])
        #expect(try moved(mirror, "INSERT INTO hc_user_book_read (id, user_book_id, finished_on) VALUES (9, 5, '2026-11-02')") == [.hardcover])
        #expect(try moved(mirror, "INSERT INTO abs_user (id, username, type, seen_at) VALUES ('you', 'you', 'user', '\(later)')") == [.hardcover],
                "another user is the current one")
        // Each target's proposals: added, deleted, a push's outcome.
        #expect(try moved(mirror, "UPDATE change SET status = 'failed' WHERE id = 1") == [.abs])
        #expect(try moved(mirror, "UPDATE change SET status = 'pushed' WHERE id = 2") == [.hardcover])
        #expect(try moved(mirror, "DELETE FROM change WHERE id = 1") == [.abs])
    }

    @Test func writesThatChangeNoInputMoveNoStamp() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(in: folder)
        let later = "2026-11-02T00:00:00.000Z"
        // The same values written again (a sync or a scan that found nothing new).
        #expect(try moved(mirror, "UPDATE abs_item SET fetched_fingerprint = 'f' WHERE id = 'li_1'").isEmpty)
        #expect(try moved(mirror, "UPDATE hc_book SET fetched_at = fetched_at, title = title").isEmpty)
        // Times a sync keeps that no proposal is made from.
        #expect(try moved(mirror, "UPDATE abs_item SET last_seen_run = NULL, listed_fingerprint = 'h'").isEmpty)
        #expect(try moved(mirror, "UPDATE abs_progress SET synced_at = '\(later)'").isEmpty)
        #expect(try moved(mirror, "UPDATE hc_user_book SET synced_at = '\(later)'").isEmpty)
        #expect(try moved(mirror, "UPDATE abs_user SET seen_at = '\(later)'").isEmpty, "the same user, seen again")
        // A match's score and explanation, as a rematch rewrites them.
        #expect(try moved(mirror, "UPDATE match SET score = 0.97, matched_at = '\(later)'").isEmpty)
        // A book no item is matched to, and its editions; a file of no item.
        #expect(try moved(mirror, "UPDATE hc_book SET title = 'Emma!', fetched_at = '\(later)' WHERE id = 8").isEmpty)
        #expect(try moved(mirror, "INSERT INTO hc_book (id, title, fetched_at) VALUES (9, 'New', '\(later)')").isEmpty)
        #expect(try moved(mirror, "UPDATE hc_edition SET asin = 'B0X', fetched_at = '\(later)' WHERE id = 80").isEmpty)
        #expect(try moved(mirror, "INSERT INTO tag_file (path, size_bytes, mtime_ns, scanned_at) VALUES ('/loose.mp3', 1, 1, '\(later)')").isEmpty)
        // Decisions: accept, reject, edit.
        #expect(try moved(mirror, "UPDATE change SET status = 'accepted', decided_at = '\(later)' WHERE id = 1").isEmpty)
        #expect(try moved(mirror, "UPDATE change SET status = 'rejected' WHERE id = 2").isEmpty)
        #expect(try moved(mirror, "UPDATE change SET proposed_value = '[\"B\"]' WHERE id = 1").isEmpty)
    }

    @Test func aMirrorFromBeforeTheVersionsGetsThemAndItsOldStampNoLongerHolds() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("mirror.sqlite")
        do {  // a mirror as the version before v15 left it, with a stamp its last diff recorded
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v14-diff-stamps")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO diff_stamp (target, stamp, items, refreshed_at) VALUES ('abs', 'a-b-c', 1, '\(Self.time)')")
            }
            try queue.close()
        }
        let mirror = try Mirror.openForWriting(path: path)
        var versions: [[QueryValue]] = []
        try mirror.query("SELECT scope, version FROM diff_input ORDER BY scope", timeout: 5, columns: { _ in }, row: { versions.append($0) })
        #expect(versions == [[.text("abs"), .integer(0)], [.text("hardcover"), .integer(0)], [.text("shared"), .integer(0)]])
        let now = try stamps(mirror)
        #expect(now == (try stamps(mirror)), "versioned: the same stamp while nothing changes")
        #expect(try mirror.storedDiffStamp(target: .abs)?.stamp != now.abs, "the old stamp asks for one refresh")
    }

    @Test func aMirrorWithoutItsVersionsRefreshesEveryTime() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(in: folder)
        try mirror.write { try $0.execute(sql: "DELETE FROM diff_input WHERE scope = 'abs'") }
        #expect(try stamps(mirror).abs != stamps(mirror).abs)
        #expect(try stamps(mirror).hardcover == stamps(mirror).hardcover)
    }
}
