import Foundation
import GRDB
import MirrorCore
@testable import MirrorStore
import TestSupport
import Testing

/// The view `hardcover_gaps` and `hardcoverGaps()` ("Not on Hardcover", issue 14): items with
/// the current AudiobookShelf user's listening state that no push can write to Hardcover.
struct HardcoverGapsTests {
    /// A mirror on disk with the items li_1…li_n ("Title of li_n" by "Author li_n"), as a sync
    /// leaves them, and the user `me` seen by the last sync, with no progress yet.
    private func mirror(items: Int, in folder: TemporaryFolder) throws -> Mirror {
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        try mirror.write { db in
            try db.execute(sql: "INSERT INTO abs_library (id, name, media_type, seen_at) VALUES ('lib', 'Books', 'book', '2026-11-01T00:00:00.000Z')")
            for n in 1...items {
                try db.execute(sql: """
                    INSERT INTO abs_item (id, library_id, listed_fingerprint, fetched_fingerprint, title, authors_json, authors, first_seen_at)
                    VALUES (?, 'lib', 'f', 'f', ?, ?, ?, '2026-11-01T00:00:00.000Z')
                    """, arguments: ["li_\(n)", "Title of li_\(n)", "[\"Author li_\(n)\"]", "Author li_\(n)"])
            }
            try db.execute(sql: "INSERT INTO abs_user (id, username, type, seen_at) VALUES ('me', 'me', 'user', '2026-11-02T00:00:00.000Z')")
        }
        return mirror
    }

    /// Listening state of `user` for `item`.
    private func listen(_ mirror: Mirror, _ item: String, user: String = "me", seconds: Double = 600, progress: Double = 0.25,
                        finished: Bool = false) throws {
        try mirror.write { db in
            try db.execute(sql: """
                INSERT INTO abs_progress (user_id, item_id, current_seconds, duration_seconds, progress, finished, finished_at, last_update, synced_at)
                VALUES (?, ?, ?, 2400, ?, ?, ?, '2026-11-02T10:00:00.000Z', '2026-11-02T00:00:00.000Z')
                """, arguments: [user, item, seconds, progress, finished, finished ? "2026-11-02T10:00:00.000Z" : nil])
        }
    }

    private func match(_ mirror: Mirror, _ item: String, _ status: MatchStatus, book: Int? = nil, edition: Int? = nil) throws {
        try mirror.write { db in
            try db.execute(sql: "INSERT INTO match (item_id, book_id, edition_id, status, matched_at) VALUES (?, ?, ?, ?, '2026-11-02T00:00:00.000Z')",
                           arguments: [item, book, edition, status.rawValue])
        }
    }

    /// A Hardcover book in the mirror, with its editions (id, format, users).
    private func book(_ mirror: Mirror, _ id: Int, defaultAudio: Int? = nil,
                      editions: [(id: Int, format: HardcoverEdition.ReadingFormat, users: Int)] = []) throws {
        try mirror.write { db in
            try db.execute(sql: "INSERT INTO hc_book (id, title, default_audio_edition_id, fetched_at) VALUES (?, ?, ?, '2026-11-02T00:00:00.000Z')",
                           arguments: [id, "Book \(id)", defaultAudio])
            for e in editions {
                try db.execute(sql: """
                    INSERT INTO hc_edition (id, book_id, reading_format, users_count, fetched_at) VALUES (?, ?, ?, ?, '2026-11-02T00:00:00.000Z')
                    """, arguments: [e.id, id, e.format.rawValue, e.users])
            }
        }
    }

