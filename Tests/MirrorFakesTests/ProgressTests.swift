import Foundation
import NIOHTTP1
@testable import MirrorFakes
import Testing

/// Listening progress per user, as ABS 2.36 serves it (MediaProgress, MeController, UserController,
/// LibraryItemController's include=progress).
struct ProgressTests {
    private let admin = FakeABSState.adminUserId
    private let reader = FakeABSState.plainUserId
    private let readerAuth = Auth.bearer(FakeABSState.userToken)

    /// A generated state with its progress removed, and its books that every user may read.
    private func emptyState() async -> (FakeABSState, [FakeABSItem]) {
        let state = FakeABSState.generated(items: 12)
        for user in [admin, reader] {
            for row in await state.progress(userId: user) { await state.removeProgress(userId: user, itemId: row.libraryItemId) }
        }
        let library = await bookLibraryId(state)
        let books = await state.allItems().filter { $0.libraryId == library && !$0.explicit }
        return (state, books)
    }

    private static let keys = ["id", "userId", "libraryItemId", "episodeId", "mediaItemId", "mediaItemType", "duration",
                               "progress", "currentTime", "isFinished", "hideFromContinueListening", "ebookLocation",
                               "ebookProgress", "lastUpdate", "startedAt", "finishedAt"]

    private func row(_ server: FakeABSServer, _ itemId: String, auth: Auth = .bearer(FakeABSState.adminToken)) async throws -> [String: Any] {
        let reply = try await send(server, .GET, "/api/me/progress/\(itemId)", auth: auth)
        #expect(reply.status == 200)
        return try reply.object()
    }

    private func patch(_ server: FakeABSServer, _ itemId: String, _ body: [String: Any],
                       auth: Auth = .bearer(FakeABSState.adminToken)) async throws -> Reply {
        try await send(server, .PATCH, "/api/me/progress/\(itemId)", auth: auth, json: jsonText(body))
    }

    private static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    @Test func meCarriesOnlyTheTokensUsersProgress() async throws {
        let (state, books) = await emptyState()
        await state.setProgress(userId: admin, itemId: books[0].id, .finished(startedAt: 1_700_000_000_000, finishedAt: 1_700_500_000_000))
        await state.setProgress(userId: reader, itemId: books[1].id, .inProgress(currentTime: 600, startedAt: 1_710_000_000_000, lastUpdate: 1_710_000_600_000))
        try await withFakeServer(state) { server in
            let mine = try #require(try await send(server, .GET, "/api/me").object()["mediaProgress"] as? [[String: Any]])
            #expect(mine.map { $0["libraryItemId"] as? String } == [books[0].id])
            #expect(mine.first?["userId"] as? String == admin)
            let theirs = try #require(try await send(server, .GET, "/api/me", auth: readerAuth).object()["mediaProgress"] as? [[String: Any]])
            #expect(theirs.map { $0["libraryItemId"] as? String } == [books[1].id])
            #expect(theirs.first?["userId"] as? String == reader)

            // Neither reaches the other's row by item either.
            #expect(try await send(server, .GET, "/api/me/progress/\(books[1].id)").status == 404)
            #expect(try await send(server, .GET, "/api/me/progress/\(books[0].id)", auth: readerAuth).status == 404)
            let all = try #require(try await send(server, .GET, "/api/me/progress", auth: readerAuth).object()["mediaProgress"] as? [[String: Any]])
            #expect(all.count == 1)
        }
    }

