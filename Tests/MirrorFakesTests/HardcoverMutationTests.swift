import Foundation
import MirrorFakes
import Testing

/// The library mutations: what each answers, how each fails, and what they cost.
struct HardcoverMutationTests {
    typealias Q = LibraryQueries

    /// `data.<field>.error`, failing the test if the answer has `errors`.
    func ownError(_ reply: Reply, _ field: String) throws -> String? {
        try #require(try reply.field(field))["error"] as? String
    }

    @Test func insertUserBookAnswersTheRowAndASecondForTheSameBookIsTheMutationsOwnError() async throws {
        let state = LibraryFixture.state()
        try await withHardcover(state) { server in
            let reply = try await graphQL(server, Q.insertUserBook, variables: ["object": ["book_id": 10, "edition_id": 101, "status_id": 2]])
            #expect(reply.status == 200)
            let inserted = try #require(try reply.field("insert_user_book"))
            #expect(inserted["error"] is NSNull)
            let row = try #require(inserted["user_book"] as? [String: Any])
            #expect(int(inserted["id"]) == int(row["id"]))
            #expect(int(row["user_id"]) == 1 && int(row["book_id"]) == 10 && int(row["edition_id"]) == 101 && int(row["status_id"]) == 2)
            #expect(row["date_added"] as? String == "2026-05-27")

            let again = try await graphQL(server, Q.insertUserBook, variables: ["object": ["book_id": 10, "status_id": 3]])
            #expect(again.status == 200)
            #expect(again.text == #"{"data":{"insert_user_book":{"error":"This book is already in your library","id":null,"user_book":null}}}"#)

            // Refused by the handler the same way: no such book, an edition of another book, a status out of range.
            let refusals: [([String: Any], String)] = [
                (["book_id": 999], "Book not found"),
                (["book_id": 20, "edition_id": 101], "The edition is not an edition of this book"),
                (["book_id": 20, "status_id": 7], "Invalid status"),
            ]
            for (object, error) in refusals {
                let refused = try await graphQL(server, Q.insertUserBook, variables: ["object": object])
                #expect(refused.status == 200)
                let field = try #require(try refused.field("insert_user_book"))
                #expect(field["error"] as? String == error)
                #expect(field["user_book"] is NSNull)
            }
            // A missing book_id is Hasura's validation, in `errors`.
            let missing = try await graphQL(server, Q.insertUserBook, variables: ["object": ["status_id": 1]])
            #expect(missing.status == 200)
            #expect(try missing.graphQLError().message == "missing required field 'book_id'")

            let library = await state.library()
            #expect(library.map(\.bookId) == [10])
            #expect(library.first?.status == .currentlyReading)
        }
    }

    @Test func updateUserBookWritesOnlyTheFieldsGivenAndMovesUpdatedAtEveryTime() async throws {
        let state = LibraryFixture.state()
        let seeded = await state.seed([FakeHardcoverUserBook(bookId: 10, editionId: 102, status: .currentlyReading, rating: 4.5)])
        let id = seeded[0].id
        try await withHardcover(state) { server in
            let reply = try await graphQL(server, Q.updateUserBook, variables: ["id": id, "object": ["edition_id": 101, "status_id": 4]])
            let field = try #require(try reply.field("update_user_book"))
            #expect(field["error"] is NSNull)
            let row = try #require(field["user_book"] as? [String: Any])
            #expect(int(row["edition_id"]) == 101 && int(row["status_id"]) == 4)
            #expect(row["rating"] as? Double == 4.5, "rating untouched")
            let first = try #require(row["updated_at"] as? String)
            #expect(first > seeded[0].updatedAt)

            // The clock has not moved; updated_at still does. An explicit null clears the edition.
            let again = try await graphQL(server, Q.updateUserBook, variables: ["id": id, "object": ["edition_id": NSNull()]])
            let second = try #require(try again.field("update_user_book")?["user_book"] as? [String: Any])
            #expect(second["edition_id"] is NSNull)
            let secondStamp = try #require(second["updated_at"] as? String)
            #expect(secondStamp > first)
            let stored = try #require(await state.userBook(id: id))
            #expect(stored.editionId == nil && stored.status == .paused && stored.rating == 4.5 && stored.updatedAt == secondStamp)

            let unknown = try await graphQL(server, Q.updateUserBook, variables: ["id": 1, "object": ["status_id": 3]])
            #expect(try ownError(unknown, "update_user_book") == "User book not found")
        }
    }

