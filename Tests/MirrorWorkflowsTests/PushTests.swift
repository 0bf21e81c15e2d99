import Foundation
import GRDB
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// `push` and `undo` against the fake AudiobookShelf: conflicts are reported, never overwritten;
/// the journal and a re-read decide what was applied, whatever happened on the way.
struct PushTests {
    typealias Setup = HardcoverSyncTests.Setup

    /// Synced, matched, proposals made with the replace policy, all accepted; the narrators and
    /// publisher of `blank` items emptied in ABS first so that fills exist too; the servers are
    /// stopped after `body`.
    private func withPrepared<T>(items: Int = 24, blank: Int = 4, seed: UInt64 = 51,
                                 _ body: (Setup, [ChangeRow]) async throws -> T) async throws -> T {
        try await Setup.withMatched(items: items, seed: seed, blank: blank) { setup, _ in
            var policy = DiffPolicy()
            policy.defaultPolicy = .replace
            _ = try DiffWorkflow.refresh(mirror: setup.mirror, policy: policy)
            let rows = try setup.mirror.changeRows()
            _ = try setup.mirror.decide(changeIds: rows.map(\.id), status: .accepted)
            return try await body(setup, rows)
        }
    }

    private func absClient(_ setup: Setup, token: String = FakeABSState.adminToken) throws -> ABSClient {
        try setup.absClient(token: token)
    }

    /// The server's value of a field of an item, as JSON (nil when empty).
    private func serverValue(_ setup: Setup, _ itemId: String, _ field: DiffField) async throws -> String? {
        let items = try await absClient(setup).batchGet(ids: [itemId])
        return items.first.flatMap { Differ.value(field, of: BookFields(item: $0.metadata))?.json }
    }