    @Test func aProgressRowHasTheServersKeysInOrderWithIntegerTimesAndFloatSeconds() async throws {
        let (state, books) = await emptyState()
        await state.setProgress(userId: admin, itemId: books[0].id, .inProgress(currentTime: 1234.5, startedAt: 1_700_000_000_123, lastUpdate: 1_700_000_900_456))
        await state.setProgress(userId: admin, itemId: books[1].id, .finished(startedAt: 1_700_000_000_000, finishedAt: 1_701_000_000_789))
        try await withFakeServer(state) { server in
            let text = try await send(server, .GET, "/api/me/progress/\(books[0].id)").text
            let positions = Self.keys.map { text.range(of: "\"\($0)\":")?.lowerBound }
            #expect(!positions.contains(nil), "\(text)")
            #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "keys out of order: \(text)")
            #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
            #expect(text.contains(#""currentTime":1234.5,"#))
            #expect(text.contains(#""lastUpdate":1700000900456,"startedAt":1700000000123,"finishedAt":null}"#))
            #expect(text.contains(#""episodeId":null,"#))
            #expect(text.contains(#""mediaItemType":"book""#))
            #expect(text.contains(#""duration":\#(JSONValue.jsString(books[0].duration))"#) || text.contains(#""duration":\#(books[0].duration)"#))

            let finished = try await row(server, books[1].id)
            #expect(finished["finishedAt"] as? Int64 == 1_701_000_000_789)
            #expect(finished["isFinished"] as? Bool == true)
            #expect(finished["progress"] as? Double == 1)
            #expect(finished["hideFromContinueListening"] as? Bool == false)
            #expect(finished["ebookProgress"] as? Double == 0)
            #expect(finished["mediaItemId"] as? String == books[1].mediaId)
        }
    }

    @Test func anItemWithoutProgressIs404NotFoundAsPlainText() async throws {
        let (state, books) = await emptyState()
        try await withFakeServer(state) { server in
            for path in ["/api/me/progress/\(books[0].id)", "/api/me/progress/no-such-item"] {
                let reply = try await send(server, .GET, path)
                #expect(reply.status == 404)
                #expect(reply.text == "Not Found")
                #expect(reply.contentType == "text/plain; charset=utf-8")
            }
        }
    }

    @Test func theProgressRoutesNeedAToken() async throws {
        let (state, books) = await emptyState()
        try await withFakeServer(state) { server in
            for (method, path) in [(HTTPMethod.GET, "/api/me/progress/\(books[0].id)"), (.PATCH, "/api/me/progress/\(books[0].id)"),
                                   (.GET, "/api/me/items-in-progress"), (.GET, "/api/users/\(admin)"), (.POST, "/api/authorize")] {
                let reply = try await send(server, method, path, auth: .none, json: method == .GET ? nil : "{}")
                #expect(reply.status == 401, "\(method) \(path)")
            }
        }
    }

    @Test func aFirstPatchCreatesTheRowAndAnswersOK() async throws {
        let (state, books) = await emptyState()
        try await withFakeServer(state) { server in
            let before = Self.nowMs()
            let reply = try await patch(server, books[0].id, ["duration": 3600.5, "currentTime": 900.25, "progress": 0.25])
            #expect(reply.status == 200)
            #expect(reply.text == "OK")
            let created = try await row(server, books[0].id)
            #expect(created["currentTime"] as? Double == 900.25)
            #expect(created["duration"] as? Double == 3600.5)
            #expect(created["progress"] as? Double == 0.25)
            #expect(created["isFinished"] as? Bool == false)
            #expect(created["finishedAt"] is NSNull)
            let startedAt = try #require(created["startedAt"] as? Int64)
            #expect(startedAt >= before)
            #expect(created["lastUpdate"] as? Int64 == startedAt)
            #expect(await state.progress(userId: admin, itemId: books[0].id)?.currentTime == 900.25)
            #expect(await state.progress(userId: reader, itemId: books[0].id) == nil)

            // Created finished: finishedAt now (or as given), progress 1, whatever progress said.
            _ = try await patch(server, books[1].id, ["isFinished": true, "progress": 0.3, "finishedAt": 1_690_000_000_000])
            let finished = try await row(server, books[1].id)
            #expect(finished["finishedAt"] as? Int64 == 1_690_000_000_000)
            #expect(finished["progress"] as? Double == 1)
        }
    }

    @Test func markingFinishedSetsFinishedAtOnceAndProgressOneAndKeepsStartedAt() async throws {
        let (state, books) = await emptyState()
        let book = books[0]
        await state.setProgress(userId: admin, itemId: book.id, .inProgress(currentTime: 100, startedAt: 1_700_000_000_000, lastUpdate: 1_700_000_100_000))
        try await withFakeServer(state) { server in
            let before = Self.nowMs()
            #expect(try await patch(server, book.id, ["isFinished": true]).status == 200)
            let finished = try await row(server, book.id)
            let finishedAt = try #require(finished["finishedAt"] as? Int64)
            #expect(finishedAt >= before)
            #expect(finished["isFinished"] as? Bool == true)
            #expect(finished["progress"] as? Double == 1)
            #expect(finished["startedAt"] as? Int64 == 1_700_000_000_000)
            #expect(finished["currentTime"] as? Double == 100)

            // Finished again: finishedAt stays (absent from the body), and progress in the body is ignored.
            _ = try await patch(server, book.id, ["isFinished": true, "progress": 0.5])
            let again = try await row(server, book.id)
            #expect(again["finishedAt"] as? Int64 == finishedAt)
            #expect(again["progress"] as? Double == 1)
        }
    }