    @Test func deleteUserBookAnswersItsIdsAndDeletesItsReads() async throws {
        let state = LibraryFixture.state()
        let seeded = await state.seed([
            FakeHardcoverUserBook(bookId: 10, reads: [FakeHardcoverUserBookRead(startedAt: "2026-01-01"), FakeHardcoverUserBookRead()]),
            FakeHardcoverUserBook(bookId: 20),
        ])
        try await withHardcover(state) { server in
            let reply = try await graphQL(server, Q.deleteUserBook, variables: ["id": seeded[0].id])
            #expect(reply.text == #"{"data":{"delete_user_book":{"id":\#(seeded[0].id),"book_id":10,"user_id":1}}}"#)
            let read = try await graphQL(server, "query($id: Int!) { user_book_reads_by_pk(id: $id) { id } }",
                                         variables: ["id": seeded[0].reads[0].id])
            #expect(read.text == #"{"data":{"user_book_reads_by_pk":null}}"#)
            #expect(await state.library().map(\.id) == [seeded[1].id])

            // UserBookDeleteType has no `error`: a user book that is not there fails in `errors`.
            let again = try await graphQL(server, Q.deleteUserBook, variables: ["id": seeded[0].id])
            #expect(again.status == 200)
            #expect(again.text == #"{"errors":[{"message":"User book not found","extensions":{"path":"$","code":"unexpected"}}]}"#)
        }
    }

    @Test func readsAreInsertedUpdatedAndDeletedAndTheUserBookFollows() async throws {
        let state = LibraryFixture.state()
        let userBook = await state.seed([FakeHardcoverUserBook(bookId: 10, editionId: 101, status: .currentlyReading)])[0]
        try await withHardcover(state) { server in
            let inserted = try await graphQL(server, Q.insertRead, variables: [
                "userBook": userBook.id, "read": ["edition_id": 101, "started_at": "2026-05-01", "progress_seconds": 40_770],
            ])
            let field = try #require(try inserted.field("insert_user_book_read"))
            #expect(field["error"] is NSNull)
            let read = try #require(field["user_book_read"] as? [String: Any])
            let readId = try #require(int(field["id"]))
            #expect(int(read["id"]) == readId && int(read["user_book_id"]) == userBook.id)
            #expect(read["progress"] as? Double == 25 && read["started_at"] as? String == "2026-05-01" && read["finished_at"] is NSNull)

            let updated = try await graphQL(server, Q.updateRead, variables: [
                "id": readId, "read": ["finished_at": "2026-05-20", "progress_seconds": 163_080],
            ])
            let after = try #require(try updated.field("update_user_book_read")?["user_book_read"] as? [String: Any])
            #expect(after["progress"] as? Double == 100 && after["started_at"] as? String == "2026-05-01")
            var stored = try #require(await state.userBook(id: userBook.id))
            #expect(stored.readCount == 1 && stored.lastReadDate == "2026-05-20" && stored.firstStartedReadingDate == "2026-05-01")
            #expect(stored.updatedAt > userBook.updatedAt)

            // A date Postgres refuses fails in `errors`; a negative progress is the handler's own error.
            let badDate = try await graphQL(server, Q.insertRead, variables: ["userBook": userBook.id, "read": ["started_at": "2026-13-01"]])
            #expect(badDate.status == 200)
            #expect(badDate.text == #"{"errors":[{"message":"invalid input syntax for type date: \"2026-13-01\"","extensions":{"path":"$","code":"data-exception"}}]}"#)
            let negative = try await graphQL(server, Q.updateRead, variables: ["id": readId, "read": ["progress_seconds": -5]])
            #expect(try ownError(negative, "update_user_book_read") == "progress_seconds must not be negative")
            #expect(await state.userBook(id: userBook.id)?.reads.count == 1)

            let deleted = try await graphQL(server, Q.deleteRead, variables: ["id": readId])
            #expect(deleted.text == #"{"data":{"delete_user_book_read":{"error":null,"id":\#(readId),"user_book_read":null}}}"#)
            stored = try #require(await state.userBook(id: userBook.id))
            #expect(stored.reads.isEmpty && stored.readCount == 0 && stored.lastReadDate == nil)
            let again = try await graphQL(server, Q.deleteRead, variables: ["id": readId])
            #expect(try ownError(again, "delete_user_book_read") == "Read not found")
        }
    }

