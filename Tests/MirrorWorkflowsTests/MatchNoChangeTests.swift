import Foundation
import GRDB
import MirrorCore
import MirrorFakes
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// `match` with nothing changed gathers and scores nothing (issue 17); what changed still reaches
/// the items it could match: a changed item, a changed or deleted book, a new book that is an
/// item's better candidate, new weights.
struct MatchNoChangeTests {
    typealias Setup = HardcoverSyncTests.Setup

    private func write(_ setup: Setup, _ sql: String, _ arguments: StatementArguments = []) throws {
        try DatabaseQueue(path: setup.folder.file("mirror.sqlite")).write { try $0.execute(sql: sql, arguments: arguments) }
    }

    private func stored(_ setup: Setup, _ itemId: String) throws -> MatchRecord {
        try #require(try setup.mirror.storedMatch(itemId: itemId))
    }

    /// Items auto-matched to their true book, of one way of being found.
    private func rightlyMatched(_ setup: Setup, findableBy kind: FakeHardcoverMix.Kind) throws -> [String] {
        try setup.mirror.matchRows().values
            .filter { $0.status == .auto && $0.bookId == setup.derived.truth[$0.itemId]?.bookId && setup.derived.truth[$0.itemId]?.findableBy == kind }
            .map(\.itemId).sorted()
    }

    @Test func aSecondMatchWithNothingChangedGathersAndScoresNothing() async throws {
        try await Setup.with(items: 60, seed: 31) { setup in
            _ = try await setup.sync()
            let first = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(first.gathered == 60)
            #expect(first.scored == 60)
            let again = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(again.gathered == 0)
            #expect(again.scored == 0)
            #expect(again.unchanged == 60)
            #expect(again.items == 60)

            // A Hardcover sync that finds nothing new writes nothing matching depends on.
            _ = try await setup.sync()
            let afterSync = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(afterSync.gathered == 0)
            #expect(afterSync.scored == 0)

            // A decision counts as pinned in the no-op summary too.
            let id = try #require(setup.derived.truth.keys.sorted().first)
            try setup.mirror.pinMatch(itemId: id, status: .ignored)
            let pinned = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(pinned.pinned == 1)
            #expect(pinned.scored == 0)
            #expect(pinned.unchanged == 59)
        }
    }

    @Test func aChangedItemIsGatheredAndScoredAgainAlone() async throws {
        try await Setup.with(items: 60, seed: 32) { setup in
            _ = try await setup.sync()
            _ = try MatchWorkflow.run(mirror: setup.mirror)
            let id = try #require(setup.derived.truth.keys.sorted().last)
            let before = try stored(setup, id)
            try write(setup, "UPDATE abs_item SET duration_seconds = coalesce(duration_seconds, 0) + 7200 WHERE id = ?", [id])
            let summary = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(summary.gathered == 1)
            #expect(summary.scored == 1)
            #expect(summary.unchanged == 59)
            #expect(try stored(setup, id).inputsFingerprint != before.inputsFingerprint)

            // Forgetting a decision hands the item back to scoring.
            try setup.mirror.pinMatch(itemId: id, status: .ignored)
            _ = try MatchWorkflow.run(mirror: setup.mirror)
            try setup.mirror.pinMatch(itemId: id, status: nil)
            let forgotten = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(forgotten.scored == 1)
            #expect(try stored(setup, id).status != .ignored)
        }
    }

    @Test func aChangedBookRescoresTheItemsWhoseCandidateItIs() async throws {
        try await Setup.with(items: 60, seed: 33) { setup in
            _ = try await setup.sync()
            _ = try MatchWorkflow.run(mirror: setup.mirror)
            let id = try #require(try rightlyMatched(setup, findableBy: .title).first)
            let bookId = try #require(setup.derived.truth[id]?.bookId)
            var book = try #require(try setup.mirror.hardcoverBook(id: bookId))
            book.title = "Zyxwv Retitled Qqq"
            try setup.mirror.saveHardcoverBooks([book])
            let summary = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(summary.gathered < 60)
            #expect(summary.scored >= 1)
            #expect(try stored(setup, id).explanation.contains("Zyxwv Retitled Qqq"))

            // An identifier taken off an edition reaches the item that was found by it.
            let byIdentifier = try #require(try rightlyMatched(setup, findableBy: .identifier).first)
            let edition = try #require(setup.derived.truth[byIdentifier]?.editionId)
            let before = try stored(setup, byIdentifier)
            try write(setup, "UPDATE hc_edition SET isbn_13 = NULL, isbn_10 = NULL, asin = NULL WHERE id = ?", [edition])
            let after = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(after.gathered < 60)
            #expect(after.scored >= 1)
            #expect(try stored(setup, byIdentifier).inputsFingerprint != before.inputsFingerprint)
        }
    }

    @Test func aNewBookThatIsAnItemsBetterCandidateIsFoundWithoutRematch() async throws {
        try await Setup.with(items: 60, seed: 34) { setup in
            _ = try await setup.sync()
            _ = try MatchWorkflow.run(mirror: setup.mirror)
            // One item found by its title, one by an identifier: their books leave the mirror, and
            // sync's record of having found them too, so only the full-text and identifier queries
            // can find the books again.
            let byTitle = try #require(try rightlyMatched(setup, findableBy: .title).first)
            let byIdentifier = try #require(try rightlyMatched(setup, findableBy: .identifier).first)
            var books: [HardcoverBook] = []
            for id in [byTitle, byIdentifier] {
                let bookId = try #require(setup.derived.truth[id]?.bookId)
                books.append(try #require(try setup.mirror.hardcoverBook(id: bookId)))
                try write(setup, "DELETE FROM hc_candidate WHERE book_id = ?", [bookId])
                try write(setup, "DELETE FROM hc_edition WHERE book_id = ?", [bookId])
                try write(setup, "DELETE FROM hc_book WHERE id = ?", [bookId])
            }
            let without = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(without.scored >= 2)
            for id in [byTitle, byIdentifier] { #expect(try stored(setup, id).bookId != setup.derived.truth[id]?.bookId) }

            try setup.mirror.saveHardcoverBooks(books)
            let summary = try MatchWorkflow.run(mirror: setup.mirror)
            #expect(summary.gathered < 60)
            for id in [byTitle, byIdentifier] {
                #expect(try stored(setup, id).bookId == setup.derived.truth[id]?.bookId, "\(id) finds its book again")
            }
        }
    }

    @Test func newWeightsScoreEveryItemAndThenNothing() async throws {
        try await Setup.with(items: 60, seed: 35) { setup in
            _ = try await setup.sync()
            _ = try MatchWorkflow.run(mirror: setup.mirror)
            var config = MatchConfig()
            config.weights[.year] = 2
            let changed = try MatchWorkflow.run(mirror: setup.mirror, options: MatchOptions(config: config))
            #expect(changed.gathered == 60)
            #expect(changed.scored == 60)
            let same = try MatchWorkflow.run(mirror: setup.mirror, options: MatchOptions(config: config))
            #expect(same.gathered == 0)
            let forced = try MatchWorkflow.run(mirror: setup.mirror, options: MatchOptions(rematch: true, config: config))
            #expect(forced.gathered == 60)
            #expect(forced.scored == 60)
        }
    }
}
