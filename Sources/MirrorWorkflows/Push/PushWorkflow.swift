import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

/// `push`: the accepted changes to AudiobookShelf, safely (DESIGN "Push, safe"). The user's
/// update permission is checked before anything is sent; an interrupted earlier run is settled
/// from its journal and a re-read; each chunk of items is re-read, every field whose server value
/// is no longer its base is a conflict (reported, not sent); the rest is journaled, sent with
/// batch/update (PATCH on servers without it), re-read and verified, and the mirror refreshed.
public enum PushWorkflow {
    public static func run(mirror: Mirror, client: ABSClient, options: PushOptions = PushOptions()) async throws -> PushSummary {
        let started = Date()
        let requestsBefore = client.requestCount
        var summary = PushSummary()
        try await requireUpdatePermission(client)
        if !options.dryRun { summary.reconciled = try await reconcile(mirror: mirror, client: client, chunkSize: options.chunkSize) }

        var order: [String] = []
        var byItem: [String: [ChangeRow]] = [:]
        for row in try mirror.changeRows(itemIds: options.itemIds, statuses: [.accepted]) {
            if byItem[row.itemId] == nil { order.append(row.itemId) }
            byItem[row.itemId, default: []].append(row)
        }
        if let limit = options.limit { order = Array(order.prefix(max(0, limit))) }
        guard !order.isEmpty else {
            summary.requests = client.requestCount - requestsBefore
            return summary
        }
        let titles = Dictionary(order.compactMap { id in byItem[id]?.first.map { (id, $0.itemTitle ?? id) } }, uniquingKeysWith: { a, _ in a })
        let runId = options.dryRun ? nil : try mirror.beginPushRun(kind: "push", server: client.connection.baseURL.absoluteString)
        summary.runId = runId
        do {
            for start in stride(from: 0, to: order.count, by: max(1, options.chunkSize)) {
                let ids = order[start..<min(start + options.chunkSize, order.count)]
                let writes = ids.flatMap { id in
                    (byItem[id] ?? []).map { FieldWrite(itemId: id, changeId: $0.id, field: $0.field, expected: $0.current, value: $0.proposed) }
                }
                let outcome = try await PushEngine.apply(writes, runId: runId, mirror: mirror, client: client, dryRun: options.dryRun)
                try record(outcome, into: &summary, mirror: mirror, runId: runId, dryRun: options.dryRun, titles: titles)
            }
        } catch {
            try? finish(runId, &summary, mirror: mirror, requests: client.requestCount - requestsBefore, started: started, error: error)
            throw error
        }
        try finish(runId, &summary, mirror: mirror, requests: client.requestCount - requestsBefore, started: started, error: nil)
        return summary
    }

    /// The summary's last figures, and the run's row (none for a dry run).
    static func finish(_ runId: Int64?, _ summary: inout PushSummary, mirror: Mirror, requests: Int, started: Date, error: Error?) throws {
        summary.requests = requests
        summary.seconds = Date().timeIntervalSince(started)
        guard let runId else { return }
        try mirror.finishPushRun(id: runId, items: summary.items, pushed: summary.pushed, conflicts: summary.conflicts,
                                 failed: summary.failed, requests: requests, error: error.map(PushEngine.describe))
    }

    /// Changes' statuses from an outcome: pushed, conflict, failed.
    static func record(_ outcome: PushEngine.Outcome, into summary: inout PushSummary, mirror: Mirror, runId: Int64?, dryRun: Bool,
                       titles: [String: String]) throws {
        summary.add(outcome, titles: titles)
        guard !dryRun else { return }
        // The journal entries were settled by the engine; here the changes follow.
        try mirror.settleChanges(pushed: outcome.applied.compactMap(\.changeId), runId: runId)
        try mirror.markChanges(outcome.conflicts.compactMap(\.0.changeId), status: .conflict)
        try mirror.markChanges(outcome.failed.compactMap(\.0.changeId), status: .failed)
    }

    /// A user without the update permission is told so before anything is sent.
    static func requireUpdatePermission(_ client: ABSClient) async throws {
        let user = try await client.me()
        guard user.isActive, user.canUpdate else {
            throw WorkflowError(
                summary: "the AudiobookShelf user \(user.username) may not update items; nothing was sent",
                hint: "Use an admin's API key in \(client.connection.tokenSource ?? "ABS_TOKEN"), or give the user 'Can Update' (AudiobookShelf → Settings → Users).",
                kind: .authRejected)
        }
    }