    @Test func anotherUsersUserBooksAndReadsAreRefusedInTheMutationsOwnError() async throws {
        let state = LibraryFixture.state()
        let seeded = await state.seed([FakeHardcoverUserBook(bookId: 10, status: .currentlyReading,
                                                             reads: [FakeHardcoverUserBookRead(startedAt: "2026-05-01")])])
        let id = seeded[0].id, readId = seeded[0].reads[0].id
        let user2 = LibraryFixture.user2
        try await withHardcover(state) { server in
            let update = try await graphQL(server, Q.updateUserBook, variables: ["id": id, "object": ["status_id": 5]], auth: user2)
            #expect(update.status == 200)
            #expect(update.text == #"{"data":{"update_user_book":{"error":"User book not found","id":null,"user_book":null}}}"#)
            let insertRead = try await graphQL(server, Q.insertRead, variables: ["userBook": id, "read": ["progress_seconds": 1]], auth: user2)
            #expect(try ownError(insertRead, "insert_user_book_read") == "User book not found")
            let updateRead = try await graphQL(server, Q.updateRead, variables: ["id": readId, "read": ["progress_seconds": 1]], auth: user2)
            #expect(try ownError(updateRead, "update_user_book_read") == "Read not found")
            let deleteRead = try await graphQL(server, Q.deleteRead, variables: ["id": readId], auth: user2)
            #expect(try ownError(deleteRead, "delete_user_book_read") == "Read not found")
            let delete = try await graphQL(server, Q.deleteUserBook, variables: ["id": id], auth: user2)
            #expect(try delete.graphQLError().message == "User book not found")
            #expect(await state.library() == seeded, "user 1's library untouched")

            // One user book per user per book: user 2 may have the same book.
            let own = try await graphQL(server, Q.insertUserBook, variables: ["object": ["book_id": 10]], auth: user2)
            #expect(try ownError(own, "insert_user_book") == nil)
            #expect(await state.library(of: .second).map(\.bookId) == [10])
        }
    }

    @Test func mutationsInOneRequestApplyOneByOneNotAsATransaction() async throws {
        let state = LibraryFixture.state()
        try await withHardcover(state) { server in
            let mixed = try await graphQL(server, """
                mutation { m0: insert_user_book(object: {book_id: 10}) { error id }
                  m1: insert_user_book(object: {book_id: 10}) { error id }
                  m2: insert_user_book(object: {book_id: 20, status_id: 2}) { error id } }
                """)
            #expect(mixed.status == 200)
            let object = try mixed.object()
            #expect(object[path: "data.m0.error"] is NSNull && object[path: "data.m2.error"] is NSNull)
            #expect(object[path: "data.m1.error"] as? String == "This book is already in your library")
            #expect(await state.library().map(\.bookId) == [10, 20])

            // The second field fails in `errors`: the answer has no data, the first field applied, the third did not.
            let failed = try await graphQL(server, """
                mutation { m0: insert_user_book(object: {book_id: 30}) { id }
                  m1: insert_user_book(object: {book_id: 40, date_added: "2026-02-30"}) { id }
                  m2: insert_user_book(object: {book_id: 50}) { id } }
                """)
            #expect(failed.status == 200)
            #expect(try failed.object()["data"] == nil)
            #expect(try failed.graphQLError().code == "data-exception")
            #expect(await state.library().map(\.bookId) == [10, 20, 30])
        }
    }

