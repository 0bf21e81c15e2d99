import Foundation
import MirrorCore
import MirrorFakes
@testable import MirrorRemote
import TestSupport
import Testing

/// HardcoverClient's library writes against the fake Hardcover over loopback: mutate() five fields
/// a request, each outcome checked against the fake's library afterwards, refusals and failures,
/// never a second send of a write that may have applied; the write-access probe; the pre-read of
/// the user books of some books; the dry run's documents.
struct HardcoverLibraryWriteTests {
    static let catalog = FakeHardcoverCatalog.generated(books: 2_100, seed: 14)
    static let may27 = Duration.seconds(1_779_840_000)

    static func state(limits: FakeHardcoverLimits = .unlimited, clock: FakeHardcoverClock = .manual(may27)) -> FakeHardcoverState {
        FakeHardcoverState(catalog: catalog, limits: limits, clock: clock)
    }

    static func client(_ server: FakeHardcoverServer, token: String = FakeHardcoverState.validToken,
                       limiter: RateLimiter = RateLimiter(configuration: .init(perMinute: 1_000_000, burst: 10))) throws -> HardcoverClient {
        var policy = RetryPolicy()
        policy.sleep = { _ in }
        policy.timeout = TestLimits.request
        let connection = try HardcoverConnection(url: server.graphqlURL.absoluteString, token: token, tokenSource: "HARDCOVER_TOKEN")
        return HardcoverClient(connection: connection, httpClient: .mirror, limiter: limiter, policy: policy)
    }

    /// The n-th book of the catalog and one of its editions.
    static func book(_ n: Int) throws -> (id: Int, edition: Int) {
        let book = catalog.books[n]
        let edition = try #require(catalog.editions(ofBook: book.id).first)
        return (book.id, edition.id)
    }

    static func stored(_ state: FakeHardcoverState, _ id: Int) async throws -> HardcoverUserBook {
        try #require(await state.userBook(id: id)).asRead
    }

    // MARK: - Requests and cost

    @Test func twelveMutationsGoInThreeRequestsOfAtMostFiveFieldsAndCostTwelve() async throws {
        let state = Self.state()
        let books = try (0..<12).map(Self.book)
        try await withFakeHardcover(state) { server in
            let client = try Self.client(server)
            let mutations = books.map { HardcoverLibraryMutation.insertUserBook(bookId: $0.id, fields: [.statusId: .int(1), .editionId: .int($0.edition)]) }
            let outcomes = try await client.mutate(mutations)

            let library = await state.library()
            #expect(library.map(\.bookId) == books.map(\.id))
            #expect(outcomes == library.map { .userBook($0.asRead) })
            let log = await state.requests()
            #expect(log.map(\.topLevelFields.count) == [5, 5, 2])
            #expect(log.allSatisfy { $0.topLevelFields.allSatisfy { $0 == "insert_user_book" } })
            #expect(log.allSatisfy { $0.status == 200 && $0.rejectedReason == nil })
            #expect(log.map(\.cost).reduce(0, +) == 12)
            #expect(await state.usage().usedToday == 12)
            #expect(await client.limiter.used == 12)
            #expect(client.httpRequests == 3)
        }
    }

    // MARK: - Each outcome, against the fake's state

    @Test func userBookInsertUpdateAndDeleteAnswerTheRowsAsTheFakeHoldsThem() async throws {
        let state = Self.state()
        let (a, b, x) = try (Self.book(0), Self.book(1), Self.book(2))
        let seeded = await state.seed([
            FakeHardcoverUserBook(bookId: a.id, status: .currentlyReading,
                                  reads: [FakeHardcoverUserBookRead(editionId: a.edition, startedAt: "2026-01-02", progressSeconds: 60)]),
            FakeHardcoverUserBook(bookId: b.id, status: .wantToRead,
                                  reads: [FakeHardcoverUserBookRead(startedAt: "2025-03-04")]),
        ])
        try await withFakeHardcover(state) { server in
            let outcomes = try await Self.client(server).mutate([
                .insertUserBook(bookId: x.id, fields: [.statusId: .int(2), .editionId: .int(x.edition)]),
                .updateUserBook(id: seeded[0].id, fields: [.statusId: .int(4), .editionId: .int(a.edition)]),
                .deleteUserBook(id: seeded[1].id),
            ])
            #expect(outcomes.count == 3)
            let inserted = try #require(await state.library().first { $0.bookId == x.id })
            #expect(inserted.status == .currentlyReading && inserted.editionId == x.edition)
            #expect(outcomes[0] == .userBook(inserted.asRead))
            let updated = try await Self.stored(state, seeded[0].id)
            #expect(updated.status == .paused && updated.editionId == a.edition && updated.reads.count == 1)
            #expect(outcomes[1] == .userBook(updated))
            #expect(outcomes[2] == .deleted(id: seeded[1].id))
            #expect(await state.userBook(id: seeded[1].id) == nil)
        }
    }

