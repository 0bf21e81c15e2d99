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

    /// Small batches, each stored by a worker while the others score the next, store what one
    /// worker over one batch does; progress counts each batch once it is stored; and a decision
    /// made while `match` runs is not overwritten by the batch its item is in.
    @Test func batchesStoredWhileTheNextIsScoredAndAPinMadeMeanwhileStays() async throws {
        try await Setup.with(items: 120, seed: 24) { setup in
            _ = try await setup.sync()
            let columns = "item_id, status, book_id, edition_id, score, explanation, inputs_fingerprint"
            var serial = MatchOptions()
            serial.workers = 1
            serial.chunkSize = 1_000
            _ = try MatchWorkflow.run(mirror: setup.mirror, options: serial)
            let expected = try setup.rows("SELECT \(columns) FROM match ORDER BY item_id")
            try await DatabaseQueue(path: setup.folder.file("mirror.sqlite")).write { try $0.execute(sql: "DELETE FROM match") }

            var batched = MatchOptions(rematch: true)
            batched.workers = 3
            batched.chunkSize = 7
            var done: [Int] = []
            var pinned: String?
            let summary = try MatchWorkflow.run(mirror: setup.mirror, options: batched) { progress in
                done.append(progress.done)
                #expect(progress.total == expected.count)
                if pinned == nil {
                    // The first batch is stored, and only it.
                    #expect(try! setup.rows("SELECT count(*) FROM match")[0][0] as Int == progress.done)
                    // An item no batch stored yet: it is in the batch scored now, or a later one.
                    pinned = try! setup.rows("SELECT id FROM abs_item WHERE id NOT IN (SELECT item_id FROM match) ORDER BY key DESC LIMIT 1")[0][0]
                    #expect(try! setup.mirror.pinMatch(itemId: pinned!, status: .ignored))
                }
            }
            #expect(done == Array(stride(from: 7, to: expected.count, by: 7)) + [expected.count])
            #expect(summary.scored == expected.count)
            let item = try #require(pinned)
            let found = try setup.rows("SELECT \(columns), pinned FROM match ORDER BY item_id")
            #expect(found.count == expected.count)
            for (row, want) in zip(found, expected) {
                if row["item_id"] == item {
                    #expect(row["status"] == "ignored")
                    #expect(row["pinned"] == true)
                } else {
                    #expect(Array(row.databaseValues.dropLast()) == Array(want.databaseValues), "\(row["item_id"] ?? "")")
                }
            }
        }
    }

    /// A batch that cannot be stored (here a trigger refuses one item's row, as a full disk would
    /// refuse the write) stops `match` with the database's error: the batches before it stay
    /// stored and counted, nothing of the refused batch is kept, and nothing after it is stored.
    @Test func aBatchThatCannotBeStoredStopsMatchAndKeepsTheBatchesBefore() async throws {
        try await Setup.with(items: 60, seed: 25) { setup in
            _ = try await setup.sync()
            let ids: [String] = try setup.rows("SELECT id FROM abs_item ORDER BY key").map { $0["id"] }
            let refused = ids[30]   // in the fifth batch of 7
            try await DatabaseQueue(path: setup.folder.file("mirror.sqlite")).write {
                try $0.execute(sql: """
                    CREATE TRIGGER refuse BEFORE INSERT ON match WHEN new.item_id = '\(refused)'
                    BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END
                    """)
            }
            var options = MatchOptions()
            options.workers = 3
            options.chunkSize = 7
            var done: [Int] = []
            let error = #expect(throws: StoreError.self) {
                try MatchWorkflow.run(mirror: setup.mirror, options: options) { done.append($0.done) }
            }
            #expect(error?.description.contains("could not be updated: database or disk is full") == true)
            #expect(done == [7, 14, 21, 28])
            let stored: [String] = try setup.rows("SELECT item_id FROM match ORDER BY item_id").map { $0["item_id"] }
            #expect(stored == Array(ids[0..<28]).sorted())
        }
    }
}

