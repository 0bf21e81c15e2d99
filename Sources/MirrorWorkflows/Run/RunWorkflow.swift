import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

/// What `run` does besides the settings: push or not, the time zone of Hardcover dates, and
/// how it spends Hardcover's quota.
public struct RunOptions: Sendable {
    public var push = false
    public var listening = ListeningPolicy()
    public var pacing = HardcoverPacing()

    public init(push: Bool = false, listening: ListeningPolicy = ListeningPolicy(), pacing: HardcoverPacing = HardcoverPacing()) {
        self.push = push
        self.listening = listening
        self.pacing = pacing
    }
}

/// One step of a run, as it is logged: a line for people and the figures for log collectors.
public struct RunStepLog: Sendable {
    public var step: String
    public var message: String
    public var figures: [String: Int]
    public var error: String?
}

/// What a run did, step by step and per target: the summary `run` prints, writes
/// (`--summary-json`) and sends (`--notify`). Keys are snake_case in JSON.
public struct RunSummary: Sendable, Codable, Equatable {
    public struct ABSSyncPart: Sendable, Codable, Equatable {
        public var items = 0, new = 0, changed = 0, removed = 0, requests = 0
        public var progress = 0
    }
    public struct HardcoverSyncPart: Sendable, Codable, Equatable {
        public var lookedUp = 0, booksFetched = 0, requests = 0
        public var libraryBooks: Int?
        public var stopped: String?
    }
    public struct ScanPart: Sendable, Codable, Equatable {
        public var files = 0, new = 0, changed = 0, errors = 0, unreachable = 0
    }
    public struct MatchPart: Sendable, Codable, Equatable {
        public var items = 0, scored = 0, auto = 0, needsReview = 0, unmatched = 0
    }
    public struct DiffPart: Sendable, Codable, Equatable {
        public var new = 0, superseded = 0, pending = 0
    }
    public struct PushPart: Sendable, Codable, Equatable {
        public var run: Int64?
        public var pushed = 0, conflicts = 0, failed = 0, deferred = 0, requests = 0
        /// What was pushed: "title — field", the first 200.
        public var changes: [String] = []
        /// What went wrong: "title — field: reason".
        public var problems: [String] = []
    }
    public struct Waiting: Sendable, Codable, Equatable {
        /// Proposals a person has to decide, per target.
        public var abs = 0, hardcover = 0
        /// Items listened to that cannot go to Hardcover (`gaps`).
        public var gaps = 0
    }
    public struct Failure: Sendable, Codable, Equatable {
        public var step: String
        public var message: String
    }
    public struct NotificationPart: Sendable, Codable, Equatable {
        public var sent: Bool
        public var error: String?
    }

    public var startedAt: String
    public var finishedAt = ""
    /// "ok" or "failed".
    public var status = "ok"
    public var syncAbs: ABSSyncPart?
    public var syncHardcover: HardcoverSyncPart?
    public var scan: ScanPart?
    public var match: MatchPart?
    public var diff: [String: DiffPart] = [:]
    public var accepted: [String: Int] = [:]
    public var push: [String: PushPart] = [:]
    public var waiting = Waiting()
    public var errors: [Failure] = []
    /// Whether `--notify` delivered it (nil: no notification was due).
    public var notification: NotificationPart?

    /// Whether anything happened worth telling: something new, decided, pushed or failed.
    public var happened: Bool {
        !errors.isEmpty || accepted.values.contains { $0 > 0 } || push.values.contains { $0.pushed + $0.conflicts + $0.failed > 0 }
            || diff.values.contains { $0.new > 0 } || (syncAbs.map { $0.new + $0.changed + $0.removed > 0 } ?? false)
    }

    /// One line for people: what the run did and what waits.
    public var line: String {
        var parts: [String] = []
        if let s = syncAbs { parts.append("synced \(s.items) items (\(s.new) new, \(s.changed) changed)") }
        let new = diff.values.reduce(0) { $0 + $1.new }
        parts.append("\(new) new proposals")
        let took = accepted.values.reduce(0, +)
        parts.append("accepted \(took)")
        let pushed = push.values.reduce(0) { $0 + $1.pushed }
        if !push.isEmpty { parts.append("pushed \(pushed)" + (push.values.contains { $0.conflicts + $0.failed > 0 } ? " (with problems)" : "")) }
        parts.append("\(waiting.abs + waiting.hardcover) wait for you")
        if waiting.gaps > 0 { parts.append("\(waiting.gaps) not on Hardcover") }
        if !errors.isEmpty { parts.append("\(errors.count) failed: " + errors.map { "\($0.step): \($0.message)" }.joined(separator: "; ")) }
        return "shelfmirror run " + (status == "ok" ? "ok" : "failed") + ": " + parts.joined(separator: ", ")
    }