    @Test func readInsertUpdateAndDeleteAnswerTheReadsAsTheFakeHoldsThem() async throws {
        let state = Self.state()
        let a = try Self.book(3)
        let seeded = await state.seed([
            FakeHardcoverUserBook(bookId: a.id, status: .currentlyReading, reads: [
                FakeHardcoverUserBookRead(editionId: a.edition, startedAt: "2026-01-02", progressSeconds: 60),
                FakeHardcoverUserBookRead(startedAt: "2025-03-04", finishedAt: "2025-04-05"),
            ]),
        ])
        let userBook = seeded[0].id
        let (first, second) = (seeded[0].reads[0].id, seeded[0].reads[1].id)
        try await withFakeHardcover(state) { server in
            let outcomes = try await Self.client(server).mutate([
                .insertRead(userBookId: userBook, fields: [.editionId: .int(a.edition), .startedAt: .string("2026-05-01"),
                                                           .progressSeconds: .int(600)]),
                .updateRead(id: first, fields: [.finishedAt: .string("2026-05-20"), .startedAt: .null, .progressSeconds: .int(3_600)]),
                .deleteRead(id: second),
            ])
            let reads = try await Self.stored(state, userBook).reads
            #expect(reads.map(\.id).contains(second) == false)
            let added = try #require(reads.first { $0.id != first })
            #expect(added == HardcoverRead(id: added.id, editionId: a.edition, startedOn: HardcoverDate("2026-05-01"), progressSeconds: 600))
            #expect(outcomes[0] == .read(added, userBookId: userBook))
            let changed = try #require(reads.first { $0.id == first })
            #expect(changed == HardcoverRead(id: first, editionId: a.edition, finishedOn: HardcoverDate("2026-05-20"), progressSeconds: 3_600))
            #expect(outcomes[1] == .read(changed, userBookId: userBook))
            #expect(outcomes[2] == .deleted(id: second))
        }
    }

    @Test func editionOwnedTogglesTheOwnedListEntry() async throws {
        let state = Self.state()
        let a = try Self.book(4)
        let seeded = await state.seed([FakeHardcoverUserBook(bookId: a.id, editionId: a.edition, status: .read)])
        try await withFakeHardcover(state) { server in
            let client = try Self.client(server)
            let on = try await client.mutate([.editionOwned(editionId: a.edition)])
            guard case .owned(let entry?) = on.first else {
                Issue.record("expected an owned-list entry, got \(on)")
                return
            }
            #expect(entry > 0)
            #expect(try await Self.stored(state, seeded[0].id).owned)
            let off = try await client.mutate([.editionOwned(editionId: a.edition)])
            #expect(off == [.owned(listBookId: nil)])
            #expect(try await Self.stored(state, seeded[0].id).owned == false)
        }
    }

    // MARK: - Refusals and failures

    @Test func aSecondUserBookForABookIsRefusedWhileTheRequestsOthersApply() async throws {
        let state = Self.state()
        let (a, y) = try (Self.book(5), Self.book(6))
        let seeded = await state.seed([FakeHardcoverUserBook(bookId: a.id, status: .wantToRead)])
        try await withFakeHardcover(state) { server in
            let outcomes = try await Self.client(server).mutate([
                .insertUserBook(bookId: a.id, fields: [.statusId: .int(3)]),
                .updateUserBook(id: seeded[0].id, fields: [.statusId: .int(2)]),
                .insertUserBook(bookId: y.id, fields: [:]),
            ])
            #expect(outcomes.first == .refused("This book is already in your library"))
            let library = await state.library()
            #expect(library.map(\.bookId) == [a.id, y.id])
            #expect(library[0].status == .currentlyReading)
            #expect(Array(outcomes.dropFirst()) == library.map { .userBook($0.asRead) })
            #expect(await state.requests().count == 1)
        }
    }