    @Test func unfinishingClearsFinishedAtAndZeroesThePositionWhateverTheBodySays() async throws {
        let (state, books) = await emptyState()
        let book = books[0]
        await state.setProgress(userId: admin, itemId: book.id, .finished(startedAt: 1_700_000_000_000, finishedAt: 1_701_000_000_000))
        try await withFakeServer(state) { server in
            #expect(try await patch(server, book.id, ["isFinished": false, "currentTime": 500, "finishedAt": 1_702_000_000_000]).status == 200)
            let row = try await row(server, book.id)
            #expect(row["isFinished"] as? Bool == false)
            #expect(row["finishedAt"] is NSNull)
            #expect(row["currentTime"] as? Double == 0)
            #expect(row["progress"] as? Double == 0)
            #expect(row["startedAt"] as? Int64 == 1_700_000_000_000)
        }
    }

    @Test func aPositionNearTheEndFinishesAndMovingAFinishedBookBackUnfinishesIt() async throws {
        let (state, books) = await emptyState()
        let book = books[0]
        let duration = book.duration
        await state.setProgress(userId: admin, itemId: book.id, .inProgress(currentTime: 60, startedAt: 1_700_000_000_000, lastUpdate: 1_700_000_100_000))
        try await withFakeServer(state) { server in
            _ = try await patch(server, book.id, ["currentTime": duration - 5, "duration": duration])
            let finished = try await row(server, book.id)
            #expect(finished["isFinished"] as? Bool == true)
            #expect(finished["progress"] as? Double == 1)
            #expect(finished["finishedAt"] as? Int64 != nil)

            // A re-listen: the player reports a position near the start again.
            _ = try await patch(server, book.id, ["currentTime": 30, "progress": 30 / duration])
            let relistening = try await row(server, book.id)
            #expect(relistening["isFinished"] as? Bool == false)
            #expect(relistening["finishedAt"] is NSNull)
            #expect(relistening["currentTime"] as? Double == 30)
            // Compared in the text: Foundation's JSON parser on Linux can miss a double's last bit.
            #expect(try await send(server, .GET, "/api/me/progress/\(book.id)").text.contains(#""progress":\#(30 / duration),"#))
            #expect(await state.progress(userId: admin, itemId: book.id)?.progress == 30 / duration)
            #expect(relistening["startedAt"] as? Int64 == 1_700_000_000_000)

            // markAsFinishedPercentComplete replaces the 10 seconds.
            _ = try await patch(server, book.id, ["currentTime": duration * 0.96, "markAsFinishedPercentComplete": 95])
            #expect(try await row(server, book.id)["isFinished"] as? Bool == true)
        }
    }

    @Test func startingAgainThroughTheStateFollowsTheSameRules() async throws {
        let (state, books) = await emptyState()
        let book = books[0]
        await state.setProgress(userId: admin, itemId: book.id, .finished(startedAt: 1_700_000_000_000, finishedAt: 1_701_000_000_000))
        let again = try #require(await state.startAgain(userId: admin, itemId: book.id, currentTime: 120, at: 1_720_000_000_000))
        #expect(!again.isFinished)
        #expect(again.finishedAt == nil)
        #expect(again.currentTime == 120)
        #expect(again.startedAt == 1_700_000_000_000)
        #expect(again.lastUpdate == 1_720_000_000_000)
        #expect(await state.progress(userId: admin, itemId: book.id) == again)
        #expect(await state.startAgain(userId: reader, itemId: book.id, currentTime: 1, at: 1) == nil)
    }

