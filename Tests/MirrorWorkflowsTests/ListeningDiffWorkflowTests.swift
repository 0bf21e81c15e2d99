import Foundation
import MirrorCore
import MirrorFakes
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// `diff --target hardcover` over a mirror synced from the fakes (the generated library's
/// listening state of the admin user, the fake reader's Hardcover library) and matched.
struct ListeningDiffWorkflowTests {
    typealias Setup = HardcoverSyncTests.Setup
    static let utc = ListeningPolicy(timeZone: TimeZone(identifier: "UTC")!)

    /// Item id -> (book id, edition id) of matches `auto` or `confirmed`.
    static func matches(_ setup: Setup) throws -> [String: (book: Int, edition: Int?)] {
        var out: [String: (Int, Int?)] = [:]
        for row in try setup.rows("SELECT item_id, book_id, edition_id FROM matches WHERE status IN ('auto', 'confirmed') AND book_id IS NOT NULL") {
            out[row[0]] = (row[1], row[2])
        }
        return out
    }

    static func day(_ ms: Int64) -> String {
        HardcoverDate(Date(timeIntervalSince1970: Double(ms) / 1000), in: TimeZone(identifier: "UTC")!).description
    }

    @Test func eachMatchedItemWithStateGetsItsReadOnAnAudiobookEditionAndARefreshProposesNothingNew() async throws {
        try await Setup.withMatched(items: 40, seed: 31, blank: 0) { setup, _ in
            let summary = try ListeningDiffWorkflow.refresh(mirror: setup.mirror, policy: Self.utc)
            #expect(summary.absUserId == FakeABSState.adminUserId)
            #expect(summary.hardcoverUserId == FakeHardcoverUser.reader.id)
            let rows = try setup.mirror.changeRows(targets: [.hardcover])
            #expect(summary.new == rows.count)
            #expect(rows.allSatisfy { $0.source == .progress && $0.target == .hardcover && $0.status == .pending })
            let matches = try Self.matches(setup)
            let progress = await setup.abs.progress(userId: FakeABSState.adminUserId)
            var expectedItems = Set<String>()
            for p in progress where p.isFinished || p.currentTime > 0 {
                guard let match = matches[p.libraryItemId],
                      !setup.derived.catalog.editions(ofBook: match.book).filter(\.isAudiobook).isEmpty else { continue }
                expectedItems.insert(p.libraryItemId)
                let read = try #require(rows.first { $0.itemId == p.libraryItemId && $0.field == .read }, "\(p.libraryItemId)")
                let value = try #require(ReadValue(json: read.proposed))
                let edition = try #require(value.editionId.flatMap(setup.derived.catalog.edition(id:)))
                #expect(edition.isAudiobook && edition.bookId == match.book, "the read goes on an audiobook edition of the matched book")
                if let chosen = match.edition.flatMap(setup.derived.catalog.edition(id:)), chosen.isAudiobook {
                    #expect(edition.id == chosen.id, "the match's own audiobook edition")
                }
                #expect(read.bookId == match.book && read.editionId == edition.id)
                if p.isFinished {
                    #expect(value.finishedOn?.description == Self.day(try #require(p.finishedAt)), "the finish day, never today")
                } else {
                    #expect(value.finishedOn == nil && value.progressSeconds == Int(p.currentTime))
                }
                let status = try #require(rows.first { $0.itemId == p.libraryItemId && $0.field == .status })
                #expect(status.proposed == ListeningValue.status(p.isFinished ? .read : .currentlyReading))
            }
            #expect(!expectedItems.isEmpty)
            #expect(Set(rows.map(\.itemId)) == expectedItems, "no state, no match, or no audiobook edition: nothing proposed")

            let again = try ListeningDiffWorkflow.refresh(mirror: setup.mirror, policy: Self.utc)
            #expect(again.new == 0 && again.superseded == 0)
            // The metadata target is untouched by the listening refresh.
            #expect(try setup.mirror.changeRows(targets: [.abs]).isEmpty)
        }
    }

    @Test func aDidNotFinishAndProgressAheadOnHardcoverAreKeptAfterTheLibraryIsRead() async throws {
        try await Setup.withMatched(items: 40, seed: 31, blank: 0) { setup, _ in
            _ = try ListeningDiffWorkflow.refresh(mirror: setup.mirror, policy: Self.utc)
            let open = try setup.mirror.changeRows(targets: [.hardcover])
            let matches = try Self.matches(setup)
            let progress = await setup.abs.progress(userId: FakeABSState.adminUserId)
            let proposed = Set(open.map(\.itemId))
            let listening = progress.filter { !$0.isFinished && $0.currentTime > 0 && proposed.contains($0.libraryItemId) }
            let finished = progress.filter { $0.isFinished && proposed.contains($0.libraryItemId) }
            let ahead = try #require(listening.first)
            let dnf = try #require(finished.first)
            let accepted = try #require(open.first { $0.itemId == ahead.libraryItemId && $0.field == .read })
            try setup.mirror.decide(changeIds: [accepted.id], status: .accepted)

            // On Hardcover, by hand: the finished one marked Did Not Finish; the other read further than ABS.
            let aheadBook = try #require(matches[ahead.libraryItemId]?.book)
            let dnfBook = try #require(matches[dnf.libraryItemId]?.book)
            let edition = try #require(ReadValue(json: accepted.proposed)?.editionId)
            _ = await setup.hardcover.seed([
                FakeHardcoverUserBook(bookId: aheadBook, editionId: edition, status: .currentlyReading,
                                      reads: [FakeHardcoverUserBookRead(editionId: edition, startedAt: "2026-01-02",
                                                                        progressSeconds: Int(ahead.currentTime) + 600)]),
                FakeHardcoverUserBook(bookId: dnfBook, status: .didNotFinish),
            ])
            _ = try await setup.sync()
            let refresh = try ListeningDiffWorkflow.refresh(mirror: setup.mirror, policy: Self.utc)
            #expect(refresh.superseded >= 2)
            let now = try setup.mirror.changeRows(targets: [.hardcover])
            #expect(!now.contains { $0.itemId == dnf.libraryItemId }, "a DNF set on Hardcover is kept")
            #expect(!now.contains { $0.itemId == ahead.libraryItemId && ($0.field == .progressSeconds || $0.field == .read) },
                    "progress ahead on Hardcover is kept; the read exists")
            let superseded = try setup.mirror.changeRow(id: accepted.id)
            #expect(superseded?.status == .superseded, "the accepted read no longer applies")
        }
    }
}
