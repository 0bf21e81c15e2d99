import Foundation
@testable import MirrorFakes
import Synchronization
import Testing

/// What the benchmarks ask of the fakes beyond the defaults (fake-abs --listened,
/// --hardcover-library and --hardcover-log): a generated library where every book has listening
/// state, a Hardcover library of a given size, and every answered Hardcover request reported as
/// it is logged.
struct BenchOptionsTests {
    @Test func theStandardShareIsTheDefaultAndAScaledOneListensToEveryBook() async throws {
        let admin = FakeABSState.adminUserId
        let byDefault = await FakeABSState.generated(items: 300, seed: 3).progress(userId: admin)
        #expect(await FakeABSState.generated(items: 300, seed: 3, listened: .standard).progress(userId: admin) == byDefault)
        #expect(FakeABSListenedShare.scaled(2).listened == 1 && FakeABSListenedShare.scaled(-1).finished == 0)

        let state = FakeABSState.generated(items: 300, seed: 3, listened: .scaled(1))
        let library = await bookLibraryId(state)
        let books = await state.allItems().filter { $0.libraryId == library && $0.duration > 0 }
        let rows = await state.progress(userId: admin)
        #expect(Set(rows.map(\.libraryItemId)) == Set(books.map(\.id)), "every book with a duration has listening state")
        let finished = rows.filter(\.isFinished).count
        #expect((170...235).contains(finished), "about 25/37 finished: \(finished) of \(rows.count)")
        #expect(await FakeABSState.generated(items: 300, seed: 3, listened: .scaled(0)).progress(userId: admin).isEmpty)
    }

    @Test func anObserverSeesEveryAnsweredRequestAsTheLogHasIt() async throws {
        let state = FakeHardcoverState(catalog: FakeHardcoverCatalog.generated(books: 20), limits: .unlimited)
        let seen = Mutex<[FakeHardcoverRequestRecord]>([])
        await state.observeRequests { record in seen.withLock { $0.append(record) } }
        try await withHardcover(state) { server in
            _ = try await graphQL(server, "{ a: books(limit: 1) { id } b: editions(limit: 1) { id } }")
            _ = try await graphQL(server, "{ books(limit: 1) { id } }", auth: .bearer("hc_pat_unknown"))
        }
        let log = await state.requests()
        #expect(seen.withLock { $0 } == log)
        #expect(log.map(\.cost) == [2, 0])
        await state.observeRequests(nil)

        // The line fake-abs --hardcover-log writes.
        let line = try #require(try JSONSerialization.jsonObject(with: Data(log[0].jsonLine.utf8)) as? [String: Any])
        #expect(line["status"] as? Int == 200 && line["cost"] as? Int == 2 && line["rejected"] is NSNull)
        #expect(line["fields"] as? [String] == ["books", "editions"] && line["operation"] is NSNull)
        let refused = try #require(try JSONSerialization.jsonObject(with: Data(log[1].jsonLine.utf8)) as? [String: Any])
        #expect(refused["status"] as? Int == 401 && refused["rejected"] is String)
    }

    @Test func aSeededLibraryHoldsTheCatalogsFirstBooksAsWantToRead() async throws {
        let state = FakeHardcoverState(catalog: FakeHardcoverCatalog.generated(books: 30), limits: .unlimited)
        let seeded = await state.seedWantToRead(firstBooks: 12)
        let first = Array(state.catalog.books.map(\.id).sorted().prefix(12))
        #expect(seeded.map(\.bookId) == first)
        #expect(await state.library().map(\.bookId).sorted() == first)
        #expect(seeded.allSatisfy { $0.status == .wantToRead && !$0.owned && $0.reads.isEmpty && $0.userId == FakeHardcoverUser.reader.id })
        #expect(await state.library(of: .second).isEmpty)
        #expect(await FakeHardcoverState(catalog: FakeHardcoverCatalog.generated(books: 5)).seedWantToRead(firstBooks: 50).count == 5)
    }
}
