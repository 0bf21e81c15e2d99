import Foundation
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// `push --target hardcover` against the fake Hardcover over loopback: the accepted listening
/// state written on the audiobook edition, within the request bounds, idempotent, conflict-
/// checked, undoable; refused before any write without the write scope; resumable after a
/// spent budget.
struct HardcoverPushTests {
    typealias Setup = HardcoverSyncTests.Setup
    static let utc = ListeningPolicy(timeZone: TimeZone(identifier: "UTC")!)

    /// A matched mirror with every Hardcover proposal accepted; `body` gets the accepted rows.
    private func withAccepted<T>(_ body: (Setup, [ChangeRow]) async throws -> T) async throws -> T {
        try await Setup.withMatched(items: 40, seed: 31, blank: 0) { setup, _ in
            _ = try ListeningDiffWorkflow.refresh(mirror: setup.mirror, policy: Self.utc)
            let rows = try setup.mirror.changeRows(targets: [.hardcover])
            try setup.mirror.decide(changeIds: rows.map(\.id), status: .accepted)
            await setup.hardcover.resetLog()
            return try await body(setup, rows)
        }
    }

    @Test func acceptedStateIsWrittenOnTheAudiobookEditionWithinTheRequestBoundAndASecondDiffProposesNothing() async throws {
        try await withAccepted { setup, rows in
            let items = Set(rows.map(\.itemId))
            let books = Set(rows.compactMap(\.bookId))
            let summary = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client())
            #expect(summary.pushed == rows.count && summary.conflicts == 0 && summary.failed == 0, "\(summary.problems)")
            #expect(summary.items == items.count)
            let bound = (rows.count + 4) / 5 + (books.count + 499) / 500 + 3
            #expect(summary.requests <= bound, "\(summary.requests) requests for \(rows.count) changes of \(books.count) books")
            let log = await setup.hardcover.requests()
            #expect(log.allSatisfy { $0.status == 200 && $0.topLevelFields.count <= 5 })
            let counted = log.reduce(0) { $0 + $1.cost }
            #expect(counted <= rows.count + (books.count + 99) / 100 + 3, "counted fields \(counted)")

            // On Hardcover: one user book per book, its read on the proposal's audiobook edition.
            let library = await setup.hardcover.library()
            #expect(Set(library.map(\.bookId)) == books)
            for row in rows where row.field == .read {
                let read = try #require(ReadValue(json: row.proposed))
                let book = try #require(library.first { $0.bookId == row.bookId })
                #expect(book.reads.count == 1, "one read, never a duplicate")
                #expect(book.reads.first?.editionId == read.editionId && book.editionId == read.editionId)
                #expect(book.reads.first?.finishedAt == read.finishedOn?.description)
                #expect(book.status == (read.finishedOn != nil ? .read : .currentlyReading))
            }
            #expect(try setup.mirror.changeRows(targets: [.hardcover], statuses: [.pushed]).count == rows.count)
            #expect(try setup.mirror.pushRuns().first?.target == .hardcover)

            // Idempotent: a sync and a diff propose nothing; a push sends nothing.
            _ = try await setup.sync()
            let again = try ListeningDiffWorkflow.refresh(mirror: setup.mirror, policy: Self.utc)
            let left = try setup.mirror.changeRows(targets: [.hardcover]).map { "\($0.itemId) \($0.field) \($0.current ?? "nil") → \($0.proposed)" }
            #expect(again.new == 0 && left.isEmpty, "\(left)")
            let second = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client())
            #expect(second.runId == nil && second.pushed == 0)
            let after = await setup.hardcover.library()
            #expect(after.map(\.reads.count) == library.map(\.reads.count))
        }
    }

    @Test func undoRemovesTheUserBooksAndReadsThePushCreated() async throws {
        try await withAccepted { setup, rows in
            let pushed = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client())
            #expect(pushed.pushed == rows.count)
            let undo = try await HardcoverPushWorkflow.undo(mirror: setup.mirror, client: setup.client(), runId: nil)
            #expect(undo.conflicts == 0 && undo.failed == 0, "\(undo.problems)")
            #expect(await setup.hardcover.library().isEmpty, "the books were not in the library before the push")
            #expect(try setup.mirror.changeRows(targets: [.hardcover], statuses: [.pending]).count == rows.count)
            let mirrored = try setup.rows("SELECT count(*) FROM hardcover_user_books")
            #expect(mirrored.first?[0] == 0, "the mirror follows")
        }
    }

    @Test func aBookChangedOnHardcoverSinceTheDiffIsAConflictAndTheOthersGo() async throws {
        try await withAccepted { setup, rows in
            let reads = rows.filter { $0.field == .read }
            let target = try #require(reads.first)
            let bookId = try #require(target.bookId)
            _ = await setup.hardcover.seed([FakeHardcoverUserBook(bookId: bookId, status: .didNotFinish)])
            let summary = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client())
            let ofItem = rows.filter { $0.itemId == target.itemId }
            #expect(summary.conflicts == ofItem.count)
            #expect(summary.pushed == rows.count - ofItem.count)
            let library = await setup.hardcover.library()
            let book = library.first { $0.bookId == bookId }
            #expect(book?.status == .didNotFinish, "never overwritten")
            #expect(book?.reads.isEmpty == true)
            let conflicts = try setup.mirror.changeRows(itemIds: [target.itemId], targets: [.hardcover], statuses: [.conflict])
            #expect(conflicts.count == ofItem.count)
        }
    }

    @Test func aTokenWithoutWriteAccessStopsBeforeAnyWrite() async throws {
        try await withAccepted { setup, rows in
            await #expect {
                _ = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client(token: FakeHardcoverState.readOnlyToken))
            } throws: { error in
                guard let e = error as? WorkflowError else { return false }
                return e.kind == .authRejected && e.summary.contains("nothing was sent")
            }
            #expect(await setup.hardcover.library().isEmpty)
            #expect(await setup.hardcover.requests().count == 1, "the probe only")
            let accepted = try setup.mirror.changeRows(targets: [.hardcover], statuses: [.accepted])
            #expect(accepted.count == rows.count)
        }
    }

    @Test func aSpentBudgetLeavesTheRestAcceptedAndTheNextPushSendsIt() async throws {
        try await withAccepted { setup, rows in
            let first = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client(maxRequests: 12))
            #expect(first.deferred > 0 && first.failed == 0, "\(first.problems)")
            #expect(first.pushed + first.deferred == rows.count)
            let left = try setup.mirror.changeRows(targets: [.hardcover], statuses: [.accepted])
            #expect(left.count == first.deferred)
            let second = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client())
            #expect(second.pushed == first.deferred && second.failed == 0, "\(second.problems)")
            let library = await setup.hardcover.library()
            for book in library {
                #expect(book.reads.count <= 1, "book \(book.bookId): no duplicate read")
            }
        }
    }

    @Test func aDryRunPrintsTheMutationsWithVariablesAndSendsNoWrite() async throws {
        try await withAccepted { setup, rows in
            var options = PushOptions()
            options.dryRun = true
            let summary = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client(), options: options)
            #expect(summary.runId == nil && !summary.planned.isEmpty)
            for request in summary.planned {
                #expect(request.body.contains("mutation") && request.body.contains("\"variables\""))
                #expect(!request.body.contains(FakeHardcoverState.validToken))
            }
            #expect(await setup.hardcover.library().isEmpty)
            #expect(try setup.mirror.changeRows(targets: [.hardcover], statuses: [.accepted]).count == rows.count)
        }
    }
}