    @Test func errorsWithoutDataAreUnknownForTheWholeRequestAndTheNextRequestIsSent() async throws {
        // A date Postgres refuses, third of five: the two before it applied, it and those after did
        // not; the answer does not say which, so all five are unknown. The sixth, in a request of
        // its own, applies.
        let state = Self.state()
        let books = try (7..<13).map(Self.book)
        let seeded = await state.seed(books.map { FakeHardcoverUserBook(bookId: $0.id, status: .wantToRead) })
        try await withFakeHardcover(state) { server in
            var mutations = seeded.map { HardcoverLibraryMutation.updateUserBook(id: $0.id, fields: [.statusId: .int(2)]) }
            mutations[2] = .insertRead(userBookId: seeded[2].id, fields: [.startedAt: .string("2026-02-30")])
            let outcomes = try await Self.client(server).mutate(mutations)
            for outcome in outcomes.prefix(5) {
                guard case .failed(let message, let unknown) = outcome else {
                    Issue.record("expected a failure, got \(outcome)")
                    continue
                }
                #expect(message.contains("invalid input syntax for type date: \"2026-02-30\""))
                #expect(unknown)
            }
            let after = await state.library()
            #expect(after.map(\.status) == [.currentlyReading, .currentlyReading, .wantToRead, .wantToRead, .wantToRead, .currentlyReading])
            #expect(outcomes[5] == .userBook(after[5].asRead))
            #expect(await state.requests().count == 2)
        }
    }

    @Test func anInjectedMutationFailureIsUnknown() async throws {
        let state = Self.state()
        let a = try Self.book(13)
        await state.inject(.mutationFailure("something broke"))
        try await withFakeHardcover(state) { server in
            let outcomes = try await Self.client(server).mutate([.insertUserBook(bookId: a.id, fields: [:])])
            #expect(outcomes.count == 1)
            guard case .failed(let message, unknown: true)? = outcomes.first else {
                Issue.record("expected an unknown failure, got \(outcomes)")
                return
            }
            #expect(message.contains("something broke"))
            #expect(await state.library().isEmpty)
        }
    }

    @Test(arguments: [FakeHardcoverFault.status(503), .status(500), .status(502, html: true), .connectionReset])
    func aServerErrorOrADroppedConnectionIsNeverResentAndStopsTheRest(fault: FakeHardcoverFault) async throws {
        let state = Self.state()
        let books = try (14..<21).map(Self.book)
        await state.inject(fault)
        try await withFakeHardcover(state) { server in
            let client = try Self.client(server)
            let outcomes = try await client.mutate(books.map { .insertUserBook(bookId: $0.id, fields: [:]) })
            #expect(outcomes.count == 7)
            for outcome in outcomes.prefix(5) {
                guard case .failed(_, unknown: true) = outcome else {
                    Issue.record("expected an unknown failure, got \(outcome)")
                    continue
                }
            }
            for outcome in outcomes.suffix(2) {
                guard case .failed(let message, unknown: false) = outcome else {
                    Issue.record("expected a failure before sending, got \(outcome)")
                    continue
                }
                #expect(message.hasPrefix("not sent: an earlier request failed"))
            }
            #expect(client.httpRequests == 1)
            #expect(await state.requests().count == 1)
            #expect(await state.library().isEmpty)
        }
    }

    @Test func a429WaitsForRetryAfterAndIsSentAgain() async throws {
        let clock = FakeHardcoverClock.manual(Self.may27)
        let state = Self.state(clock: clock)
        let a = try Self.book(21)
        await state.inject(.status(429, retryAfter: 7))
        let limiterClock = RateLimiter.Clock(
            now: { let d = clock.now(); return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 },
            sleep: { clock.advance(by: $0) })
        let limiter = RateLimiter(configuration: .init(perMinute: 1_000_000, burst: 10), clock: limiterClock)
        try await withFakeHardcover(state) { server in
            let client = try Self.client(server, limiter: limiter)
            let outcomes = try await client.mutate([.insertUserBook(bookId: a.id, fields: [.statusId: .int(3)])])
            let library = await state.library()
            #expect(library.count == 1)
            #expect(outcomes == [.userBook(try #require(library.first).asRead)])
            #expect(await state.requests().map(\.status) == [429, 200])
            #expect(client.httpRequests == 2)
            #expect(await limiter.waited >= 7)
        }
    }