    private func statuses(_ setup: Setup) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try setup.rows("SELECT status, count(*) FROM changes GROUP BY 1") { out[row[0]] = row[1] }
        return out
    }

    @Test func acceptedChangesArePushedVerifiedAndTheMirrorRefreshed() async throws {
        try await withPrepared { setup, rows in
            try #require(rows.count >= 4)
            await setup.abs.resetRequestLog()
            let summary = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup))
            #expect(summary.pushed == rows.count)
            #expect(summary.conflicts == 0 && summary.failed == 0)
            #expect(summary.requests == 4, "me, batch/get, batch/update, batch/get (\(summary.requests))")
            #expect(try statuses(setup) == ["pushed": rows.count])
            for row in rows.prefix(6) {
                let field = try #require(row.field.metadata)
                let now = try await serverValue(setup, row.itemId, field)
                #expect(Differ.same(field, FieldValue(json: now, field: field), FieldValue(json: row.proposed, field: field)), "\(field)")
            }
            // The mirror holds the new values without a sync.
            let narrators = try #require(rows.first { $0.field == .narrators })
            let mirrored: String? = try setup.rows("SELECT narrators FROM items WHERE id = '\(narrators.itemId)'").first?["narrators"]
            #expect(mirrored == narrators.proposed)
            // Every request carried its payload; none went out without mediaPayload.
            let log = await setup.abs.requests()
            #expect(log.filter { $0.route == .batchUpdate }.count == 1)
            #expect(log.allSatisfy { $0.status == 200 })
            // Nothing more to send.
            let again = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup))
            #expect(again.runId == nil)
        }
    }

    @Test func aValueChangedOnTheServerOrAnItemGoneIsAConflictNotAnOverwrite() async throws {
        try await withPrepared { setup, rows in
            let fill = try #require(rows.first { $0.field == .narrators && $0.current == nil })
            let gone = try #require(rows.first { $0.itemId != fill.itemId })
            await setup.abs.update(itemId: fill.itemId) { $0.narrators = ["Someone Else Entirely"] }
            await setup.abs.removeItem(id: gone.itemId)
            let summary = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup))
            let goneCount = rows.filter { $0.itemId == gone.itemId }.count
            #expect(summary.conflicts == 1 + goneCount)
            #expect(summary.problems.contains { $0.field == "narrators" && $0.reason.contains("Someone Else Entirely") })
            #expect(summary.problems.contains { $0.reason.contains("gone from AudiobookShelf") })
            #expect(try await serverValue(setup, fill.itemId, .narrators) == #"["Someone Else Entirely"]"#, "not overwritten")
            #expect(try setup.mirror.changeRow(id: fill.id)?.status == .conflict)
            #expect(summary.pushed == rows.count - 1 - goneCount)
        }
    }

    @Test func aUserWithoutUpdatePermissionIsToldBeforeAnythingIsSent() async throws {
        try await withPrepared(blank: 1) { setup, _ async throws in
            await setup.abs.resetRequestLog()
            await #expect { try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup, token: FakeABSState.userToken)) } throws: { error in
                guard let e = error as? WorkflowError else { return false }
                return e.kind == .authRejected && e.summary.contains("may not update items") && e.hint?.contains("Can Update") == true
            }
            let log = await setup.abs.requests()
            #expect(!log.contains { $0.method != "GET" }, "nothing written")
            #expect(try statuses(setup)["accepted"] != nil)
        }
    }

    @Test func undoRevertsAndALaterServerEditIsAConflict() async throws {
        try await withPrepared { setup, rows in
            let pushed = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup))
            let edited = try #require(rows.first { $0.field == .publisher })
            await setup.abs.update(itemId: edited.itemId) { $0.publisher = "Edited After The Push" }
            let undo = try await UndoWorkflow.run(mirror: setup.mirror, client: absClient(setup), runId: nil)
            #expect(undo.conflicts == 1)
            #expect(undo.pushed == pushed.pushed - 1)
            #expect(try await serverValue(setup, edited.itemId, .publisher) == #""Edited After The Push""#)
            for row in rows where row.id != edited.id {
                let field = try #require(row.field.metadata)
                let now = try await serverValue(setup, row.itemId, field)
                #expect(Differ.same(field, FieldValue(json: now, field: field), FieldValue(json: row.current, field: field)),
                        "\(field) back to its base")
            }
            #expect(try setup.mirror.changeRow(id: rows.first { $0.id != edited.id }!.id)?.status == .pending)
            let history = try setup.mirror.pushRuns()
            #expect(history.map(\.kind) == [.undo, .push])
            await #expect { try await UndoWorkflow.run(mirror: setup.mirror, client: absClient(setup), runId: 99) } throws: { error in
                (error as? WorkflowError)?.summary.contains("does not exist") == true
            }
        }
    }

    @Test func aDryRunPrintsTheRequestsAndSendsNothing() async throws {
        try await withPrepared(blank: 2) { setup, rows in
            await setup.abs.resetRequestLog()
            let summary = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup), options: PushOptions(dryRun: true))
            #expect(summary.runId == nil)
            #expect(summary.planned.count == 1)
            let request = try #require(summary.planned.first)
            #expect(request.method == "POST" && request.path.hasSuffix("/api/items/batch/update"))
            #expect(!request.body.contains(FakeABSState.adminToken))
            let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [[String: Any]])
            #expect(body.allSatisfy { $0["mediaPayload"] is [String: Any] && $0["id"] is String })
            if let authors = body.compactMap({ (($0["mediaPayload"] as? [String: Any])?["metadata"] as? [String: Any])?["authors"] }).first {
                #expect(authors is [[String: Any]], "authors as objects")
            }
            #expect(await setup.abs.requests().allSatisfy { $0.method == "GET" || $0.route == .batchGet })
            #expect(try statuses(setup) == ["accepted": rows.count])
        }
    }

    @Test func anOlderServerWithoutBatchUpdateGetsPatchPerItem() async throws {
        try await withPrepared(blank: 2) { setup, rows in
            await setup.abs.inject(.status(404), on: .batchUpdate, times: 1)
            let summary = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup))
            #expect(summary.pushed == rows.count)
            #expect(await setup.abs.requests().filter { $0.route == .patchMedia }.count == Set(rows.map(\.itemId)).count)
        }
    }

    @Test func faultsDuringThePushLeaveAccurateStatuses() async throws {
        // A 500 on batch/update: nothing applied, each change failed with the reason.
        do {
            try await withPrepared(blank: 2, seed: 52) { setup, rows in
                await setup.abs.inject(.status(500), on: .batchUpdate, times: 1)
                let summary = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup))
                #expect(summary.failed == rows.count)
                #expect(summary.problems.allSatisfy { $0.reason.contains("500") })
                #expect(try statuses(setup) == ["failed": rows.count])
            }
        }
        // The answer cut short after the server applied it: the re-read says pushed.
        do {
            try await withPrepared(blank: 2, seed: 53) { setup, rows in
                await setup.abs.inject(.truncatedBody, on: .batchUpdate, times: 1)
                let summary = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup))
                #expect(summary.pushed == rows.count)
                #expect(try statuses(setup) == ["pushed": rows.count])
            }
        }
        // The connection reset before the server read it: not applied, left for the next push,
        // which sends it once.
        do {
            try await withPrepared(blank: 2, seed: 54) { setup, rows in
                await setup.abs.inject(.connectionReset, on: .batchUpdate, times: 1)
                let first = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup))
                #expect(first.pushed == 0)
                #expect(first.problems.allSatisfy { $0.reason.contains("the next push checks again") })
                #expect(try statuses(setup) == ["accepted": rows.count])
                await setup.abs.resetRequestLog()
                let second = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup))
                #expect(second.reconciled == rows.count)
                #expect(second.pushed == rows.count)
                #expect(await setup.abs.requests().filter { $0.route == .batchUpdate }.count == 1)
                #expect(try statuses(setup) == ["pushed": rows.count])
            }
        }
    }

    @Test func aGarbledAnswerLeavesTheChangesFailedWithTheReason() async throws {
        try await withPrepared(blank: 2, seed: 55) { setup, rows in
            await setup.abs.inject(.malformedJSON, on: .batchUpdate, times: 1)
            let summary = try await PushWorkflow.run(mirror: setup.mirror, client: absClient(setup))
            // The fake answers its garbage instead of handling the request: nothing was applied,
            // and the re-read says so, with the reason.
            #expect(summary.pushed == 0)
            #expect(summary.failed == rows.count)
            #expect(summary.problems.allSatisfy { $0.reason.contains("not applied") && $0.reason.contains("cannot use") })
            #expect(try statuses(setup) == ["failed": rows.count])
        }
    }
}
