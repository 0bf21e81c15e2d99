import Foundation
import GRDB
import MirrorCore
import MirrorFakes
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// `match` over a mirror synced from the fake servers, whose derived catalog knows each item's
/// true book: automatic matches are right, rematches skip what did not change, decisions stay.
struct MatchWorkflowTests {
    typealias Setup = HardcoverSyncTests.Setup

    private func matches(_ setup: Setup) throws -> [String: (status: String, book: Int?)] {
        var out: [String: (String, Int?)] = [:]
        for row in try setup.rows("SELECT item_id, status, book_id FROM matches") { out[row[0]] = (row[1], row[2]) }
        return out
    }

    @Test func automaticMatchesAreTheTrueBooksAndEveryItemHasAStatus() async throws {
        try await Setup.with(items: 200, seed: 21) { setup in
            _ = try await setup.sync()
            let summary = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(summary.items == setup.derived.truth.count)
            let found = try matches(setup)
            #expect(found.count == setup.derived.truth.count)
            let auto = found.filter { $0.value.status == "auto" }
            let right = auto.filter { setup.derived.truth[$0.key]?.bookId == $0.value.book }
            #expect(Double(right.count) / Double(max(1, auto.count)) >= 0.99, "auto precision \(right.count)/\(auto.count)")
            #expect(Double(auto.count) / Double(found.count) >= 0.9, "auto recall \(auto.count)/\(found.count)")
            // Explanations are JSON with the penalties.
            let explanation: String = try #require(try setup.rows("SELECT explanation FROM matches LIMIT 1").first?["explanation"])
            #expect(explanation.contains("\"penalties\""))
        }
    }

    @Test func aRematchScoresOnlyWhatChanged() async throws {
        try await Setup.with(items: 60, seed: 22) { setup in
            _ = try await setup.sync()
            let first = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(first.scored == 60)
            let again = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(again.scored == 0)
            #expect(again.unchanged == 60)
            let forced = try MatchWorkflow.run(mirror: setup.mirror, options: MatchOptions(rematch: true))
            #expect(forced.scored == 60)
            // New weights change every fingerprint.
            var config = MatchConfig()
            config.weights[.year] = 2
            #expect(try MatchWorkflow.run(mirror: setup.mirror, options: MatchOptions(config: config)).scored == 60)
        }
    }

    @Test func linksUnlinksAndIgnoresSurviveRematches() async throws {
        try await Setup.with(items: 40, seed: 23) { setup in
            _ = try await setup.sync()
            _ = try MatchWorkflow.run(mirror: setup.mirror)
            let ids = setup.derived.truth.keys.sorted()
            let (linked, unlinked, ignored) = (ids[0], ids[1], ids[2])
            let other = try #require(setup.derived.truth[ids[3]]?.bookId)
            #expect(try setup.mirror.pinMatch(itemId: linked, status: .confirmed, bookId: other))
            #expect(try setup.mirror.pinMatch(itemId: unlinked, status: .rejected))
            #expect(try setup.mirror.pinMatch(itemId: ignored, status: .ignored))
            #expect(try setup.mirror.pinMatch(itemId: "no-such-item", status: .ignored) == false)

            let summary = try MatchWorkflow.run(mirror: setup.mirror, options: MatchOptions(rematch: true))
            #expect(summary.pinned == 3)
            let found = try matches(setup)
            #expect(found[linked]?.status == "confirmed")
            #expect(found[linked]?.book == other)
            #expect(found[unlinked]?.status == "rejected")
            #expect(found[ignored]?.status == "ignored")

            // Forgetting the decision hands the item back to scoring.
            try setup.mirror.pinMatch(itemId: linked, status: nil)
            _ = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(try matches(setup)[linked]?.book == setup.derived.truth[linked]?.bookId)
        }
    }
}
