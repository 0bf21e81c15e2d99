import MirrorCore
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

/// What `history` lists: the push and undo runs, and one run's journal.
public enum PushHistory {
    /// Every push and undo run, the latest first.
    public static func runs(mirror: Mirror) throws -> [PushRunRecord] {
        try mirror.pushRuns()
    }

    /// What run `runId` wrote, field by field; empty when it changed nothing or does not exist.
    public static func journal(runId: Int64, mirror: Mirror) throws -> [JournalRecord] {
        try mirror.journalEntries(runId: runId)
    }
}
