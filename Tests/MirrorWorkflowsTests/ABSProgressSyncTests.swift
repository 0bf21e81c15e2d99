import Foundation
import MirrorCore
import MirrorFakes
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// A sync mirrors the ABS token's user's listening state (`/api/me`'s mediaProgress) into the
/// `progress` view, per user, against the fake AudiobookShelf over loopback.
struct ABSProgressSyncTests {
    typealias Setup = ABSSyncTests.Setup

    /// "2026-11-01T00:00:00.123Z" from ms since the epoch, by integer arithmetic (not the code
    /// under test's conversion).
    static func iso(_ ms: Int64?) -> String {
        guard let ms else { return "∅" }
        let whole = Date.ISO8601FormatStyle().format(Date(timeIntervalSince1970: Double(ms / 1000)))
        return String(whole.dropLast()) + String(format: ".%03dZ", Int(ms % 1000))
    }

    /// What the `progress` view should show for a fake row of a user, computed from the fake's state.
    static func expected(_ p: FakeABSProgress, userId: String, username: String) -> [String] {
        [p.libraryItemId, String(format: "%.3f", p.currentTime), String(format: "%.3f", p.duration), String(format: "%.6f", p.progress),
         p.isFinished ? "1" : "0", iso(p.startedAt), p.isFinished ? iso(p.finishedAt) : "∅", iso(p.lastUpdate), userId, username]
    }

    /// The `progress` view's rows of one user, keyed by item id, as text.
    static func mirrored(_ mirror: Mirror, userId: String) throws -> [String: [String]] {
        var rows: [String: [String]] = [:]
        try mirror.query("""
            SELECT item_id, printf('%.3f', current_seconds), printf('%.3f', duration_seconds), printf('%.6f', progress), finished,
                   coalesce(started_at, '∅'), coalesce(finished_at, '∅'), coalesce(last_update, '∅'), user_id, username
            FROM progress WHERE user_id = '\(userId)'
            """, timeout: 10, columns: { _ in }) { values in
            let text = values.map { value -> String in
                switch value {
                case .integer(let i): String(i)
                case .real(let d): String(d)
                case .text(let t): t
                case .null, .blob: "∅"
                }
            }
            rows[text[0]] = text
        }
        return rows
    }

    static func expectedRows(_ state: FakeABSState, userId: String, username: String) async -> [String: [String]] {
        Dictionary(uniqueKeysWithValues: await state.progress(userId: userId).map {
            ($0.libraryItemId, expected($0, userId: userId, username: username))
        })
    }

    /// The items of the book library.
    static func books(_ state: FakeABSState) async -> [FakeABSItem] {
        let libraries = Set(await state.allLibraries().filter { $0.mediaType == "book" }.map(\.id))
        return await state.allItems().filter { libraries.contains($0.libraryId) }
    }

    static let admin = FakeABSState.adminUserId
    static let reader = FakeABSState.plainUserId
    static let day: Int64 = 86_400_000
    static let reference = FakeABSState.generatedProgressReference

    @Test func aSyncStoresTheAdminsListeningStateAsTheServerHoldsIt() async throws {
        try await Setup.with(items: 300) { s in
            let books = await Self.books(s.state)
            var free: [FakeABSItem] = []
            for book in books where await s.state.progress(userId: Self.admin, itemId: book.id) == nil { free.append(book) }
            try #require(free.count >= 3)
            let finished = free[0], listening = free[1], absent = free[2]
            await s.state.setProgress(userId: Self.admin, itemId: finished.id,
                                      .finished(startedAt: Self.reference - 30 * Self.day + 123, finishedAt: Self.reference - 2 * Self.day + 456))
            await s.state.setProgress(userId: Self.admin, itemId: listening.id,
                                      .inProgress(currentTime: 1234.5, startedAt: Self.reference - 9 * Self.day + 7, lastUpdate: Self.reference - 789))

            let summary = try await s.sync()
            let expected = await Self.expectedRows(s.state, userId: Self.admin, username: "root")
            let rows = try Self.mirrored(s.mirror, userId: Self.admin)
            #expect(rows.count == expected.count)
            #expect(rows == expected)
            #expect(rows[finished.id]?[4] == "1")
            #expect(rows[finished.id]?[6] == Self.iso(Self.reference - 2 * Self.day + 456))
            #expect(rows[listening.id]?[4] == "0")
            #expect(rows[listening.id]?[1] == "1234.500")
            #expect(rows[listening.id]?[6] == "∅")
            #expect(rows[absent.id] == nil)

            let seeded = await s.state.progress(userId: Self.admin)
            #expect(summary.progress.userId == Self.admin && summary.progress.username == "root")
            #expect(summary.progress.stored == seeded.count)
            #expect(summary.progress.finished == seeded.filter(\.isFinished).count)
            #expect(summary.progress.skipped == 0)
            // The server's version, the user and the progress in one request (POST /api/authorize), read once.
            #expect(summary.requests == 2 + 1 + 3, "authorize, libraries, a page of 500, 3 chunks of 100 (\(s.waits.all))")
            let log = await s.state.requests()
            #expect(log.filter { $0.route == .authorize }.count == 1 && !log.contains { $0.route == .me || $0.route == .status })
        }
    }