    @Test func aMutationItsInputCannotCarryIsNeverSent() async throws {
        let state = Self.state()
        let a = try Self.book(22)
        try await withFakeHardcover(state) { server in
            let outcomes = try await Self.client(server).mutate([
                .insertUserBook(bookId: a.id, fields: [.progressSeconds: .int(5)]),
                .updateRead(id: 1, fields: [.startedAt: .int(20_260_501)]),
            ])
            #expect(outcomes == [
                .failed("not sent: insert_user_book has no input field progress_seconds", unknown: false),
                .failed("not sent: update_user_book_read: started_at cannot be int(20260501)", unknown: false),
            ])
            #expect(await state.requests().isEmpty)
        }
    }

    // MARK: - Scopes

    @Test func aReadOnlyTokenLacksTheWriteScopeByNameAndMutateThrowsTheRefusal() async throws {
        let state = Self.state()
        let a = try Self.book(23)
        try await withFakeHardcover(state) { server in
            let client = try Self.client(server, token: FakeHardcoverState.readOnlyToken)
            let access = try await client.libraryWriteAccess()
            #expect(access == .missingScope(FakeHardcoverState.writeScope))
            do {
                _ = try await client.mutate([.insertUserBook(bookId: a.id, fields: [:])])
                Issue.record("a read-only token wrote")
            } catch let error as RemoteError {
                #expect(error.code == .forbidden)
                #expect(error.summary.contains("the token lacks the scope '\(FakeHardcoverState.writeScope)'"))
                #expect(!error.summary.contains(FakeHardcoverState.readOnlyToken))
            }
            #expect(await state.library().isEmpty)
            #expect(await state.requests().map(\.status) == [403, 403])
        }
    }

    @Test func aFullTokenMayWriteAndTheProbeChangesNothingForOneField() async throws {
        let state = Self.state()
        let seeded = await state.seed(Self.catalog.sampleLibrary(20))
        try await withFakeHardcover(state) { server in
            let access = try await Self.client(server).libraryWriteAccess()
            #expect(access == .allowed)
            #expect(await state.library() == seeded)
            let log = await state.requests()
            #expect(log.map(\.topLevelFields) == [["delete_user_book_read"]])
            #expect(log.map(\.cost) == [1])
        }
    }

    // MARK: - The pre-read

    @Test func theUserBooksOf1200BooksTakeThreeRequestsAndTwelveFieldsAndAreTheUsersOnly() async throws {
        let state = Self.state()
        let mine = await state.seed(Self.catalog.sampleLibrary(1_500))
        // The second user's public user books of the same books are not the reader's.
        await state.seed(Self.catalog.sampleLibrary(300, offset: 100), for: .second)
        let ids = Self.catalog.books.prefix(1_200).map(\.id)
        try await withFakeHardcover(state) { server in
            let client = try Self.client(server)
            // Asked in another order, with repeats.
            let (userId, books) = try await client.userBooks(bookIds: Array(ids.reversed()) + Array(ids.prefix(50)))
            #expect(userId == FakeHardcoverUser.reader.id)
            let wanted = Set(ids)
            #expect(books == mine.filter { wanted.contains($0.bookId) }.map(\.asRead))
            #expect(books.count == 1_200)
            let log = await state.requests()
            #expect(log.map(\.cost) == [5, 5, 2])
            #expect(log.allSatisfy { $0.status == 200 && $0.rejectedReason == nil && $0.topLevelFields.allSatisfy { $0 == "me" } })
        }
    }

    @Test func booksNotInTheLibraryAreAbsentAndNoIdsAskOnlyWhoTheUserIs() async throws {
        let state = Self.state()
        let mine = await state.seed(Self.catalog.sampleLibrary(3))
        try await withFakeHardcover(state) { server in
            let client = try Self.client(server)
            let ids = Self.catalog.books.prefix(10).map(\.id)
            let some = try await client.userBooks(bookIds: ids)
            #expect(some.books == mine.map(\.asRead))
            let none = try await client.userBooks(bookIds: [])
            #expect(none.userId == FakeHardcoverUser.reader.id && none.books.isEmpty)
            #expect(await state.requests().map(\.cost) == [1, 1])
        }
    }

    @Test func aTokenWithoutTheLibrarysScopesCannotPreReadAndNothingIsSentForNoMutations() async throws {
        let state = Self.state()
        try await withFakeHardcover(state) { server in
            let client = try Self.client(server, token: FakeHardcoverState.catalogOnlyToken)
            do {
                _ = try await client.userBooks(bookIds: [Self.catalog.books[0].id])
                Issue.record("pre-read a library without its scopes")
            } catch let error as RemoteError {
                #expect(error.code == .forbidden)
                #expect(error.summary.contains("read:me, read:library"))
            }
            #expect(try await client.mutate([]).isEmpty)
            #expect(await state.requests().count == 1)
        }
    }

    // MARK: - The dry run's documents

    @Test func theDryRunsDocumentsCarryValuesAsVariablesOnlyAndAreWhatIsSent() async throws {
        let a = try Self.book(24)
        let mutations: [HardcoverLibraryMutation] = [
            .insertUserBook(bookId: a.id, fields: [.statusId: .int(4), .editionId: .int(a.edition)]),
            .updateUserBook(id: 987_654, fields: [.editionId: .null]),
            .deleteUserBook(id: 876_543),
            .insertRead(userBookId: 765_432, fields: [.startedAt: .string("2031-07-19"), .progressSeconds: .int(123_456)]),
            .updateRead(id: 654_321, fields: [.finishedAt: .string("2032-08-20")]),
            .deleteRead(id: 543_210),
            .editionOwned(editionId: 432_109),
        ]
        let requests = HardcoverClient.mutationRequests(mutations)
        #expect(requests.count == 2)
        let values = ["987654", "876543", "765432", "2031-07-19", "123456", "654321", "2032-08-20",
                      "543210", "432109"]
        for value in values {
            #expect(requests.filter { $0.variables.contains(value) }.count == 1, "\(value) in the variables")
            #expect(!requests.contains { $0.document.contains(value) }, "\(value) spliced into a document")
        }
        for request in requests {
            #expect(!request.document.contains("hc_pat") && !request.variables.contains("hc_pat") && !request.document.contains("Bearer"))
            // Sorted-keys JSON: what JSONSerialization writes for the same object.
            let object = try JSONSerialization.jsonObject(with: Data(request.variables.utf8))
            let again = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            #expect(String(decoding: again, as: UTF8.self) == request.variables)
        }
        #expect(requests[0].document == """
            mutation LibraryWrites($object0: UserBookCreateInput!, $id1: Int!, $object1: UserBookUpdateInput!, $id2: Int!, $id3: Int!, $object3: DatesReadInput!, $id4: Int!, $object4: DatesReadInput!) {
              m0: insert_user_book(object: $object0) { \(HardcoverMutations.userBookAnswer) }
              m1: update_user_book(id: $id1, object: $object1) { \(HardcoverMutations.userBookAnswer) }
              m2: delete_user_book(id: $id2) { id book_id user_id }
              m3: insert_user_book_read(user_book_id: $id3, user_book_read: $object3) { \(HardcoverMutations.readAnswer) }
              m4: update_user_book_read(id: $id4, object: $object4) { \(HardcoverMutations.readAnswer) }
            }
            """)
        #expect(requests[0].variables == #"{"id1":987654,"id2":876543,"id3":765432,"id4":654321,"object0":{"book_id":\#(a.id),"edition_id":\#(a.edition),"status_id":4},"object1":{"edition_id":null},"object3":{"progress_seconds":123456,"started_at":"2031-07-19"},"object4":{"finished_at":"2032-08-20"}}"#)
        #expect(requests[1].variables == #"{"id0":543210,"id1":432109}"#)

        // The same mutations sent: the fake parses and validates both documents (five fields, three
        // levels deep at most) and runs their fields. The ids are no one's: the insert applies, the
        // delete of a user book that is not there fails its request in band (what came before it
        // applied), and so does edition_owned of an edition that does not exist.
        let state = Self.state()
        try await withFakeHardcover(state) { server in
            let outcomes = try await Self.client(server).mutate(mutations)
            #expect(outcomes.count == 7)
            #expect(outcomes.allSatisfy { if case .failed(_, unknown: true) = $0 { true } else { false } })
            #expect(await state.library().map(\.bookId) == [a.id])
            let log = await state.requests()
            #expect(log.map(\.topLevelFields) == [
                ["insert_user_book", "update_user_book", "delete_user_book", "insert_user_book_read", "update_user_book_read"],
                ["delete_user_book_read", "edition_owned"],
            ])
            #expect(log.allSatisfy { $0.status == 200 && $0.operationName == "LibraryWrites" })
            #expect(log.map(\.rejectedReason) == ["unexpected: User book not found", "unexpected: Edition not found"])
        }
    }
}