    @Test func injectedFaultsShapeTheNextMutationFieldsOrTheNextAnswer() async throws {
        let state = LibraryFixture.state()
        await state.inject(.mutationError("Something went wrong"))
        await state.inject(.mutationFailure("Internal error"))
        await state.inject(.status(500))
        try await withHardcover(state) { server in
            let refused = try await graphQL(server, Q.insertUserBook, variables: ["object": ["book_id": 10]])
            #expect(refused.status == 500, "the HTTP fault takes the next request")
            // A query leaves the mutation faults for the next mutation fields.
            #expect(try await graphQL(server, "{ user_books { id } }").status == 200)
            let own = try await graphQL(server, Q.insertUserBook, variables: ["object": ["book_id": 10]])
            #expect(own.text == #"{"data":{"insert_user_book":{"error":"Something went wrong","id":null,"user_book":null}}}"#)
            let failed = try await graphQL(server, Q.insertUserBook, variables: ["object": ["book_id": 10]])
            #expect(failed.text == #"{"errors":[{"message":"Internal error","extensions":{"path":"$","code":"unexpected"}}]}"#)
            #expect(await state.library().isEmpty, "none of the three applied")
            let applied = try await graphQL(server, Q.insertUserBook, variables: ["object": ["book_id": 10]])
            #expect(try ownError(applied, "insert_user_book") == nil)
            let log = await state.requests()
            #expect(log.map(\.fault) == [.status(500), nil, .mutationError("Something went wrong"), .mutationFailure("Internal error"), nil])
            #expect(log.map(\.cost) == [0, 1, 1, 1, 1])
        }
    }

    @Test func aTokenWithoutTheWriteScopeReadsTheLibraryButEveryMutationIs403() async throws {
        let state = LibraryFixture.state(limits: .free)
        let seeded = await state.seed([FakeHardcoverUserBook(bookId: 10)])
        try await withHardcover(state) { server in
            let readOnly = Auth.bearer(FakeHardcoverState.readOnlyToken)
            let read = try await graphQL(server, LibraryQueries.pages(0, count: 1), variables: ["me": 1], auth: readOnly)
            #expect(try read.rows("p0").compactMap { int($0["id"]) } == [seeded[0].id])
            let expected = """
                {"error":"insufficient_scope","error_description":"The token does not have the scope this operation requires",\
                "scope":"write:library"}
                """
            let write = try await graphQL(server, Q.updateUserBook, variables: ["id": seeded[0].id, "object": ["status_id": 3]], auth: readOnly)
            #expect(write.status == 403)
            #expect(write.text == expected)
            let five = "mutation { " + (0..<5).map { "m\($0): edition_owned(id: 101) { id }" }.joined(separator: " ") + " }"
            #expect(try await graphQL(server, five, auth: readOnly).text == expected)
            let catalogOnly = try await graphQL(server, five, auth: .bearer(FakeHardcoverState.catalogOnlyToken))
            #expect(catalogOnly.status == 403 && catalogOnly.text == expected)
            #expect(await state.library() == seeded)
            let log = await state.requests()
            #expect(log.map(\.cost) == [1, 1, 1, 1])
            #expect(log.dropFirst().allSatisfy { $0.rejectedReason == "insufficient_scope" })
        }
    }

