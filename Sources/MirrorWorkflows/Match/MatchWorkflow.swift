import Foundation
import MirrorCore
import MirrorStore

public struct MatchOptions: Sendable {
    /// Only these items (nil: all).
    public var itemIds: Set<String>?
    /// Score again even the items whose inputs did not change.
    public var rematch = false
    public var config = MatchConfig()
    /// Items per transaction.
    public var chunkSize = 500
    /// Threads gathering candidates and scoring (each with its own read connection).
    public var workers = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))

    public init(itemIds: Set<String>? = nil, rematch: Bool = false, config: MatchConfig = MatchConfig()) {
        self.itemIds = itemIds
        self.rematch = rematch
        self.config = config
    }
}

public struct MatchProgress: Sendable {
    public var done: Int
    public var total: Int
}

public struct MatchSummary: Sendable {
    public var items: Int
    /// Scored this run.
    public var scored: Int
    /// Skipped: nothing they depend on changed since they were scored.
    public var unchanged: Int
    /// Left alone: the user linked, unlinked or ignored them.
    public var pinned: Int
    /// Of the scored items, by outcome.
    public var byStatus: [MatchStatus: Int]
    public var seconds: Double
    /// Items whose candidates were gathered this run (to see whether they changed): every open
    /// item at the first match, after new weights and with `--rematch`; then only the items
    /// something they could depend on changed for (the match journal), none when nothing changed.
    public var gathered: Int = 0
}

/// `match`: scores every item against its candidate books, offline. An item is scored again only
/// when what it depends on changed (its metadata, its candidates, or the weights), and never
/// when the user decided about it.
///
/// A match over every item reads the match journal first (`MatchChanges`): when nothing changed
/// since the last complete match with the same weights, nothing is gathered or scored; when
/// something did, only the items it could reach are gathered. `--rematch`, new weights, a match
/// of some items and the first match gather every item asked for.
public enum MatchWorkflow {
    /// Changes when how candidates are gathered changes: a new version matches every item again.
    static let gatheringVersion = "gathering-2"

    public static func run(mirror: Mirror, options: MatchOptions = MatchOptions(),
                           progress: (MatchProgress) -> Void = { _ in }) throws -> MatchSummary {
        let started = Date()
        let configKey = options.config.fingerprint
        let journalKey = Fingerprint.of([configKey, gatheringVersion, "\(CandidateQueries.defaultFullTextLimit)"])
        // Only a match over every item reads and clears the journal.
        let journal = options.itemIds == nil ? try mirror.matchJournal() : nil
        let incremental = !options.rematch && journal?.fingerprint == journalKey
        let items: [MatchItem]
        if let journal, incremental {
            if journal.isEmpty {
                let totals = try mirror.matchTotals()
                progress(MatchProgress(done: totals.items, total: totals.items))
                return MatchSummary(items: totals.items, scored: 0, unchanged: totals.items - totals.pinned, pinned: totals.pinned,
                                    byStatus: [:], seconds: Date().timeIntervalSince(started), gathered: 0)
            }
            items = try MatchChanges.affectedItems(journal, mirror: mirror)
        } else {
            items = try mirror.matchItems(ids: options.itemIds)
        }
        let states = try mirror.matchStates()
        var summary = MatchSummary(items: items.count, scored: 0, unchanged: 0, pinned: 0, byStatus: [:], seconds: 0)
        let open = items.filter { item in
            guard states[item.itemId]?.pinned == true else { return true }
            summary.pinned += 1
            return false
        }
        summary.gathered = open.count
        var done = summary.pinned
        // Candidates are gathered and scored on every core, each worker with its own read-only
        // connection (WAL lets them read while the writer stores), a few items at a time, so that
        // no core waits for another's slow items. Each batch is stored, in one transaction, by
        // whichever worker comes to it first while the others score the next batch.
        let readers = try readConnections(for: mirror, workers: options.workers)
        // Each worker's normal forms, kept from batch to batch: the same authors, narrators and
        // series come back all through a library.
        let memos = WorkerForms(workers: readers.count)
        var gathered: (matches: [StoredMatch], items: Int)? = nil
        /// A batch is stored: it counts, and progress says so.
        func counted(_ batch: (matches: [StoredMatch], items: Int)) {
            summary.scored += batch.matches.count
            done += batch.items
            progress(MatchProgress(done: done, total: items.count))
        }
        for start in stride(from: 0, to: open.count, by: max(1, options.chunkSize)) {
            let chunk = Array(open[start..<min(start + options.chunkSize, open.count)])
            let size = max(1, chunk.count / (readers.count * slicesPerWorker))
            let slices = stride(from: 0, to: chunk.count, by: size).map { Array(chunk[$0..<min($0 + size, chunk.count)]) }
            let work = Work(slices: slices.count, toStore: gathered?.matches)
            DispatchQueue.concurrentPerform(iterations: readers.count) { w in
                let forms = memos.forms[w]
                while let task = work.next() {
                    switch task {
                    case .store(let matches):
                        work.stored(Result { try mirror.saveMatches(matches) })
                    case .slice(let n):
                        work.scored(n, Result {
                            try score(slices[n], reader: readers[w], forms: forms, states: states, options: options, configKey: configKey)
                        })
                    }
                }
            }
            try work.storeResult.get()
            if let batch = gathered { counted(batch) }
            var matches: [StoredMatch] = []
            for part in work.parts {
                for s in try part.get() {
                    guard let match = s.match else {
                        summary.unchanged += 1
                        continue
                    }
                    summary.byStatus[match.result.status, default: 0] += 1
                    matches.append(match)
                }
            }
            gathered = (matches, chunk.count)
        }
        if let batch = gathered {
            try mirror.saveMatches(batch.matches)
            counted(batch)
        }
        if let journal {
            if incremental {
                // Only the items the changes reached were read: the others are unchanged.
                let totals = try mirror.matchTotals()
                summary.items = totals.items
                summary.pinned = totals.pinned
                summary.unchanged = totals.items - totals.pinned - summary.scored
            }
            try mirror.completeMatch(fingerprint: journalKey, journal: journal)
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }
}

extension MatchWorkflow {
    /// Slices of a batch per worker: enough that one worker's slow items do not keep the others
    /// waiting at the batch's end.
    static let slicesPerWorker = 8

