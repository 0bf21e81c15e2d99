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
        // connection (WAL lets them read while this one writes); results are stored here.
        let readers = try readConnections(for: mirror, workers: options.workers)
        for start in stride(from: 0, to: open.count, by: max(1, options.chunkSize)) {
            let chunk = Array(open[start..<min(start + options.chunkSize, open.count)])
            let slices = stride(from: 0, to: chunk.count, by: max(1, (chunk.count + readers.count - 1) / readers.count)).map {
                Array(chunk[$0..<min($0 + (chunk.count + readers.count - 1) / readers.count, chunk.count)])
            }
            let outcome = Outcome(count: slices.count)
            DispatchQueue.concurrentPerform(iterations: slices.count) { n in
                do {
                    var scored: [Scored] = []
                    let forms = NormalForms()
                    for input in try CandidateGathering.inputs(slices[n], mirror: readers[n]) {
                        let fingerprint = Fingerprint.of([input.fingerprint, configKey])
                        if !options.rematch, states[input.item.itemId]?.fingerprint == fingerprint {
                            scored.append(Scored(result: nil, fingerprint: fingerprint, titles: [:]))
                            continue
                        }
                        let result = Matcher.match(input.item, candidates: input.candidates, config: options.config, forms: forms)
                        let titles = Dictionary(input.candidates.map { ($0.book.id, $0.book.title) }, uniquingKeysWith: { a, _ in a })
                        scored.append(Scored(result: result, fingerprint: fingerprint, titles: titles))
                    }
                    outcome.set(n, .success(scored))
                } catch {
                    outcome.set(n, .failure(error))
                }
            }
            var results: [(result: MatchResult, fingerprint: String, titles: [Int: String])] = []
            for part in outcome.parts {
                for s in try part.get() {
                    guard let result = s.result else {
                        summary.unchanged += 1
                        continue
                    }
                    summary.byStatus[result.status, default: 0] += 1
                    results.append((result, s.fingerprint, s.titles))
                }
            }
            try mirror.saveMatches(results)
            summary.scored += results.count
            done += chunk.count
            progress(MatchProgress(done: done, total: items.count))
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
    struct Scored: Sendable {
        /// nil: unchanged since it was scored.
        var result: MatchResult?
        var fingerprint: String
        var titles: [Int: String]
    }

    /// The workers' results, slot by slot.
    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<[Scored], Error>]
        init(count: Int) { slots = Array(repeating: .success([]), count: count) }
        func set(_ n: Int, _ value: Result<[Scored], Error>) { lock.withLock { slots[n] = value } }
        var parts: [Result<[Scored], Error>] { lock.withLock { slots } }
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