    /// As JSON, keys sorted and snake_case.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// How a run's notification is shaped: `json` (a generic webhook), `ntfy`, `apprise`.
public typealias NotificationFormat = MirrorRemote.NotificationFormat

/// `run`: the whole cycle for a timer — sync → scan (the synced items' files that are here) →
/// match → diff → accept by the policy → push (only when asked) — each step logged, a failed
/// step recorded and the offline steps still done; nothing is pushed after a failed sync.
public enum RunWorkflow {
    /// The mirror, for writing; another process writing it is "try later" (75): a timer's next
    /// run goes on.
    public static func openMirror(_ settings: Settings) throws -> Mirror {
        do {
            return try settings.openMirror()
        } catch let e as StoreError {
            guard case .busy(let pid) = e.code else { throw e }
            throw WorkflowError(summary: "another shelfmirror is writing the mirror" + (pid.map { " (process \($0))" } ?? "")
                                    + ": this run stops here", hint: "The next run goes on; nothing was done.", kind: .rateLimited)
        }
    }

    /// Sends the summary to `url` when something happened or failed (or `always`), and records
    /// in the summary whether it was delivered. A notification that fails never fails the run.
    public static func notify(_ summary: inout RunSummary, url: String, format: NotificationFormat, always: Bool) async {
        guard always || summary.happened else { return }
        let ok = summary.status == "ok"
        let note = RunNotification(title: ok ? "shelfmirror: run done" : "shelfmirror: run failed", message: summary.line,
                                   json: summary.json, failed: !ok)
        let problem = await Notifier.send(note, to: url, format: format)
        summary.notification = .init(sent: problem == nil, error: problem)
    }
    public static func run(mirror: Mirror, settings: Settings, options: RunOptions,
                           log: (RunStepLog) -> Void) async -> (summary: RunSummary, error: UserFacingError?) {
        var summary = RunSummary(startedAt: ISO8601.now())
        var firstError: UserFacingError?
        func failed(_ step: String, _ error: Error) {
            let e = error as? UserFacingError ?? WorkflowError(summary: String(describing: error), hint: nil, kind: .failure)
            let message = settings.redactor.scrub(e.summary)
            summary.errors.append(.init(step: step, message: message))
            firstError = firstError ?? e
            log(RunStepLog(step: step, message: "failed: \(message)", figures: [:], error: message))
        }

        // 1. Sync: AudiobookShelf, then Hardcover when a token is set.
        var synced = true
        do {
            let abs = try await ABSSync.run(mirror: mirror, server: try Connections.audiobookshelfServer(settings))
            let part = RunSummary.ABSSyncPart(items: abs.counts.listed, new: abs.counts.new, changed: abs.counts.changed,
                                              removed: abs.counts.removed, requests: abs.requests, progress: abs.progress.stored)
            summary.syncAbs = part
            log(RunStepLog(step: "sync-abs", message: "AudiobookShelf: \(part.items) items (\(part.new) new, \(part.changed) changed, "
                + "\(part.removed) removed), \(part.progress) with your progress; \(part.requests) requests",
                figures: ["items": part.items, "new": part.new, "changed": part.changed, "removed": part.removed, "requests": part.requests]))
        } catch {
            synced = false
            failed("sync-abs", error)
        }
        if synced, settings.hardcoverToken != nil {
            do {
                let hc = try await HardcoverSync.run(mirror: mirror, server: try Connections.hardcoverServer(settings, pacing: options.pacing))
                let part = RunSummary.HardcoverSyncPart(lookedUp: hc.lookedUp, booksFetched: hc.booksFetched, requests: hc.requests,
                                                        libraryBooks: hc.library?.books, stopped: hc.stopped.map { String(describing: $0) })
                summary.syncHardcover = part
                log(RunStepLog(step: "sync-hardcover", message: "Hardcover: \(part.lookedUp) looked up, \(part.booksFetched) books fetched, "
                    + (part.libraryBooks.map { "your library read again (\($0) books), " } ?? "") + "\(part.requests) requests"
                    + (part.stopped.map { "; stopped: \($0)" } ?? ""),
                    figures: ["looked_up": part.lookedUp, "books_fetched": part.booksFetched, "requests": part.requests]))
            } catch {
                synced = false
                failed("sync-hardcover", error)
            }
        }

        // 2. Scan the synced items' files that this machine reaches.
        do {
            let scan = try ScanWorkflow.runForItems(mirror: mirror, pathMaps: settings.pathMaps.value)
            let counts = scan.scan?.counts
            let part = RunSummary.ScanPart(files: scan.files, new: counts?.new ?? 0, changed: counts?.changed ?? 0,
                                           errors: counts?.errors ?? 0, unreachable: scan.unreachable)
            summary.scan = part
            log(RunStepLog(step: "scan", message: "files: \(part.files) (\(part.new) new, \(part.changed) changed, \(part.errors) unreadable, "
                + "\(part.unreachable) not on this machine)",
                figures: ["files": part.files, "new": part.new, "changed": part.changed, "errors": part.errors, "unreachable": part.unreachable]))
        } catch let e as UserFacingError where e.kind == .noInput {
            log(RunStepLog(step: "scan", message: "skipped: \(e.summary)", figures: [:]))
        } catch {
            failed("scan", error)
        }

        // 3. Match, 4. diff, 5. accept: offline.
        do {
            var matchOptions = MatchOptions()
            matchOptions.config = settings.matchConfig
            let match = try MatchWorkflow.run(mirror: mirror, options: matchOptions)
            let part = RunSummary.MatchPart(items: match.items, scored: match.scored, auto: match.byStatus[.auto] ?? 0,
                                            needsReview: match.byStatus[.needsReview] ?? 0, unmatched: match.byStatus[.unmatched] ?? 0)
            summary.match = part
            log(RunStepLog(step: "match", message: "\(part.items) items, \(part.scored) scored again",
                           figures: ["items": part.items, "scored": part.scored]))

            let listing = try ChangeListing.run(mirror: mirror, policy: settings.diffPolicy, listening: options.listening,
                                                itemIds: nil, fields: nil, statuses: [.pending])
            for target in PushTarget.allCases {
                let refreshed: (new: Int, superseded: Int)? = switch target {
                case .abs: listing.refresh.map { ($0.new, $0.superseded) }
                case .hardcover: listing.listening.map { ($0.new, $0.superseded) }
                }
                let part = RunSummary.DiffPart(new: refreshed?.new ?? 0, superseded: refreshed?.superseded ?? 0,
                                               pending: listing.rows.filter { $0.target == target }.count)
                summary.diff[target.rawValue] = part
            }
            log(RunStepLog(step: "diff", message: PushTarget.allCases.map { t in
                let p = summary.diff[t.rawValue] ?? .init()
                return "\(t.serverName): \(p.new) new, \(p.pending) pending"
            }.joined(separator: "; "), figures: Dictionary(uniqueKeysWithValues: PushTarget.allCases.map { ("\($0.rawValue)_new", summary.diff[$0.rawValue]?.new ?? 0) })))

            let accepted = try AutoAccept.apply(mirror: mirror, policy: settings.autoPolicy)
            for target in PushTarget.allCases { summary.accepted[target.rawValue] = accepted.accepted(target) }
            log(RunStepLog(step: "accept", message: settings.autoPolicy.isEmpty
                ? "nothing: config.toml names nothing under [auto] (run --explain-policy)"
                : PushTarget.allCases.map { "\($0.serverName): \(accepted.accepted($0)) accepted" }.joined(separator: "; "),
                figures: Dictionary(uniqueKeysWithValues: PushTarget.allCases.map { ("\($0.rawValue)_accepted", accepted.accepted($0)) })))
        } catch {
            failed("decide", error)
        }

        // 6. Push what is accepted, when asked, after a sync that worked.
        if options.push || settings.autoPolicy.push {
            if !synced {
                log(RunStepLog(step: "push", message: "skipped: the sync failed, so nothing is sent on a stale mirror", figures: [:]))
            } else {
                do {
                    for target in try PushHistory.targetsWithAcceptedChanges(mirror: mirror) {
                        do {
                            let s: PushSummary = switch target {
                            case .abs: try await PushWorkflow.run(mirror: mirror, settings: settings)
                            case .hardcover: try await HardcoverPushWorkflow.run(mirror: mirror, settings: settings, pacing: options.pacing)
                            }
                            let part = RunSummary.PushPart(run: s.runId, pushed: s.pushed, conflicts: s.conflicts, failed: s.failed,
                                                           deferred: s.deferred, requests: s.requests,
                                                           changes: s.applied.prefix(200).map { "\($0.item) — \($0.field)" },
                                                           problems: s.problems.map { "\($0.item) — \($0.field): \($0.reason)" })
                            summary.push[target.rawValue] = part
                            log(RunStepLog(step: "push-\(target.rawValue)", message: "\(target.serverName): \(part.pushed) pushed, "
                                + "\(part.conflicts) conflicts, \(part.failed) failed, \(part.deferred) for the next run; \(part.requests) requests",
                                figures: ["pushed": part.pushed, "conflicts": part.conflicts, "failed": part.failed, "requests": part.requests]))
                        } catch {
                            failed("push-\(target.rawValue)", error)
                        }
                    }
                } catch {
                    failed("push", error)
                }
            }
        }

        // 7. What waits for a person.
        if let pending = try? mirror.changeRows(statuses: [.pending]) {
            summary.waiting.abs = pending.filter { $0.target == .abs }.count
            summary.waiting.hardcover = pending.filter { $0.target == .hardcover }.count
        }
        summary.waiting.gaps = (try? mirror.hardcoverGapCount()) ?? 0
        summary.finishedAt = ISO8601.now()
        summary.status = summary.errors.isEmpty ? "ok" : "failed"
        return (summary, firstError)
    }
}