    /// Settles the journal of a run that was killed: what the server holds decides. A field that
    /// has the value sent was applied; one that still has its old value was not sent and is sent
    /// again by this run; anything else is a conflict.
    static func reconcile(mirror: Mirror, client: ABSClient, chunkSize: Int) async throws -> Int {
        // Entries left planned by a killed run, or sent without an answer.
        let open = try mirror.journalEntries(states: ["planned", "sent"])
        guard !open.isEmpty else {
            try mirror.closeInterruptedPushRuns()
            return 0
        }
        let ids = PushEngine.unique(open.map(\.itemId))
        var items: [String: LibraryItem] = [:]
        for start in stride(from: 0, to: ids.count, by: max(1, chunkSize)) {
            for item in try await client.batchGet(ids: Array(ids[start..<min(start + chunkSize, ids.count)])) { items[item.id] = item }
        }
        // An applied push entry makes its change pushed (with its run); an applied undo entry
        // leaves its change pending again.
        let kinds = Dictionary(try mirror.pushRuns().map { ($0.id, $0.kind) }, uniquingKeysWith: { a, _ in a })
        var settled: [JournalOutcome] = []
        for e in open {
            let now = items[e.itemId].flatMap { Differ.value(e.field, of: BookFields(item: $0.metadata)) }
            if Differ.same(e.field, now, FieldValue(json: e.after, field: e.field)) {
                settled.append(JournalOutcome(entryId: e.id, state: "applied", reason: "settled after an interruption", changeId: e.changeId,
                                              changeStatus: kinds[e.runId] == "undo" ? "pending" : "pushed", changeRunId: e.runId))
            } else if Differ.same(e.field, now, FieldValue(json: e.before, field: e.field)) {
                settled.append(JournalOutcome(entryId: e.id, state: "failed", reason: "interrupted before it was applied; sent again",
                                              changeId: e.changeId, changeStatus: "accepted"))
            } else {
                settled.append(JournalOutcome(entryId: e.id, state: "conflict", reason: "changed on the server during an interrupted push",
                                              changeId: e.changeId, changeStatus: "conflict"))
            }
        }
        try mirror.settle(settled)
        try mirror.refreshItems(Array(items.values))
        try mirror.closeInterruptedPushRuns()
        return settled.count
    }
}

/// `undo`: a push run's before-values sent back, with the same conflict check: a field changed on
/// the server since the push is a conflict, not an overwrite.
public enum UndoWorkflow {
    /// `runId` nil: the last push run that changed something.
    public static func run(mirror: Mirror, client: ABSClient, runId: Int64?, dryRun: Bool = false) async throws -> PushSummary {
        let started = Date()
        let requestsBefore = client.requestCount
        try await PushWorkflow.requireUpdatePermission(client)
        guard let target = try runId ?? mirror.lastUndoablePushRun() else {
            throw WorkflowError(summary: "there is no push to undo", hint: "`shelfmirror history` lists the push runs.", kind: .usage)
        }
        guard let run = try mirror.pushRuns().first(where: { $0.id == target }), run.kind == "push" else {
            throw WorkflowError(summary: "push run \(target) does not exist", hint: "`shelfmirror history` lists the push runs.", kind: .usage)
        }
        let entries = try mirror.journalEntries(runId: target, states: ["applied"])
        guard !entries.isEmpty else {
            throw WorkflowError(summary: "push run \(target) has nothing left to undo", hint: "`shelfmirror history \(target)` shows what it did.", kind: .usage)
        }
        var summary = PushSummary()
        let newRun = dryRun ? nil : try mirror.beginPushRun(kind: "undo", undoes: target, server: client.connection.baseURL.absoluteString)
        summary.runId = newRun
        let titles = try Dictionary(mirror.changeRows(statuses: Set(ChangeStatus.allCases))
            .map { ($0.itemId, $0.itemTitle ?? $0.itemId) }, uniquingKeysWith: { a, _ in a })
        let ids = PushEngine.unique(entries.map(\.itemId))
        do {
            for start in stride(from: 0, to: ids.count, by: 250) {
                let chunk = Set(ids[start..<min(start + 250, ids.count)])
                let writes = entries.filter { chunk.contains($0.itemId) }.map {
                    FieldWrite(itemId: $0.itemId, changeId: $0.changeId, field: $0.field, expected: $0.after, value: $0.before, revertsEntry: $0.id)
                }
                let outcome = try await PushEngine.apply(writes, runId: newRun, mirror: mirror, client: client, dryRun: dryRun)
                summary.add(outcome, titles: titles)
                if !dryRun {
                    // The reverted entries, and their changes back to pending for a new decision.
                    try mirror.settle(outcome.applied.compactMap { w in
                        w.revertsEntry.map { JournalOutcome(entryId: $0, state: "reverted", reason: "undone by run \(newRun ?? 0)", changeId: w.changeId, changeStatus: "pending") }
                    })
                }
            }
        } catch {
            try? PushWorkflow.finish(newRun, &summary, mirror: mirror, requests: client.requestCount - requestsBefore, started: started, error: error)
            throw error
        }
        try PushWorkflow.finish(newRun, &summary, mirror: mirror, requests: client.requestCount - requestsBefore, started: started, error: nil)
        return summary
    }
}

extension PushSummary {
    /// Counts an outcome in, with its problems named by item title.
    mutating func add(_ outcome: PushEngine.Outcome, titles: [String: String]) {
        items += outcome.items
        pushed += outcome.applied.count
        conflicts += outcome.conflicts.count
        failed += outcome.failed.count + outcome.unsettled.count
        planned += outcome.planned
        for (w, reason) in outcome.conflicts + outcome.failed + outcome.unsettled {
            problems.append((titles[w.itemId] ?? w.itemId, w.field.rawValue, reason))
        }
    }
}