    @Test func eachReasonWithItsNextStep() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 7, in: folder)
        for n in 1...7 { try listen(mirror, "li_\(n)") }
        // li_1: no match at all.
        try match(mirror, "li_2", .unmatched, book: 20)
        try match(mirror, "li_3", .rejected, book: 30)
        try match(mirror, "li_4", .needsReview, book: 40)
        try match(mirror, "li_5", .auto, book: 50, edition: 500)
        try match(mirror, "li_6", .confirmed, book: 60, edition: 600)
        try book(mirror, 60, editions: [(600, .physical, 10), (601, .ebook, 5)])
        try match(mirror, "li_7", .auto, book: 70, edition: 700)
        try book(mirror, 70, editions: [(700, .audiobook, 1)])

        let gaps = try mirror.hardcoverGaps()
        #expect(gaps.map(\.itemId) == ["li_1", "li_2", "li_3", "li_4", "li_5", "li_6"])
        #expect(gaps.map(\.reason) == [.noMatch, .noMatch, .noMatch, .needsReview, .bookNotMirrored, .noAudiobookEdition])
        #expect(gaps.map(\.matchStatus) == [nil, .unmatched, .rejected, .needsReview, .auto, .confirmed])
        #expect(gaps.map(\.bookId) == [nil, 20, 30, 40, 50, 60])
        let steps = Dictionary(uniqueKeysWithValues: gaps.map { ($0.itemId, $0.nextStep) })
        #expect(steps["li_1"]?.hasPrefix("link it: shelfmirror link li_1 <Hardcover book id>") == true)
        #expect(steps["li_1"]?.contains("shelfmirror explain li_1") == true)
        #expect(steps["li_4"]?.contains("shelfmirror explain li_4") == true)
        #expect(steps["li_4"]?.contains("shelfmirror link li_4 40") == true)
        #expect(steps["li_5"]?.hasPrefix("run shelfmirror sync") == true)
        #expect(steps["li_5"]?.contains("book 50") == true)
        #expect(steps["li_6"]?.contains("audiobook edition to Hardcover book 60") == true)
        #expect(steps["li_6"]?.hasSuffix("then run shelfmirror sync") == true)

        let first = try #require(gaps.first)
        #expect(first.title == "Title of li_1")
        #expect(first.authors == "[\"Author li_1\"]")
        #expect(first.progress == 0.25)
        #expect(!first.finished)
        #expect(first.lastUpdate == "2026-11-02T10:00:00.000Z")
        #expect(try mirror.hardcoverGapCount() == 6)
        #expect(try mirror.status().hardcover.gaps == 6)
    }

    /// The audiobook edition the Hardcover diff would write: the match's edition if it is one,
    /// else the book's default audio edition if it is one, else any audiobook edition of the book.
    @Test func theAudiobookEditionFallsBackInTheDiffsOrder() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 5, in: folder)
        for n in 1...5 { try listen(mirror, "li_\(n)") }
        // The matched edition is an audiobook.
        try match(mirror, "li_1", .auto, book: 10, edition: 100)
        try book(mirror, 10, editions: [(100, .audiobook, 0)])
        // The matched edition is print; the default audio edition is an audiobook.
        try match(mirror, "li_2", .auto, book: 20, edition: 200)
        try book(mirror, 20, defaultAudio: 201, editions: [(200, .physical, 50), (201, .audiobook, 1)])
        // Print matched, the default audio edition is print too; one other edition is an audiobook.
        try match(mirror, "li_3", .confirmed, book: 30, edition: 300)
        try book(mirror, 30, defaultAudio: 300, editions: [(300, .physical, 50), (301, .ebook, 9), (302, .audiobook, 0)])
        // Print matched, the default audio edition is not in the mirror, no audiobook edition.
        try match(mirror, "li_4", .auto, book: 40, edition: 400)
        try book(mirror, 40, defaultAudio: 409, editions: [(400, .physical, 50), (401, .ebook, 9), (402, .other, 1)])
        // No edition matched, and the book has none at all.
        try match(mirror, "li_5", .auto, book: 50)
        try book(mirror, 50)

        let gaps = try mirror.hardcoverGaps()
        #expect(gaps.map(\.itemId) == ["li_4", "li_5"])
        #expect(gaps.allSatisfy { $0.reason == .noAudiobookEdition })
    }

    @Test func ignoredRemovedAndUnlistenedItemsAreLeftOut() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 6, in: folder)
        try listen(mirror, "li_1")
        try match(mirror, "li_1", .ignored, book: 10)
        try listen(mirror, "li_2", seconds: 0, progress: 0)                  // opened, never listened
        try listen(mirror, "li_3", seconds: 0, progress: 0, finished: true)  // marked finished
        try listen(mirror, "li_4", seconds: 5, progress: 0)
        try listen(mirror, "li_5", seconds: 0, progress: 0.01)
        try listen(mirror, "li_6")
        try mirror.write { db in try db.execute(sql: "UPDATE abs_item SET removed_at = '2026-11-03T00:00:00.000Z' WHERE id = 'li_6'") }
        // Progress on an item that is not mirrored (a library left out).
        try listen(mirror, "li_99")

        let gaps = try mirror.hardcoverGaps()
        #expect(gaps.map(\.itemId) == ["li_3", "li_4", "li_5"])
        #expect(gaps.map(\.finished) == [true, false, false])
    }

    @Test func onlyTheUserSeenLastCounts() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 2, in: folder)
        try mirror.write { db in
            try db.execute(sql: "INSERT INTO abs_user (id, username, type, seen_at) VALUES ('other', 'other', 'user', '2026-10-01T00:00:00.000Z')")
        }
        try listen(mirror, "li_1", user: "other")
        try listen(mirror, "li_2")
        #expect(try mirror.hardcoverGaps().map(\.itemId) == ["li_2"])

        // A sync with the other user's token makes theirs the current state.
        try mirror.write { db in try db.execute(sql: "UPDATE abs_user SET seen_at = '2026-11-05T00:00:00.000Z' WHERE id = 'other'") }
        #expect(try mirror.hardcoverGaps().map(\.itemId) == ["li_1"])
    }

    @Test func noProgressNoGaps() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 2, in: folder)
        #expect(try mirror.hardcoverGaps().isEmpty)
        try mirror.write { db in try db.execute(sql: "DELETE FROM abs_user") }
        #expect(try mirror.hardcoverGaps().isEmpty)
        #expect(try mirror.status().hardcover.gaps == 0)
    }
}
