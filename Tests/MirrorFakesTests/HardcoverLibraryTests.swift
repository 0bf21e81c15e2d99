import Foundation
import MirrorFakes
import Testing

/// The users' libraries as queries read them: pages, users, limits, computed columns.
struct HardcoverLibraryTests {
    @Test func aLibraryOf1030BooksReadsInPagesOf100FivePagesARequest() async throws {
        let catalog = FakeHardcoverCatalog.generated(books: 1_100, seed: 3)
        let clock = FakeHardcoverClock.manual(LibraryFixture.may27)
        let state = FakeHardcoverState(catalog: catalog, limits: .free, clock: clock)
        let statuses = FakeHardcoverReadingStatus.allCases
        let seeded = await state.seed(catalog.books.prefix(1_030).enumerated().map { n, book in
            let audio = catalog.editions(ofBook: book.id).first(where: \.isAudiobook)
            let reads = n % 3 == 0 ? [] : (0..<(n % 3)).map { k in
                FakeHardcoverUserBookRead(editionId: audio?.id, startedAt: "2025-0\(k + 1)-10",
                                          finishedAt: k == 0 ? "2025-02-01" : nil, progressSeconds: 60 * n)
            }
            return FakeHardcoverUserBook(bookId: book.id, editionId: audio?.id, status: statuses[n % statuses.count], reads: reads)
        })
        await state.seed(catalog.books.prefix(20).map { FakeHardcoverUserBook(bookId: $0.id, status: .read) }, for: .second)
        try await withHardcover(state) { server in
            let me = try await graphQL(server, LibraryQueries.me)
            let id = try #require(int(try me.rows("me").first?["id"]))
            #expect(id == 1)
            var rows: [[String: Any]] = []
            var request = 0
            while true {
                // Paced as a client paces by the headers: five tokens refill in five seconds.
                clock.advance(by: .seconds(5))
                let reply = try await graphQL(server, LibraryQueries.pages(request * 5), variables: ["me": id])
                #expect(reply.status == 200)
                let pages = try (0..<5).map { try reply.rows("p\(request * 5 + $0)") }
                rows += pages.joined()
                request += 1
                if pages.contains(where: { $0.count < 100 }) { break }
            }
            #expect(request == 3)
            #expect(rows.compactMap { int($0["id"]) } == seeded.map(\.id))
            #expect(rows.compactMap { int($0["book_id"]) } == seeded.map(\.bookId))
            #expect(rows.compactMap { int($0["status_id"]) } == seeded.map(\.status.rawValue))
            let reads = rows.map { ($0["user_book_reads"] as? [[String: Any]]) ?? [] }
            #expect(reads.map(\.count) == seeded.map(\.reads.count))
            #expect(reads.flatMap { $0.compactMap { int($0["id"]) } } == seeded.flatMap { $0.reads.map(\.id) })
            #expect(reads[1].first?["finished_at"] as? String == "2025-02-01")
            #expect(reads[1].first?["progress_seconds"] as? Int == 60)
            #expect(rows.allSatisfy { ($0["updated_at"] as? String)?.hasPrefix("2026-05-27T00:00:00.") == true })

            // One `me` and three requests of five fields: 16 counted, none refused.
            let log = await state.requests()
            #expect(log.map(\.status) == [200, 200, 200, 200])
            #expect(log.map(\.cost) == [1, 5, 5, 5])
            #expect(log.allSatisfy { $0.rejectedReason == nil })
            #expect(log[1].topLevelFields == Array(repeating: "user_books", count: 5))
            #expect(await state.usage().usedToday == 16)
        }
    }

    @Test func theTokenDecidesWhoMeIsAndWhoseBooksAreVisible() async throws {
        let state = LibraryFixture.state()
        let first = await state.seed([FakeHardcoverUserBook(bookId: 10, editionId: 101, status: .currentlyReading),
                                      FakeHardcoverUserBook(bookId: 40, status: .read, privacySettingId: 3)])
        let second = await state.seed([FakeHardcoverUserBook(bookId: 10, status: .wantToRead)], for: .second)
        try await withHardcover(state) { server in
            let me2 = try await graphQL(server, LibraryQueries.me, auth: LibraryFixture.user2)
            #expect(me2.text == #"{"data":{"me":[{"id":2,"username":"second-listener"}]}}"#)
            let me1 = try await graphQL(server, LibraryQueries.me, auth: LibraryFixture.user1)
            #expect(me1.text == #"{"data":{"me":[{"id":1,"username":"fake-reader"}]}}"#)

            let own = "query($me: Int!) { user_books(where: {user_id: {_eq: $me}}, order_by: {id: asc}) { id user_id } }"
            let ownOf2 = try await graphQL(server, own, variables: ["me": 2], auth: LibraryFixture.user2)
            #expect(try ownOf2.rows("user_books").compactMap { int($0["id"]) } == second.map(\.id))
            let ownOf1 = try await graphQL(server, own, variables: ["me": 1], auth: LibraryFixture.user1)
            #expect(try ownOf1.rows("user_books").compactMap { int($0["id"]) } == first.map(\.id))

            // Without the filter, user 2 sees user 1's public book (the trap), never the private one.
            let everything = try await graphQL(server, "{ user_books(order_by: {id: asc}) { id user_id } }", auth: LibraryFixture.user2)
            #expect(try everything.rows("user_books").compactMap { int($0["id"]) } == [first[0].id, second[0].id])
            let hidden = try await graphQL(server, "query($id: Int!) { user_books_by_pk(id: $id) { id } }",
                                           variables: ["id": first[1].id], auth: LibraryFixture.user2)
            #expect(hidden.text == #"{"data":{"user_books_by_pk":null}}"#)
            // me { user_books } lists the token's own.
            let nested = try await graphQL(server, "{ me { user_books(order_by: {id: asc}) { id book { title } } } }", auth: LibraryFixture.user1)
            let books = try #require(try nested.rows("me").first?["user_books"] as? [[String: Any]])
            #expect(books.compactMap { int($0["id"]) } == first.map(\.id))
            #expect((books.first?["book"] as? [String: Any])?["title"] as? String == "The Way of Kings")
        }
    }

