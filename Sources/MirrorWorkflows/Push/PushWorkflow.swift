import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

/// `push`: the accepted changes to AudiobookShelf, safely (DESIGN "Push, safe"). The user's
/// update permission is checked before anything is sent; an interrupted earlier run is settled
/// from its journal and a re-read; then, chunk by chunk, `PushEngine` checks each field against
/// the value the server held when it was proposed, journals, sends, re-reads and verifies.
public enum PushWorkflow {
    public static func run(mirror: Mirror, client: ABSClient, options: PushOptions = PushOptions()) async throws -> PushSummary {
        let engine = PushEngine(adapter: ABSPushAdapter(client: client), mirror: mirror)
        return try await PushRun.push(engine, options: options) {
            try mirror.changeRows(itemIds: options.itemIds, targets: [.abs], statuses: [.accepted]).compactMap { c in c.field.metadata.map(c.pushWrite) }
        }
    }
}

/// `undo`: a push run's before-values written back, with the same conflict check: a field
/// changed on the server since the push is a conflict, not an overwrite. Every applied field is
/// reverted, an empty author list too (and the summary says so).
public enum UndoWorkflow {
    /// `runId` nil: the last push run that changed something.
    public static func run(mirror: Mirror, client: ABSClient, runId: Int64?, dryRun: Bool = false,
                           options: PushOptions = PushOptions()) async throws -> PushSummary {
        let engine = PushEngine(adapter: ABSPushAdapter(client: client), mirror: mirror)
        let titles = try mirror.itemTitles()
        return try await PushRun.undo(engine, runId: runId, dryRun: dryRun, options: options) { titles[$0] ?? $0 }
    }
}

extension ChangeRow {
    /// What the server must still hold for this change to be sent.
    func base<Field>() -> FieldWrite<Field>.Base {
        guard let baseRaw else { return .normalised(current) }
        return .raw(baseRaw == "null" ? nil : baseRaw)
    }

    /// The change as the write of `field` (its target's own field) that push sends, with the
    /// item's title for messages.
    func pushWrite<Field>(_ field: Field) -> (title: String, write: FieldWrite<Field>) {
        (itemTitle ?? itemId, FieldWrite(itemId: itemId, changeId: id, field: field, base: base(), value: proposed))
    }
}

/// Push and undo runs over any target: the run's row, chunks, the summary.
enum PushRun {
    /// `accepted`: the accepted changes, read again once an interrupted run is settled (which
    /// marks what it applied pushed, and gives what it left between its steps a new base).
    static func push<A: PushAdapter>(_ engine: PushEngine<A>, options: PushOptions,
                                     accepted: () throws -> [(title: String, write: FieldWrite<A.Field>)]) async throws -> PushSummary {
        let started = Date()
        let requestsBefore = engine.adapter.requestCount
        var summary = PushSummary()
        var changes = try accepted()
        // Nothing accepted and no interrupted run to settle: nothing to ask the server either.
        if changes.isEmpty, try engine.mirror.journalEntries(states: JournalState.open, target: engine.adapter.target).isEmpty {
            if !options.dryRun { try engine.mirror.closeInterruptedPushRuns(target: engine.adapter.target) }
            return summary
        }
        try await engine.adapter.requireWritePermission()
        if !options.dryRun {
            summary.reconciled = try await engine.reconcile(chunkSize: options.chunkSize)
            if summary.reconciled > 0 { changes = try accepted() }
        }

        var order: [String] = []
        var byItem: [String: [FieldWrite<A.Field>]] = [:]
        var titles: [String: String] = [:]
        for c in changes {
            if byItem[c.write.itemId] == nil { order.append(c.write.itemId) }
            byItem[c.write.itemId, default: []].append(c.write)
            titles[c.write.itemId] = c.title
        }
        if let limit = options.limit { order = Array(order.prefix(max(0, limit))) }
        guard !order.isEmpty else {
            summary.requests = engine.adapter.requestCount - requestsBefore
            return summary
        }
        let chunks = PushEngine<A>.chunked(order, size: options.chunkSize).map { $0.flatMap { byItem[$0] ?? [] } }
        return try await run(engine, kind: .push, undoes: nil, chunks: chunks, dryRun: options.dryRun, summary: summary,
                             started: started, requestsBefore: requestsBefore, redactor: options.redactor) { titles[$0] ?? $0 }
    }

    static func undo<A: PushAdapter>(_ engine: PushEngine<A>, runId: Int64?, dryRun: Bool, options: PushOptions,
                                     title: (String) -> String) async throws -> PushSummary {
        let started = Date()
        let requestsBefore = engine.adapter.requestCount
        try await engine.adapter.requireWritePermission()
        let mirror = engine.mirror
        let server = engine.adapter.target
        guard let target = try runId ?? mirror.lastUndoablePushRun(target: server) else {
            throw WorkflowError(summary: "there is no push to \(server.serverName) to undo", hint: "`shelfmirror history` lists the push runs.", kind: .usage)
        }
        guard let run = try mirror.pushRun(id: target), run.kind == .push else {
            throw WorkflowError(summary: "push run \(target) does not exist", hint: "`shelfmirror history` lists the push runs.", kind: .usage)
        }
        guard run.target == server else {
            throw WorkflowError(summary: "push run \(target) wrote \(run.target.serverName), not \(server.serverName)",
                                hint: "`shelfmirror undo \(target)` reverts it on the server it wrote.", kind: .usage)
        }
        let entries = try mirror.journalEntries(runId: target, states: [.applied])
        guard !entries.isEmpty else {
            throw WorkflowError(summary: "push run \(target) has nothing left to undo", hint: "`shelfmirror history \(target)` shows what it did.", kind: .usage)
        }
        let writes = PushProtocol.undoWrites(entries.compactMap { e -> PushProtocol.AppliedEntry<A.Field>? in
            guard let id = e.id, let field = A.Field(rawValue: e.field) else { return nil }
            return PushProtocol.AppliedEntry(id: id, itemId: e.itemId, changeId: e.changeId, field: field, before: e.beforeValue,
                                             after: e.afterValue, afterRaw: e.recordedAfterRaw)
        })
        var byItem: [String: [FieldWrite<A.Field>]] = [:]
        for w in writes { byItem[w.itemId, default: []].append(w) }
        let ids = PushEngine<A>.unique(writes.map(\.itemId))
        let chunks = PushEngine<A>.chunked(ids, size: options.chunkSize).map { $0.flatMap { byItem[$0] ?? [] } }
        return try await self.run(engine, kind: .undo, undoes: target, chunks: chunks, dryRun: dryRun, summary: PushSummary(),
                                  started: started, requestsBefore: requestsBefore, redactor: options.redactor, title: title)
    }

