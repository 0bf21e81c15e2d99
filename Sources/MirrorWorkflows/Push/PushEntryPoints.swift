import MirrorCore
import MirrorRemote
import MirrorStore

// What `push`, `undo` and `history` call: the server comes from the settings, and the settings'
// secrets are scrubbed from what a failed run stores.

extension PushWorkflow {
    /// Connects to AudiobookShelf from `settings` (throwing the missing-setting error when it is
    /// not set up), then pushes as `run(mirror:client:options:)` does.
    public static func run(mirror: Mirror, settings: Settings, options: PushOptions = PushOptions()) async throws -> PushSummary {
        let server = try Connections.audiobookshelfServer(settings)
        var options = options
        options.redactor = settings.redactor
        return try await run(mirror: mirror, client: server.client, options: options)
    }
}

extension UndoWorkflow {
    /// Reverts push run `runId` (nil: the last one that changed something) on the AudiobookShelf
    /// the settings name.
    public static func run(mirror: Mirror, settings: Settings, runId: Int64?, dryRun: Bool = false) async throws -> PushSummary {
        let server = try Connections.audiobookshelfServer(settings)
        var options = PushOptions()
        options.redactor = settings.redactor
        return try await run(mirror: mirror, client: server.client, runId: runId, dryRun: dryRun, options: options)
    }
}

extension HardcoverPushWorkflow {
    /// Connects to Hardcover from `settings` with sync's pacing and daily budget, then pushes as
    /// `run(mirror:client:options:)` does.
    public static func run(mirror: Mirror, settings: Settings, pacing: HardcoverPacing = HardcoverPacing(),
                           options: PushOptions = PushOptions()) async throws -> PushSummary {
        let server = try Connections.hardcoverServer(settings, pacing: pacing)
        var options = options
        options.redactor = settings.redactor
        return try await run(mirror: mirror, client: server.client, options: options)
    }

    /// Reverts a Hardcover push run (nil: the last one that changed something).
    public static func undo(mirror: Mirror, settings: Settings, runId: Int64?, dryRun: Bool = false,
                            pacing: HardcoverPacing = HardcoverPacing()) async throws -> PushSummary {
        let server = try Connections.hardcoverServer(settings, pacing: pacing)
        var options = PushOptions()
        options.redactor = settings.redactor
        return try await undo(mirror: mirror, client: server.client, runId: runId, dryRun: dryRun, options: options)
    }
}

/// What `history` lists: the push and undo runs, and one run's journal.
public enum PushHistory {
    /// Every push and undo run, the latest first.
    public static func runs(mirror: Mirror) throws -> [PushRunRecord] {
        try mirror.pushRuns()
    }

    /// The targets with accepted changes, AudiobookShelf first: what `push` with no target sends.
    public static func targetsWithAcceptedChanges(mirror: Mirror) throws -> [PushTarget] {
        let rows = try mirror.changeRows(statuses: [.accepted])
        return PushTarget.allCases.filter { t in rows.contains { $0.target == t } }
    }

    /// The target a run wrote; with no run, the one of the last run that changed something.
    public static func target(ofRun runId: Int64?, mirror: Mirror) throws -> PushTarget? {
        guard let id = try runId ?? mirror.lastUndoablePushRun() else { return nil }
        return try mirror.pushRun(id: id)?.target
    }

    /// The last run that changed something (what `undo --last` reverts); nil when there is none.
    public static func lastUndoableRun(mirror: Mirror) throws -> PushRunRecord? {
        try mirror.lastUndoablePushRun().flatMap { try mirror.pushRun(id: $0) }
    }

    /// What run `runId` wrote, field by field; empty when it changed nothing or does not exist.
    public static func journal(runId: Int64, mirror: Mirror) throws -> [JournalRecord] {
        try mirror.journalEntries(runId: runId)
    }
}