    @Test func aPatchForAnUnknownItemIs404AndForAPodcast400AsTheServerWordsThem() async throws {
        let (state, _) = await emptyState()
        let podcast = try #require(await state.allItems().first { $0.title == "Tech Talk Weekly" })
        try await withFakeServer(state) { server in
            let unknown = try await patch(server, "no-such-item", ["currentTime": 1])
            #expect(unknown.status == 404)
            #expect(unknown.text == "Library item not found")
            #expect(unknown.contentType == "text/html; charset=utf-8")
            let notABook = try await patch(server, podcast.id, ["currentTime": 1])
            #expect(notABook.status == 400)
            #expect(notABook.text == "Library item is not a book")
            let episode = try await send(server, .PATCH, "/api/me/progress/\(podcast.id)/some-episode", json: "{}")
            #expect(episode.status == 404)
            #expect(episode.text == "Episode not found")
            #expect(await state.progress(userId: admin).isEmpty)
        }
    }

    @Test func includeProgressAddsTheTokensUsersRowToAnExpandedItemOnly() async throws {
        let (state, books) = await emptyState()
        await state.setProgress(userId: admin, itemId: books[0].id, .inProgress(currentTime: 42, startedAt: 1_700_000_000_000, lastUpdate: 1_700_000_000_500))
        try await withFakeServer(state) { server in
            let expanded = try await send(server, .GET, "/api/items/\(books[0].id)?expanded=1&include=progress").object()
            let progress = try #require(expanded["userMediaProgress"] as? [String: Any])
            #expect(progress["currentTime"] as? Double == 42)
            #expect(progress["libraryItemId"] as? String == books[0].id)
            #expect(expanded["media"] != nil)

            let none = try await send(server, .GET, "/api/items/\(books[1].id)?expanded=1&include=progress").object()
            #expect(none["userMediaProgress"] is NSNull)
            let other = try await send(server, .GET, "/api/items/\(books[0].id)?expanded=1&include=progress", auth: readerAuth).object()
            #expect(other["userMediaProgress"] is NSNull)
            let both = try await send(server, .GET, "/api/items/\(books[0].id)?expanded=1&include=rssfeed,progress").text
            #expect(both.hasSuffix(#""startedAt":1700000000000,"finishedAt":null},"rssFeed":null}"#))
            let old = try await send(server, .GET, "/api/items/\(books[0].id)?include=progress").object()
            #expect(old["userMediaProgress"] == nil)
            let without = try await send(server, .GET, "/api/items/\(books[0].id)?expanded=1").object()
            #expect(without["userMediaProgress"] == nil)
        }
    }

    @Test func itemsInProgressListsUnfinishedItemsWithAPositionMostRecentFirst() async throws {
        let (state, books) = await emptyState()
        await state.setProgress(userId: admin, itemId: books[0].id, .inProgress(currentTime: 10, startedAt: 1_700_000_000_000, lastUpdate: 1_700_000_001_000))
        await state.setProgress(userId: admin, itemId: books[1].id, .inProgress(currentTime: 20, startedAt: 1_700_000_000_000, lastUpdate: 1_700_000_003_000))
        await state.setProgress(userId: admin, itemId: books[2].id, .inProgress(currentTime: 30, startedAt: 1_700_000_000_000, lastUpdate: 1_700_000_002_000))
        await state.setProgress(userId: admin, itemId: books[3].id, .finished(startedAt: 1_700_000_000_000, finishedAt: 1_700_000_009_000))
        await state.setProgress(userId: admin, itemId: books[4].id, .inProgress(currentTime: 0, startedAt: 1_700_000_000_000, lastUpdate: 1_700_000_009_000))
        await state.setProgress(userId: reader, itemId: books[4].id, .inProgress(currentTime: 5, startedAt: 1_700_000_000_000, lastUpdate: 1_700_000_009_000))
        try await withFakeServer(state) { server in
            let items = try #require(try await send(server, .GET, "/api/me/items-in-progress").object()["libraryItems"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [books[1].id, books[2].id, books[0].id])
            #expect(items.map { $0["progressLastUpdate"] as? Int64 } == [1_700_000_003_000, 1_700_000_002_000, 1_700_000_001_000])
            #expect(items.first?[path: "media.metadata.authorName"] is String, "minified items")
            let two = try #require(try await send(server, .GET, "/api/me/items-in-progress?limit=2").object()["libraryItems"] as? [[String: Any]])
            #expect(two.count == 2)
            let theirs = try #require(try await send(server, .GET, "/api/me/items-in-progress", auth: readerAuth).object()["libraryItems"] as? [[String: Any]])
            #expect(theirs.map { $0["id"] as? String } == [books[4].id])
        }
    }

