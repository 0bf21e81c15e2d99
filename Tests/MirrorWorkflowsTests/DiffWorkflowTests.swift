import Foundation
import GRDB
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// `diff` over a mirror synced and matched from the fake servers: fills from the matched
/// edition, decisions kept, proposals superseded when the data changes.
struct DiffWorkflowTests {
    typealias Setup = HardcoverSyncTests.Setup

    private func withPrepared<T>(blank count: Int, _ body: (Setup, [String]) async throws -> T) async throws -> T {
        try await Setup.withMatched(items: 40, seed: 31, blank: count, body)
    }

    @Test func emptyFieldsAreFilledFromTheMatchedEditionAndNothingElseUnderFill() async throws {
        try await withPrepared(blank: 3) { setup, blanked in
            let summary = try DiffWorkflow.refresh(mirror: setup.mirror)
            #expect(summary.new == summary.open)
            let rows = try setup.mirror.changeRows()
            #expect(rows.allSatisfy { $0.action == .fill && $0.current == nil })
            for id in blanked {
                let narrators = try #require(rows.first { $0.itemId == id && $0.field == .narrators })
                let truth = try #require(setup.derived.truth[id])
                let edition = try #require(truth.editionId.flatMap { setup.derived.catalog.edition(id: $0) })
                let expected = edition.contributions.filter { $0.contribution == "Narrator" }.map(\.authorName)
                #expect(narrators.proposed == JSONText.array(expected), "\(id)")
                #expect(rows.contains { $0.itemId == id && $0.field == .publisher })
            }
        }
    }

    @Test func decisionsAreKeptAndChangedDataSupersedesProposals() async throws {
        try await withPrepared(blank: 3) { setup, blanked in
            _ = try DiffWorkflow.refresh(mirror: setup.mirror)
            let rows = try setup.mirror.changeRows()
            let (a, b, c) = (blanked[0], blanked[1], blanked[2])
            let acceptId = try #require(rows.first { $0.itemId == a && $0.field == .narrators }?.id)
            let rejectId = try #require(rows.first { $0.itemId == b && $0.field == .narrators }?.id)
            #expect(try setup.mirror.decide(changeIds: [acceptId], status: .accepted) == 1)
            #expect(try setup.mirror.decide(changeIds: [rejectId], status: .rejected) == 1)

            // The user fills the publisher of one item in ABS; ignores another.
            await setup.abs.update(itemId: a) { $0.publisher = "Chosen Press" }
            try await setup.resyncABS()
            #expect(try setup.mirror.pinMatch(itemId: c, status: .ignored))
            let again = try DiffWorkflow.refresh(mirror: setup.mirror)
            #expect(again.new == 0)
            #expect(again.superseded >= 2, "a's publisher is no longer empty; c is ignored")

            let now = try setup.mirror.changeRows(statuses: [.pending, .accepted, .rejected, .superseded])
            #expect(now.first { $0.id == acceptId }?.status == .accepted, "an unchanged proposal keeps its decision")
            #expect(now.first { $0.id == rejectId }?.status == .rejected)
            #expect(!now.contains { $0.itemId == b && $0.field == .narrators && $0.status == .pending }, "a rejected proposal is not made again")
            #expect(!now.contains { $0.itemId == a && $0.field == .publisher && $0.status == .pending })
            #expect(!now.contains { $0.itemId == c && ($0.status == .pending || $0.status == .accepted) }, "an ignored item has no open proposals")
        }
    }
}