    @Test func aSecondUsersTokenStoresThatUsersStateMarkedAsTheirs() async throws {
        try await Setup.with(items: 200) { s in
            _ = try await s.sync()
            let adminRows = try Self.mirrored(s.mirror, userId: Self.admin)
            try #require(!adminRows.isEmpty)
            let books = await Self.books(s.state).filter { !$0.explicit }
            let shared = try #require(books.first { adminRows[$0.id] != nil })
            let own = try #require(books.first { adminRows[$0.id] == nil })
            await s.state.setProgress(userId: Self.reader, itemId: shared.id,
                                      .inProgress(currentTime: 61.25, startedAt: Self.reference - Self.day, lastUpdate: Self.reference - 5))
            await s.state.setProgress(userId: Self.reader, itemId: own.id,
                                      .finished(startedAt: Self.reference - 40 * Self.day, finishedAt: Self.reference - 3 * Self.day + 1))

            let summary = try await s.sync(token: FakeABSState.userToken)
            #expect(summary.progress.username == "reader")
            #expect(summary.progress.stored == 2)
            let rows = try Self.mirrored(s.mirror, userId: Self.reader)
            #expect(rows == (await Self.expectedRows(s.state, userId: Self.reader, username: "reader")))
            #expect(Set(rows.keys) == [shared.id, own.id])
            // The admin's rows are still the admin's, unchanged, and none is mixed into the reader's.
            #expect(try Self.mirrored(s.mirror, userId: Self.admin) == adminRows)
            var users: [String] = []
            try s.mirror.query("SELECT DISTINCT username FROM progress ORDER BY username", timeout: 5, columns: { _ in }) {
                if case .text(let name) = $0[0] { users.append(name) }
            }
            #expect(users == ["reader", "root"])
        }
    }

    @Test func progressRemovedOnTheServerIsGoneAfterTheNextSync() async throws {
        try await Setup.with(items: 200) { s in
            _ = try await s.sync()
            let before = await s.state.progress(userId: Self.admin)
            try #require(before.count >= 3)
            await s.state.removeProgress(userId: Self.admin, itemId: before[0].libraryItemId)
            await s.state.removeProgress(userId: Self.admin, itemId: before[1].libraryItemId)
            let relisten = try #require(before.dropFirst(2).first { $0.isFinished })
            await s.state.startAgain(userId: Self.admin, itemId: relisten.libraryItemId, currentTime: 30, at: Self.reference + 1000)

            let summary = try await s.sync()
            let rows = try Self.mirrored(s.mirror, userId: Self.admin)
            #expect(rows == (await Self.expectedRows(s.state, userId: Self.admin, username: "root")))
            #expect(rows[before[0].libraryItemId] == nil)
            #expect(rows[before[1].libraryItemId] == nil)
            #expect(rows[relisten.libraryItemId]?[4] == "0")
            #expect(rows[relisten.libraryItemId]?[6] == "∅")
            #expect(summary.progress.stored == before.count - 2)
        }
    }

    @Test func aMalformedProgressEntryIsSkippedAndCountedAndTheSyncGoesOn() async throws {
        try await Setup.with(items: 150) { s in
            let books = await Self.books(s.state)
            let good = await s.state.progress(userId: Self.admin)
            // No item id, and a negative position: entries no listener produces.
            await s.state.setProgress(FakeABSProgress(id: "no-item", libraryItemId: "", mediaItemId: "m", duration: 100, progress: 0.5,
                                                      currentTime: 50, isFinished: false, lastUpdate: Self.reference, startedAt: Self.reference,
                                                      finishedAt: nil), userId: Self.admin)
            let victim = try #require(books.first { b in !good.contains { $0.libraryItemId == b.id } })
            await s.state.setProgress(FakeABSProgress(id: "negative", libraryItemId: victim.id, mediaItemId: victim.mediaId,
                                                      duration: 100, progress: 0.1, currentTime: -10, isFinished: false,
                                                      lastUpdate: Self.reference, startedAt: Self.reference, finishedAt: nil), userId: Self.admin)

            let summary = try await s.sync()
            #expect(summary.progress.skipped == 2)
            #expect(summary.progress.stored == good.count)
            #expect(summary.counts.fetched == books.count)
            let rows = try Self.mirrored(s.mirror, userId: Self.admin)
            #expect(Set(rows.keys) == Set(good.map(\.libraryItemId)))
            #expect(rows[victim.id] == nil)
        }
    }
}
