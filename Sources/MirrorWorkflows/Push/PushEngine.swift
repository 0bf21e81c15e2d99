import Foundation
import MirrorCore
import MirrorStore

/// The push and undo engine, written once for every target (DESIGN "Push, safe"): for a chunk
/// of records, re-read, check each field against its base, journal what will be sent, send,
/// re-read and verify, settle the journal and the changes, refresh the mirror. What each step
/// decides is `PushProtocol`'s; what the server is, the adapter's.
struct PushEngine<Adapter: PushAdapter> {
    typealias Write = FieldWrite<Adapter.Field>

    let adapter: Adapter
    let mirror: Mirror

    /// Whether the engine sends, and as which run.
    enum Mode {
        /// Builds the requests and sends nothing.
        case dryRun
        case run(id: Int64, kind: RunKind)

        var kind: RunKind {
            if case .run(_, let kind) = self { return kind }
            return .push
        }
    }

    struct Outcome {
        var applied: [Write] = []
        var conflicts: [(Write, String)] = []
        var failed: [(Write, String)] = []
        /// Sent, not seen applied, and the send ended without an answer: the server may still
        /// apply them. The next push settles them.
        var unsettled: [(Write, String)] = []
        /// Not sent (a request budget spent): still accepted, for the next push.
        var deferred: [(Write, String)] = []
        /// Applied, with something the user should know (an undo that emptied the author list).
        var notices: [(Write, String)] = []
        var planned: [PlannedRequest] = []
        var items = 0
    }

    /// Writes `writes` (all of one chunk's records) where the server still holds each base.
    func apply(_ writes: [Write], mode: Mode) async throws -> Outcome {
        var outcome = Outcome()
        let restoring = mode.kind == .undo
        let ids = Self.unique(writes.map(\.itemId))
        let before = try await adapter.read(ids)

        // 1. Conflict check against what the server holds now.
        var sendable: [String: [(write: Write, before: String?)]] = [:]
        for w in writes {
            if let reason = before[w.itemId].flatMap(adapter.conflict) {
                outcome.conflicts.append((w, reason))
                continue
            }
            let now: String?? = before[w.itemId].map { adapter.raw(w.field, of: $0) }
            switch PushProtocol.check(w, now: now, server: adapter.serverName, semantics: adapter.semantics) {
            case .send(let value): sendable[w.itemId, default: []].append((w, value))
            case .conflict(let reason): outcome.conflicts.append((w, reason))
            }
        }
        if adapter.conflictsTogether {
            for (w, reason) in outcome.conflicts {
                guard let rest = sendable.removeValue(forKey: w.itemId) else { continue }
                outcome.conflicts += rest.map { ($0.write, "not sent with \(w.field.rawValue), a conflict: \(reason)") }
            }
        }

        // 2. One body per record, made from what the server holds.
        var bodies: [(id: String, body: Adapter.Body)] = []
        var sent: [(write: Write, before: String?)] = []
        for id in ids {
            guard let list = sendable[id], !list.isEmpty, let record = before[id] else { continue }
            switch adapter.body(list.map { ($0.write.field, $0.write.value) }, record: record, restoring: restoring) {
            case .success(let body):
                bodies.append((id, body))
                sent += list
            case .failure(let refusal):
                outcome.failed += list.map { ($0.write, refusal.reason) }
            }
        }
        outcome.items = bodies.count
        guard !bodies.isEmpty else {
            try settleUnsent(outcome, mode: mode)
            return outcome
        }
        guard case .run(let runId, let kind) = mode else {
            outcome.planned = adapter.planned(bodies)
            outcome.applied = sent.map(\.write)
            return outcome
        }

        // 3. Journal first, then send: a kill from here on is settled by the next push's re-read.
        let now = ISO8601.now()
        let entryIds = try mirror.journal(sent.map {
            JournalRecord(runId: runId, itemId: $0.write.itemId, changeId: $0.write.changeId, field: $0.write.field.rawValue,
                          before: $0.before, after: $0.write.value, updatedAt: now)
        })
        let report = await adapter.send(bodies)

        // 4. Re-read and verify: what the server holds now decides, whatever the send said. The
        //    records the answers showed whole need no re-read.
        var after = report.seen
        let unseen = bodies.map(\.id).filter { after[$0] == nil }
        if !unseen.isEmpty { after.merge(try await adapter.read(unseen)) { seen, _ in seen } }
        var settled: [JournalOutcome] = []
        for (entryId, s) in zip(entryIds, sent) {
            let w = s.write
            let now: String?? = after[w.itemId].map { adapter.raw(w.field, of: $0) }
            let send = report.result(for: w.itemId)
            let verdict = PushProtocol.verify(w, before: s.before, now: now, send: send, semantics: adapter.semantics)
            let deferred = send.deferred && verdict.state == .failed
            let changeStatus = kind == .push && !deferred ? PushProtocol.changeStatus(after: verdict.state, kind: kind) : nil
            settled.append(JournalOutcome(entryId: entryId, state: verdict.state, reason: verdict.reason,
                                          afterRaw: verdict.state == .applied ? .some(verdict.after) : .none,
                                          changeId: w.changeId, changeStatus: changeStatus, changeRunId: runId))
            switch verdict.state {
            case .applied:
                outcome.applied.append(w)
                if restoring, let notice = adapter.restoringNotice(w.field, value: w.value) { outcome.notices.append((w, notice)) }
                if restoring, let reverted = w.revertsEntry {
                    // The entry undone, and its change pending again for a new decision.
                    settled.append(JournalOutcome(entryId: reverted, state: .reverted, reason: "undone by run \(runId)",
                                                  changeId: w.changeId, changeStatus: .pending))
                }
            case .sent: outcome.unsettled.append((w, verdict.reason ?? "not confirmed"))
            case _ where deferred: outcome.deferred.append((w, verdict.reason ?? "not sent"))
            default: outcome.failed.append((w, verdict.reason ?? "not applied"))
            }
        }
        try mirror.settle(settled)
        try settleUnsent(outcome, mode: mode)
        try adapter.refresh(Array(after.values), in: mirror)
        return outcome
    }