    @Test func aUserByIdIsForAdminsAndItsProgressNamesTheBook() async throws {
        let (state, books) = await emptyState()
        await state.setProgress(userId: reader, itemId: books[0].id, .inProgress(currentTime: 42, startedAt: 1_700_000_000_000, lastUpdate: 1_700_000_000_500))
        try await withFakeServer(state) { server in
            let user = try await send(server, .GET, "/api/users/\(reader)").object()
            #expect(user["username"] as? String == "reader")
            let rows = try #require(user["mediaProgress"] as? [[String: Any]])
            #expect(rows.count == 1)
            #expect(rows.first?["userId"] as? String == reader)
            #expect(rows.first?["displayTitle"] as? String == books[0].title)
            #expect(rows.first?["coverPath"] as? String == books[0].coverPath)
            let updated = try #require(rows.first?["mediaUpdatedAt"] as? String)
            #expect(updated.count == 24 && updated.hasSuffix("Z") && updated.contains("."), "\(updated)")

            #expect(try await send(server, .GET, "/api/users/\(reader)", auth: readerAuth).status == 403)
            #expect(try await send(server, .GET, "/api/users/\(admin)", auth: readerAuth).status == 403)
            let unknown = try await send(server, .GET, "/api/users/no-such-user")
            #expect(unknown.status == 404)
            #expect(unknown.text == "Not Found")
        }
    }

    @Test func authorizeAnswersTheLoginPayloadWithTheUsersProgress() async throws {
        let (state, books) = await emptyState()
        await state.setProgress(userId: admin, itemId: books[0].id, .inProgress(currentTime: 42, startedAt: 1_700_000_000_000, lastUpdate: 1_700_000_000_500))
        let firstLibrary = await state.allLibraries().first?.id
        try await withFakeServer(state) { server in
            let login = try await send(server, .POST, "/api/authorize").object()
            #expect(login[path: "user.username"] as? String == "root")
            #expect((login[path: "user.mediaProgress"] as? [Any])?.count == 1)
            #expect(login[path: "serverSettings.version"] as? String == "2.36.0")
            #expect(login["userDefaultLibraryId"] as? String == firstLibrary)
            #expect(login["Source"] as? String == "docker")
            #expect(login["ereaderDevices"] as? [Any] != nil)
        }
    }

    @Test func generatedLibrariesGiveTheAdminSeededProgressOverThePastYear() async throws {
        let a = await FakeABSState.generated(items: 200, seed: 5).progress(userId: admin)
        let b = await FakeABSState.generated(items: 200, seed: 5).progress(userId: admin)
        #expect(a == b)
        #expect(await FakeABSState.generated(items: 200, seed: 5).progress(userId: reader).isEmpty)
        let finished = a.filter(\.isFinished)
        let listening = a.filter { !$0.isFinished }
        #expect((35...65).contains(finished.count), "\(finished.count)")
        #expect((12...40).contains(listening.count), "\(listening.count)")
        let reference = FakeABSState.generatedProgressReference
        let year: Int64 = 365 * 86_400_000
        for row in finished {
            let finishedAt = try #require(row.finishedAt)
            #expect(finishedAt <= reference && finishedAt > reference - year)
            #expect(row.startedAt < finishedAt && row.lastUpdate >= finishedAt && row.progress == 1)
        }
        let months = Set(finished.compactMap(\.finishedAt).map { ($0 - (reference - year)) / (year / 12) })
        #expect(months.count >= 8, "finish dates spread over the year: \(months.sorted())")
        for row in listening {
            #expect(row.finishedAt == nil && row.currentTime > 0 && row.currentTime < row.duration && row.lastUpdate <= reference)
        }
        // Only books, each at most once.
        let state = FakeABSState.generated(items: 200, seed: 5)
        let library = await bookLibraryId(state)
        let books = Set(await state.allItems().filter { $0.libraryId == library }.map(\.id))
        #expect(Set(a.map(\.libraryItemId)).isSubset(of: books))
        #expect(Set(a.map(\.libraryItemId)).count == a.count)
    }
}
