import Foundation
import MirrorCore
import MirrorFakes
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// `diff` with nothing changed does nothing (issue 17): the second whole refresh of each target
/// finds the mirror's stamp unchanged and considers no item; every input that changes still
/// brings the proposals a refresh from scratch would make.
struct DiffNoChangeTests {
    typealias Setup = HardcoverSyncTests.Setup
    static let utc = ListeningDiffWorkflowTests.utc

    /// Both targets refreshed as `diff` does.
    @discardableResult
    private static func diff(_ setup: Setup, policy: DiffPolicy = DiffPolicy(), listening: ListeningPolicy = utc) throws
        -> (abs: DiffSummary, hardcover: ListeningDiffWorkflow.Summary) {
        (try DiffWorkflow.refresh(mirror: setup.mirror, policy: policy),
         try ListeningDiffWorkflow.refresh(mirror: setup.mirror, policy: listening))
    }

    /// The stored proposals are what a refresh from scratch makes: with the stamps forgotten, a
    /// whole refresh of each target considers every item and changes nothing.
    private static func expectInStep(_ setup: Setup, policy: DiffPolicy = DiffPolicy(), listening: ListeningPolicy = utc,
                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        try setup.mirror.recordDiffStamp(nil, target: .abs)
        try setup.mirror.recordDiffStamp(nil, target: .hardcover)
        let (abs, hardcover) = try diff(setup, policy: policy, listening: listening)
        #expect(abs.considered > 0 && hardcover.considered > 0, sourceLocation: sourceLocation)
        #expect(abs.new == 0 && abs.superseded == 0, "metadata in step", sourceLocation: sourceLocation)
        #expect(hardcover.new == 0 && hardcover.superseded == 0, "listening state in step", sourceLocation: sourceLocation)
    }

    @Test func aSecondDiffWithNothingChangedConsidersNoItemAndDecisionsAreNotChanges() async throws {
        try await Setup.withMatched(items: 40, seed: 31, blank: 3) { setup, blanked in
            let (abs, hardcover) = try Self.diff(setup)
            #expect(abs.considered == abs.items && abs.items > 0 && abs.new > 0)
            #expect(hardcover.considered == hardcover.items && hardcover.items > 0 && hardcover.new > 0)

            let (abs2, hardcover2) = try Self.diff(setup)
            #expect(abs2.considered == 0 && abs2.new == 0 && abs2.superseded == 0)
            #expect(abs2.items == abs.items && abs2.open == abs.open)
            #expect(hardcover2.considered == 0 && hardcover2.new == 0 && hardcover2.superseded == 0)
            #expect(hardcover2.items == hardcover.items)
            #expect(hardcover2.absUserId == hardcover.absUserId && hardcover2.hardcoverUserId == hardcover.hardcoverUserId)

            // Decisions are not inputs: accepting and rejecting leave nothing to refresh, and stand.
            let rows = try setup.mirror.changeRows()
            let accepted = try #require(rows.first { $0.itemId == blanked[0] && $0.field == .narrators })
            let rejected = try #require(rows.first { $0.target == .hardcover })
            try setup.mirror.decide(changeIds: [accepted.id], status: .accepted)
            try setup.mirror.decide(changeIds: [rejected.id], status: .rejected)
            let listing = try ChangeListing.run(mirror: setup.mirror, policy: DiffPolicy(), listening: Self.utc, itemIds: nil,
                                                fields: nil, statuses: [.pending, .accepted, .rejected])
            #expect(listing.refresh?.considered == 0 && listing.listening?.considered == 0)
            #expect(listing.rows.first { $0.id == accepted.id }?.status == .accepted)
            #expect(listing.rows.first { $0.id == rejected.id }?.status == .rejected)

            // A diff of some items refreshes them, and the next whole diff refreshes all again.
            let some = try DiffWorkflow.refresh(mirror: setup.mirror, itemIds: [blanked[1]])
            #expect(some.considered == 1 && some.new == 0 && some.superseded == 0)
            #expect(try DiffWorkflow.refresh(mirror: setup.mirror).considered == abs.items)
            try Self.expectInStep(setup)
        }
    }