    /// A push's conflicts and refusals were not journaled: their changes say so. (Changes that
    /// failed once sent are settled with their journal entries and are no longer decidable.)
    private func settleUnsent(_ outcome: Outcome, mode: Mode) throws {
        guard case .run(_, .push) = mode else { return }
        _ = try mirror.decide(changeIds: outcome.conflicts.compactMap(\.0.changeId), status: .conflict)
        _ = try mirror.decide(changeIds: outcome.failed.compactMap(\.0.changeId), status: .failed)
    }

    /// Settles the journal of a run that was killed: what the server holds decides.
    func reconcile(chunkSize: Int) async throws -> Int {
        let open = try mirror.journalEntries(states: JournalState.open, target: adapter.target)
        guard !open.isEmpty else {
            try mirror.closeInterruptedPushRuns(target: adapter.target)
            return 0
        }
        let ids = Self.unique(open.map(\.itemId))
        var records: [String: Adapter.Record] = [:]
        for chunk in Self.chunked(ids, size: chunkSize) {
            records.merge(try await adapter.read(Array(chunk)), uniquingKeysWith: { a, _ in a })
        }
        let kinds = Dictionary(try mirror.pushRuns().compactMap { r in r.id.map { ($0, r.kind) } }, uniquingKeysWith: { a, _ in a })
        var settled: [JournalOutcome] = []
        for e in open {
            guard let id = e.id else { continue }
            guard let field = Adapter.Field(rawValue: e.field) else {
                settled.append(JournalOutcome(entryId: id, state: .conflict, reason: "unknown field \(e.field)"))
                continue
            }
            let now: String?? = records[e.itemId].map { adapter.raw(field, of: $0) }
            let s = PushProtocol.settleInterrupted(field: field, before: e.beforeValue, after: e.afterValue, now: now,
                                                   kind: kinds[e.runId] ?? .push, semantics: adapter.semantics)
            settled.append(JournalOutcome(entryId: id, state: s.state, reason: s.reason, afterRaw: s.state == .applied ? .some(s.after) : .none,
                                          changeId: e.changeId, changeStatus: s.changeStatus, changeRunId: e.runId, changeBaseRaw: s.rebase))
        }
        try mirror.settle(settled)
        try adapter.refresh(Array(records.values), in: mirror)
        try mirror.closeInterruptedPushRuns(target: adapter.target)
        return settled.count
    }

    /// `ids` in runs of `size` (at least 1; `Int.max`: one run).
    static func chunked(_ ids: [String], size: Int) -> [ArraySlice<String>] {
        let size = max(1, size)
        return stride(from: 0, to: ids.count, by: size).map { ids[$0..<(ids.count - $0 > size ? $0 + size : ids.count)] }
    }

    static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }
}