    @Test func settingStatusReadWithoutAReadCreatesOneFinishedTodayAsPeersReport() async throws {
        let state = LibraryFixture.state()
        let seeded = await state.seed([
            FakeHardcoverUserBook(bookId: 10, editionId: 101, status: .currentlyReading),
            FakeHardcoverUserBook(bookId: 20, status: .currentlyReading, reads: [FakeHardcoverUserBookRead(startedAt: "2026-04-01")]),
            FakeHardcoverUserBook(bookId: 40, status: .read),
        ])
        try await withHardcover(state) { server in
            let reply = try await graphQL(server, Q.updateUserBook, variables: ["id": seeded[0].id, "object": ["status_id": 3]])
            let row = try #require(try reply.field("update_user_book")?["user_book"] as? [String: Any])
            let reads = try #require(row["user_book_reads"] as? [[String: Any]])
            #expect(reads.count == 1)
            #expect(reads.first?["finished_at"] as? String == "2026-05-27", "the fake clock's today, not the day it was finished")
            #expect(reads.first?["started_at"] is NSNull)
            #expect(int(reads.first?["edition_id"]) == 101)
            #expect(int(row["read_count"]) == 1 && row["last_read_date"] as? String == "2026-05-27")

            // A user book with a read, or already Read, gets none.
            for userBook in seeded.dropFirst() {
                _ = try await graphQL(server, Q.updateUserBook, variables: ["id": userBook.id, "object": ["status_id": 3]])
                #expect(await state.userBook(id: userBook.id)?.reads == userBook.reads)
            }
            // The way out: write the read's finish date and read the user book back.
            let readId = try #require(int(reads.first?["id"]))
            _ = try await graphQL(server, Q.updateRead, variables: ["id": readId, "read": ["finished_at": "2026-05-20"]])
            #expect(await state.userBook(id: seeded[0].id)?.lastReadDate == "2026-05-20")
        }
    }

    @Test func eachMutationFieldCountsAgainstTheLimitsAsAQueryDoes() async throws {
        let state = LibraryFixture.state(limits: .free)
        try await withHardcover(state) { server in
            let inserts = "mutation { " + [10, 20, 30, 40, 50].enumerated()
                .map { "m\($0.offset): insert_user_book(object: {book_id: \($0.element)}) { id }" }.joined(separator: " ") + " }"
            let inserted = try await graphQL(server, inserts)
            #expect(inserted.status == 200)
            let ids = try (0..<5).map { try #require(int(try inserted.object()[path: "data.m\($0).id"])) }
            let updates = "mutation { " + ids.enumerated()
                .map { "m\($0.offset): update_user_book(id: \($0.element), object: {status_id: 2}) { error }" }.joined(separator: " ") + " }"
            #expect(try await graphQL(server, updates).status == 200)
            // The burst of 10 is spent: the next field waits, and nothing of it applies.
            let refused = try await graphQL(server, "mutation { insert_user_book(object: {book_id: 60}) { id } }")
            #expect(refused.status == 429)
            #expect(refused.header("Retry-After") == "1")
            #expect(await state.library().count == 5)
            #expect(await state.library().allSatisfy { $0.status == .currentlyReading })
            let log = await state.requests()
            #expect(log.map(\.cost) == [5, 5, 0])
            #expect(log[0].topLevelFields == Array(repeating: "insert_user_book", count: 5))
            #expect(await state.usage().usedToday == 10)
        }
    }

    @Test func editionOwnedTogglesOwnedOnTheUsersBook() async throws {
        let state = LibraryFixture.state()
        let seeded = await state.seed([FakeHardcoverUserBook(bookId: 10, editionId: 101)])
        try await withHardcover(state) { server in
            let on = try await graphQL(server, "mutation { edition_owned(id: 101) { id } }")
            #expect(int(try on.field("edition_owned")?["id"]) != nil)
            #expect(await state.userBook(id: seeded[0].id)?.owned == true)
            let off = try await graphQL(server, "mutation { edition_owned(id: 101) { id } }")
            #expect(off.text == #"{"data":{"edition_owned":{"id":null}}}"#)
            let stored = try #require(await state.userBook(id: seeded[0].id))
            #expect(!stored.owned && stored.updatedAt > seeded[0].updatedAt)
            // A book not in the library gets a user book, owned, on that edition.
            _ = try await graphQL(server, "mutation { edition_owned(id: 201) { id } }")
            let added = await state.library().last
            #expect(added?.bookId == 20 && added?.editionId == 201 && added?.owned == true && added?.status == .wantToRead)
            let unknown = try await graphQL(server, "mutation { edition_owned(id: 999) { id } }")
            #expect(try unknown.graphQLError().message == "Edition not found")
        }
    }
}