extension HardcoverPushTests {
    /// The peers' worst complaint: duplicate reads after re-runs. A finished book pushed, then
    /// listened to again in AudiobookShelf: one new read, and nothing more however often the
    /// cycle runs.
    @Test func aReListenAfterAPushIsExactlyOneNewReadAndRerunsAddNone() async throws {
        try await withAccepted { setup, rows in
            _ = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client())
            let finished = rows.filter { $0.field == .read && ReadValue(json: $0.proposed)?.finishedOn != nil }
            let row = try #require(finished.first)
            let bookId = try #require(row.bookId)
            let reference = FakeABSState.generatedProgressReference
            let again = await setup.abs.startAgain(userId: FakeABSState.adminUserId, itemId: row.itemId, currentTime: 600, at: reference + 86_400_000)
            #expect(again != nil)
            for round in 0..<3 {
                try await setup.resyncABS()
                _ = try await setup.sync()
                _ = try ListeningDiffWorkflow.refresh(mirror: setup.mirror, policy: Self.utc)
                let open = try setup.mirror.changeRows(targets: [.hardcover])
                if round == 0 {
                    #expect(Set(open.map(\.itemId)) == [row.itemId], "only the re-listened book")
                    let read = try #require(open.first { $0.field == .read })
                    let value = try #require(ReadValue(json: read.proposed))
                    #expect(value.finishedOn == nil && value.progressSeconds == 600 && value.id == nil)
                    try setup.mirror.decide(changeIds: open.map(\.id), status: .accepted)
                    let pushed = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client())
                    #expect(pushed.failed == 0 && pushed.conflicts == 0, "\(pushed.problems)")
                } else {
                    #expect(open.isEmpty, "round \(round): \(open.map { "\($0.field) → \($0.proposed)" })")
                }
            }
            let library = await setup.hardcover.library()
            let book = try #require(library.first { $0.bookId == bookId })
            #expect(book.reads.count == 2, "the first listen and the re-listen, nothing more")
            #expect(book.status == .currentlyReading)
        }
    }
}

extension HardcoverPushTests {
    /// Push sends only what was accepted: a rejected edition is not set on the new user book, and
    /// "Read" accepted without its read is refused (Hardcover would date a read today).
    @Test func onlyTheAcceptedFieldsAreWritten() async throws {
        try await withAccepted { setup, rows in
            let finished = rows.filter { $0.field == .read && ReadValue(json: $0.proposed)?.finishedOn != nil }
            let (a, b) = (try #require(finished.first), try #require(finished.dropFirst().first))
            let editionOfA = try #require(rows.first { $0.itemId == a.itemId && $0.field == .edition })
            let readOfB = try #require(rows.first { $0.itemId == b.itemId && $0.field == .read })
            try setup.mirror.decide(changeIds: [editionOfA.id, readOfB.id], status: .rejected)
            let summary = try await HardcoverPushWorkflow.run(mirror: setup.mirror, client: setup.client())
            let library = await setup.hardcover.library()
            let bookA = try #require(library.first { $0.bookId == a.bookId })
            #expect(bookA.editionId == nil && bookA.reads.first?.editionId != nil, "the read is on the audiobook edition; the user book's edition was rejected")
            #expect(!library.contains { $0.bookId == b.bookId }, "B's status alone is refused")
            #expect(summary.problems.contains { $0.reason.contains("accept the item's read too") })
        }
    }
}