    @Test func aSixthTopLevelFieldRefusesTheWholeRequest() async throws {
        let state = LibraryFixture.state()
        try await withHardcover(state) { server in
            let six = try await graphQL(server, LibraryQueries.pages(0, count: 6), variables: ["me": 1])
            #expect(six.status == 403)
            #expect(try six.object()["errors"] as? [String] == ["top_level_limit_exceeded",
                                                                "A query may have at most 5 top-level fields; this one has 6"])
            let mutations = "mutation { " + (0..<6).map { "m\($0): insert_user_book(object: {book_id: \([10, 20, 30, 40, 50, 60][$0])}) { id }" }
                .joined(separator: " ") + " }"
            let refused = try await graphQL(server, mutations)
            #expect(refused.status == 403)
            #expect(await state.library().isEmpty, "nothing of a refused request applies")
            let log = await state.requests()
            #expect(log.map(\.cost) == [1, 1])
            #expect(log.map(\.rejectedReason) == ["top_level_limit_exceeded", "top_level_limit_exceeded"])
        }
    }

    @Test func progressIsComputedFromTheEditionsLengthAndStatusesHaveNames() async throws {
        let state = LibraryFixture.state()
        let rows = await state.seed([
            FakeHardcoverUserBook(bookId: 10, editionId: 101, status: .currentlyReading, reads: [
                FakeHardcoverUserBookRead(editionId: 101, startedAt: "2026-05-01", progressSeconds: 81_540),
                // No edition of its own: the user book's (163,080 s); more than the length is 100.
                FakeHardcoverUserBookRead(startedAt: "2026-05-02", progressSeconds: 200_000),
                // A print edition: pages.
                FakeHardcoverUserBookRead(editionId: 102, progressPages: 100),
            ]),
            FakeHardcoverUserBook(bookId: 30, status: .didNotFinish, reads: [FakeHardcoverUserBookRead(progressSeconds: 10)]),
        ])
        try await withHardcover(state) { server in
            let reply = try await graphQL(server, """
                { user_books(order_by: {id: asc}) { status_id user_book_status { status slug }
                    user_book_reads(order_by: {id: asc}) { progress progress_seconds edition { reading_format_id audio_seconds } } } }
                """)
            let books = try reply.rows("user_books")
            let reads = try #require(books.first?["user_book_reads"] as? [[String: Any]])
            #expect(reads.map { $0["progress"] as? Double } == [50, 100, 100.0 * 100 / 1007])
            #expect((reads[0]["edition"] as? [String: Any])?["reading_format_id"] as? Int == 2)
            #expect((books[1]["user_book_reads"] as? [[String: Any]])?.first?["progress"] is NSNull, "no edition, no progress")
            #expect(books.map { ($0["user_book_status"] as? [String: Any])?["slug"] as? String } == ["currently-reading", "did-not-finish"])
            #expect(await state.progress(ofRead: rows[0].reads[0].id) == 50)
            #expect(rows[0].readCount == 0 && rows[0].firstStartedReadingDate == "2026-05-01")

            let statuses = try await graphQL(server, "{ user_book_statuses(order_by: {id: asc}) { id status slug } }")
            #expect(try statuses.rows("user_book_statuses").map { "\(int($0["id"])!) \($0["status"]!) \($0["slug"]!)" } == [
                "1 Want to Read want-to-read", "2 Currently Reading currently-reading", "3 Read read", "4 Paused paused",
                "5 Did Not Finish did-not-finish", "6 Ignored ignored",
            ])
            // Four levels deep is refused as every query is.
            let deep = try await graphQL(server, "{ user_books { user_book_reads { edition { book { id } } } } }")
            #expect(deep.status == 403)
            #expect((try deep.object()["errors"] as? [String])?.first == "max_depth_exceeded")
        }
    }

    @Test func aCatalogOnlyTokenSeesNoLibrary() async throws {
        let state = LibraryFixture.state()
        await state.seed([FakeHardcoverUserBook(bookId: 10)])
        try await withHardcover(state) { server in
            let token = Auth.bearer(FakeHardcoverState.catalogOnlyToken)
            let reply = try await graphQL(server, "{ user_books { id } }", auth: token)
            #expect(reply.status == 200)
            #expect(reply.text == """
                {"errors":[{"message":"field 'user_books' not found in type: 'query_root'",\
                "extensions":{"path":"$.selectionSet.user_books","code":"validation-failed"}}]}
                """)
            let readOnly = try await graphQL(server, "{ user_books { id } }", auth: .bearer(FakeHardcoverState.readOnlyToken))
            #expect(try readOnly.rows("user_books").count == 1)
        }
    }
}