    @Test func anItemChangedInAudiobookShelfAndASyncBringItsProposals() async throws {
        try await Setup.withMatched(items: 40, seed: 31, blank: 3) { setup, blanked in
            try Self.diff(setup)
            // One filled in ABS (its fills go), one emptied (fills come).
            let emptied = try #require(setup.derived.truth.filter { $0.value.findableBy == .identifier }.keys.sorted()
                .first { !blanked.contains($0) })
            await setup.abs.update(itemId: blanked[0]) { $0.narrators = ["Chosen Reader"] }
            await setup.abs.update(itemId: emptied) {
                $0.narrators = []
                $0.publisher = nil
            }
            try await setup.resyncABS()
            let (abs, _) = try Self.diff(setup)
            #expect(abs.considered > 0 && abs.new > 0 && abs.superseded > 0)
            let rows = try setup.mirror.changeRows(targets: [.abs])
            #expect(!rows.contains { $0.itemId == blanked[0] && $0.field == .narrators }, "the narrators are no longer empty")
            #expect(rows.contains { $0.itemId == emptied && $0.field == .narrators })
            try Self.expectInStep(setup)
        }
    }

    @Test func aMatchIgnoredThenLinkedAndAPolicyChangeBringTheirProposals() async throws {
        try await Setup.withMatched(items: 40, seed: 31, blank: 3) { setup, blanked in
            try Self.diff(setup)
            let item = blanked[0]
            #expect(try setup.mirror.pinMatch(itemId: item, status: .ignored))
            let (ignored, _) = try Self.diff(setup)
            #expect(ignored.considered > 0 && ignored.superseded > 0)
            #expect(!(try setup.mirror.changeRows(itemIds: [item]).contains { $0.target == .abs }))

            let truth = try #require(setup.derived.truth[item])
            #expect(try setup.mirror.pinMatch(itemId: item, status: .confirmed, bookId: truth.bookId, editionId: truth.editionId))
            let (linked, _) = try Self.diff(setup)
            #expect(linked.considered > 0 && linked.new > 0)
            #expect(try setup.mirror.changeRows(itemIds: [item]).contains { $0.field == .narrators })
            try Self.expectInStep(setup)

            // The narrators left to the user: their fills go; back to the default, they come again.
            var policy = DiffPolicy()
            policy.fields[.narrators] = .ignore
            let (narrow, _) = try Self.diff(setup, policy: policy)
            #expect(narrow.considered > 0 && narrow.superseded >= blanked.count)
            #expect(!(try setup.mirror.changeRows(targets: [.abs]).contains { $0.field == .narrators }))
            #expect(try Self.diff(setup, policy: policy).abs.considered == 0)
            let (wide, _) = try Self.diff(setup)
            #expect(wide.considered > 0 && wide.new >= blanked.count)

            // Owned books asked for: a listening policy change.
            let owned = ListeningPolicy(timeZone: TimeZone(identifier: "UTC")!, owned: true)
            let (_, hardcover) = try Self.diff(setup, listening: owned)
            #expect(hardcover.considered > 0 && hardcover.new > 0)
            #expect(try setup.mirror.changeRows(targets: [.hardcover]).contains { $0.field == .owned })
            try Self.expectInStep(setup, listening: owned)
        }
    }

    @Test func newProgressInAudiobookShelfAndAHardcoverLibraryChangeBringTheirProposals() async throws {
        try await Setup.withMatched(items: 40, seed: 31, blank: 0) { setup, _ in
            try Self.diff(setup)
            let matches = try ListeningDiffWorkflowTests.matches(setup)
            let open = try setup.mirror.changeRows(targets: [.hardcover])
            let proposed = Set(open.map(\.itemId))
            // A matched item with an audiobook edition, never played: finished now.
            let fresh = try #require(matches.keys.sorted().first { id in
                guard let book = matches[id]?.book, !proposed.contains(id) else { return false }
                return !setup.derived.catalog.editions(ofBook: book).filter(\.isAudiobook).isEmpty
            })
            let reference = FakeABSState.generatedProgressReference
            await setup.abs.setProgress(userId: FakeABSState.adminUserId, itemId: fresh,
                                        .finished(startedAt: reference - 20 * 86_400_000, finishedAt: reference - 86_400_000))
            try await setup.resyncABS()
            let (_, listened) = try Self.diff(setup)
            #expect(listened.considered > 0 && listened.new > 0)
            #expect(try setup.mirror.changeRows(itemIds: [fresh], targets: [.hardcover]).contains { $0.field == .read })
            try Self.expectInStep(setup)

            // On Hardcover, by hand: a listened book marked Did Not Finish.
            let dnf = try #require(open.first { $0.field == .status && $0.proposed == ListeningValue.status(.read) }?.itemId)
            let book = try #require(matches[dnf]?.book)
            _ = await setup.hardcover.seed([FakeHardcoverUserBook(bookId: book, status: .didNotFinish)])
            _ = try await setup.sync()
            let (_, library) = try Self.diff(setup)
            #expect(library.considered > 0 && library.superseded > 0)
            #expect(try setup.mirror.changeRows(itemIds: [dnf], targets: [.hardcover]).isEmpty, "a DNF set on Hardcover is kept")
            try Self.expectInStep(setup)
        }
    }
}