    private static func run<A: PushAdapter>(_ engine: PushEngine<A>, kind: RunKind, undoes: Int64?, chunks: [[FieldWrite<A.Field>]],
                                            dryRun: Bool, summary: PushSummary, started: Date, requestsBefore: Int,
                                            redactor: Redactor, title: (String) -> String) async throws -> PushSummary {
        var summary = summary
        let mirror = engine.mirror
        let runId = dryRun ? nil : try mirror.beginPushRun(kind: kind, undoes: undoes, server: engine.adapter.serverURL,
                                                           target: engine.adapter.target)
        summary.runId = runId
        func finish(_ error: Error?) throws {
            summary.requests = engine.adapter.requestCount - requestsBefore
            summary.seconds = Date().timeIntervalSince(started)
            guard let runId else { return }
            try mirror.finishPushRun(id: runId, items: summary.items, pushed: summary.pushed, conflicts: summary.conflicts,
                                     failed: summary.failed, requests: summary.requests,
                                     error: error.map { redactor.scrub(($0 as? UserFacingError)?.summary ?? String(describing: $0)) })
        }
        do {
            for chunk in chunks {
                let mode: PushEngine<A>.Mode = runId.map { .run(id: $0, kind: kind) } ?? .dryRun
                summary.add(try await engine.apply(chunk, mode: mode), title: title)
            }
        } catch {
            try? finish(error)
            throw error
        }
        try finish(nil)
        return summary
    }
}

extension PushSummary {
    /// Counts an outcome in, with its problems named by item title.
    mutating func add<A: PushAdapter>(_ outcome: PushEngine<A>.Outcome, title: (String) -> String) {
        items += outcome.items
        pushed += outcome.applied.count
        conflicts += outcome.conflicts.count
        failed += outcome.failed.count + outcome.unsettled.count
        deferred += outcome.deferred.count
        planned += outcome.planned
        for (w, reason) in outcome.conflicts + outcome.failed + outcome.unsettled + outcome.deferred {
            problems.append((title(w.itemId), w.field.rawValue, reason))
        }
        applied += outcome.applied.map { (title($0.itemId), $0.field.rawValue) }
        for (w, notice) in outcome.notices {
            notices.append((title(w.itemId), w.field.rawValue, notice))
        }
    }
}

/// `push --target hardcover`: the accepted listening-state changes to the Hardcover user's
/// library, by the same engine. The token's write access is probed before anything is sent; all
/// items go in one chunk, so a push costs one probe, ⌈books/500⌉ requests to read the books'
/// user books, and the mutations, five a request, in at most three waves (verified by their own
/// answers).
public enum HardcoverPushWorkflow {
    public static func run(mirror: Mirror, client: HardcoverClient, options: PushOptions = PushOptions()) async throws -> PushSummary {
        var options = options
        options.chunkSize = Int.max
        let engine = PushEngine(adapter: HardcoverPushAdapter(client: client, books: try books(mirror)), mirror: mirror)
        return try await PushRun.push(engine, options: options) {
            try mirror.changeRows(itemIds: options.itemIds, targets: [.hardcover], statuses: [.accepted]).compactMap { c in c.field.listening.map(c.pushWrite) }
        }
    }

    /// Reverts a Hardcover push run: user books it created deleted, reads it added deleted,
    /// fields it changed restored; a value changed on Hardcover since is a conflict.
    public static func undo(mirror: Mirror, client: HardcoverClient, runId: Int64?, dryRun: Bool = false,
                            options: PushOptions = PushOptions()) async throws -> PushSummary {
        var options = options
        options.chunkSize = Int.max
        let engine = PushEngine(adapter: HardcoverPushAdapter(client: client, books: try books(mirror)), mirror: mirror)
        let titles = try mirror.itemTitles()
        return try await PushRun.undo(engine, runId: runId, dryRun: dryRun, options: options) { titles[$0] ?? $0 }
    }

    /// Each item's book and audiobook edition, as its latest Hardcover change names them.
    static func books(_ mirror: Mirror) throws -> [String: (book: Int, edition: Int?)] {
        var out: [String: (id: Int64, book: Int, edition: Int?)] = [:]
        for c in try mirror.changeRows(targets: [.hardcover], statuses: Set(ChangeStatus.allCases)) {
            guard let book = c.bookId, (out[c.itemId]?.id ?? -1) < c.id else { continue }
            out[c.itemId] = (c.id, book, c.editionId)
        }
        return out.mapValues { ($0.book, $0.edition) }
    }
}