    typealias StoredMatch = (result: MatchResult, fingerprint: String, explanation: String)

    struct Scored: Sendable {
        /// nil: unchanged since it was scored.
        var match: StoredMatch?
    }

    /// Gathers the candidates of `items` through `reader` and scores those whose inputs changed
    /// (all of them with `--rematch`).
    static func score(_ items: [MatchItem], reader: Mirror, forms: NormalForms, states: [String: MatchState],
                      options: MatchOptions, configKey: String) throws -> [Scored] {
        try CandidateGathering.inputs(items, mirror: reader).map { input in
            let fingerprint = Fingerprint.of([input.fingerprint, configKey])
            if !options.rematch, states[input.item.itemId]?.fingerprint == fingerprint {
                return Scored(match: nil)
            }
            let result = Matcher.match(input.item, candidates: input.candidates, config: options.config, forms: forms)
            let titles = Dictionary(input.candidates.map { ($0.book.id, $0.book.title) }, uniquingKeysWith: { a, _ in a })
            return Scored(match: (result, fingerprint, MatchRecord.explanation(of: result, titles: titles)))
        }
    }

    /// One batch's work, handed out to the workers: storing the batch before (first), then its
    /// slices; and what came of each.
    final class Work: @unchecked Sendable {
        enum Task {
            case store([StoredMatch])
            case slice(Int)
        }

        private let lock = NSLock()
        private var toStore: [StoredMatch]?
        private var nextSlice = 0
        private var slots: [Result<[Scored], Error>]
        private var storeOutcome: Result<Void, Error> = .success(())

        init(slices: Int, toStore: [StoredMatch]?) {
            self.toStore = toStore
            slots = Array(repeating: .success([]), count: slices)
        }

        func next() -> Task? {
            lock.withLock {
                if let matches = toStore {
                    toStore = nil
                    return .store(matches)
                }
                guard nextSlice < slots.count else { return nil }
                defer { nextSlice += 1 }
                return .slice(nextSlice)
            }
        }

        func scored(_ n: Int, _ value: Result<[Scored], Error>) { lock.withLock { slots[n] = value } }
        func stored(_ value: Result<Void, Error>) { lock.withLock { storeOutcome = value } }
        var parts: [Result<[Scored], Error>] { lock.withLock { slots } }
        var storeResult: Result<Void, Error> { lock.withLock { storeOutcome } }
    }

    /// One `NormalForms` per worker, kept across batches. Worker `w` uses only `forms[w]`: one
    /// `concurrentPerform` iteration runs on one thread, and a batch's `concurrentPerform` returns
    /// before the next batch's starts, so no two threads ever use the same instance at once.
    final class WorkerForms: @unchecked Sendable {
        let forms: [NormalForms]

        init(workers: Int) {
            forms = (0..<workers).map { _ in NormalForms() }
        }
    }

    /// One read connection per worker; the mirror itself when it has no file (in memory).
    static func readConnections(for mirror: Mirror, workers: Int) throws -> [Mirror] {
        guard mirror.path != ":memory:", workers > 1 else { return [mirror] }
        return try (0..<workers).map { _ in try Mirror.openReadOnly(path: mirror.path) }
    }
}

extension MatchConfig {
    /// Changes whenever a weight or threshold does, so that a rematch follows new settings.
    var fingerprint: String {
        Fingerprint.of(PenaltyKind.allCases.map { "\($0.rawValue)=\(weight($0))" }
            + ["\(strong)", "\(weak)", "\(closeSecond)", "\(durationTolerance)", "\(identifierMismatch)"])
    }
}
