import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

/// One field to write on one item: the value the server must have now (the base), and the value
/// to write. Shared by push (the accepted changes) and undo (the journal's before-values).
struct FieldWrite: Sendable {
    var itemId: String
    var changeId: Int64?
    var field: DiffField
    /// JSON; nil when the field is (or must be) empty.
    var expected: String?
    var value: String?
    /// For undo: the journal entry being reverted.
    var revertsEntry: Int64?
}

/// Conflict check, journal, send, re-read and verify, for a chunk of items.
enum PushEngine {
    struct Outcome {
        var applied: [FieldWrite] = []
        var conflicts: [(FieldWrite, String)] = []
        var failed: [(FieldWrite, String)] = []
        /// Sent, not seen applied, and the send ended without an answer (a timeout, a dropped
        /// connection): the server may still apply it. The next push settles them.
        var unsettled: [(FieldWrite, String)] = []
        var planned: [PlannedRequest] = []
        var items = 0
    }

    /// Writes `writes` (all of one chunk's items) if the server still holds each `expected`.
    static func apply(_ writes: [FieldWrite], runId: Int64?, mirror: Mirror, client: ABSClient, dryRun: Bool) async throws -> Outcome {
        var outcome = Outcome()
        let ids = unique(writes.map(\.itemId))
        let before = Dictionary(try await client.batchGet(ids: ids).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        // Conflict check against what is there now.
        var sendable: [String: [(FieldWrite, String?)]] = [:] // item -> writes with the server's current value
        for w in writes {
            guard let item = before[w.itemId] else {
                outcome.conflicts.append((w, "the item is gone from AudiobookShelf"))
                continue
            }
            let now = Differ.value(w.field, of: BookFields(item: item.metadata))
            let expected = FieldValue(json: w.expected, field: w.field)
            guard Differ.same(w.field, expected, now) else {
                outcome.conflicts.append((w, "AudiobookShelf now has \(show(now)), not \(show(expected)) as when it was proposed"))
                continue
            }
            sendable[w.itemId, default: []].append((w, now?.json))
        }

        // Payloads: one per item, every entry with its mediaPayload.
        var entries: [(id: String, mediaPayload: String)] = []
        var journalRows: [(itemId: String, changeId: Int64?, field: DiffField, before: String?, after: String?)] = []
        var sent: [FieldWrite] = []
        for id in ids {
            guard let list = sendable[id], !list.isEmpty else { continue }
            let fields = list.map { ($0.0.field, FieldValue(json: $0.0.value, field: $0.0.field)) }
            guard let payload = ABSPayload.mediaPayload(fields) else {
                for (w, _) in list { outcome.failed.append((w, "it would leave the item without authors")) }
                continue
            }
            entries.append((id, payload))
            for (w, current) in list {
                journalRows.append((w.itemId, w.changeId, w.field, current, w.value))
                sent.append(w)
            }
        }
        outcome.items = entries.count
        guard !entries.isEmpty else { return outcome }
        let body = ABSPayload.batchUpdate(entries)
        if dryRun {
            outcome.planned.append(PlannedRequest(method: "POST", path: client.requestPath("/api/items/batch/update"), body: body))
            outcome.applied = sent
            return outcome
        }
        guard let runId else { return outcome }

        // Journal first, then send. A kill from here on is settled by the next run's re-read.
        let entryIds = try mirror.journal(runId: runId, entries: journalRows)
        var sendError: String? = nil
        var ambiguous = false
        func note(_ error: Error) {
            sendError = describe(error)
            if let remote = error as? RemoteError, remote.code.leavesWriteUnknown { ambiguous = true }
        }
        do {
            _ = try await client.batchUpdate(body: body)
        } catch let e as RemoteError where e.code == .notFound || e.code == .htmlPage(status: 404) {
            // Servers before batch/update: one PATCH per item.
            for entry in entries {
                do { _ = try await client.patchMedia(id: entry.id, body: entry.mediaPayload) } catch { note(error) }
            }
        } catch {
            note(error)
        }

        // Re-read and verify: what the server holds now decides, whatever the send said.
        let after = try await client.batchGet(ids: entries.map(\.id))
        let byId = Dictionary(after.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var settled: [JournalOutcome] = []
        for (n, w) in sent.enumerated() {
            let now = byId[w.itemId].flatMap { Differ.value(w.field, of: BookFields(item: $0.metadata)) }
            let wanted = FieldValue(json: w.value, field: w.field)
            if Differ.same(w.field, now, wanted) {
                outcome.applied.append(w)
                settled.append(JournalOutcome(entryId: entryIds[n], state: "applied", reason: nil))
            } else if ambiguous, Differ.same(w.field, now, FieldValue(json: journalRows[n].before, field: w.field)) {
                let reason = "not confirmed (\(sendError ?? "no answer")); the next push checks again"
                outcome.unsettled.append((w, reason))
                settled.append(JournalOutcome(entryId: entryIds[n], state: "sent", reason: reason))
            } else {
                let reason = Differ.same(w.field, now, FieldValue(json: journalRows[n].before, field: w.field))
                    ? "not applied" + (sendError.map { ": \($0)" } ?? " by the server")
                    : "the server stored \(show(now)) instead"
                outcome.failed.append((w, reason))
                settled.append(JournalOutcome(entryId: entryIds[n], state: "failed", reason: reason))
            }
        }
        try mirror.settle(settled)
        try mirror.refreshItems(after)
        return outcome
    }

    static func show(_ value: FieldValue?) -> String {
        guard let value else { return "nothing" }
        let text = value.display
        return "“" + (text.count > 60 ? String(text.prefix(59)) + "…" : text) + "”"
    }

    static func describe(_ error: Error) -> String {
        (error as? UserFacingError)?.summary ?? String(describing: error)
    }

    static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }
}
