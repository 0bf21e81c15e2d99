import MirrorCore
import MirrorWorkflows
import TestSupport
import Testing

/// `explain`'s workflow: an item scored now from the mirror, beside the match stored for it.
struct MatchExplanationTests {
    typealias Setup = HardcoverSyncTests.Setup

    @Test func anExplanationRanksTheCandidatesAsMatchDidAndShowsTheStoredMatch() async throws {
        try await Setup.with(items: 20, seed: 24) { setup in
            _ = try await setup.sync()
            _ = try MatchWorkflow.run(mirror: setup.mirror)
            let id = try #require(setup.derived.truth.keys.sorted().first)
            let explanation = try #require(try MatchExplanation.of(itemId: id, mirror: setup.mirror, config: MatchConfig()))
            #expect(explanation.item.itemId == id)
            let best = try #require(explanation.result.best)
            #expect(explanation.books[best.bookId] != nil)
            #expect(explanation.stored?.status == explanation.result.status)
            #expect(explanation.stored?.bookId == best.bookId)
            #expect(explanation.stored?.pinned == false)
        }
    }

    @Test func anItemTheMirrorDoesNotHoldHasNoExplanation() async throws {
        try await Setup.with(items: 5, seed: 25) { setup in
            _ = try await setup.sync()
            #expect(try MatchExplanation.of(itemId: "no-such-item", mirror: setup.mirror, config: MatchConfig()) == nil)
        }
    }
}
