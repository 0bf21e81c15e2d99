import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

public struct PushOptions: Sendable {
    /// Print the requests instead of sending them.
    public var dryRun = false
    /// Only these items (nil: every item with accepted changes).
    public var itemIds: Set<String>?
    /// At most this many items.
    public var limit: Int?
    /// Items per batch/get and per batch/update request.
    public var chunkSize = 250
    /// The secrets to scrub from the error a failed run stores (the settings' redactor).
    public var redactor = Redactor()

    public init(dryRun: Bool = false, itemIds: Set<String>? = nil, limit: Int? = nil) {
        self.dryRun = dryRun
        self.itemIds = itemIds
        self.limit = limit
    }
}

/// A request push sends (or, with --dry-run, would send): never a token.
public struct PlannedRequest: Sendable, Equatable {
    public var method: String
    public var path: String
    /// JSON.
    public var body: String
}

public struct PushSummary: Sendable {
    /// nil for a dry run, or when there was nothing to push.
    public var runId: Int64?
    public var items = 0
    public var pushed = 0
    /// Changes not sent because the server's value is no longer the base.
    public var conflicts = 0
    public var failed = 0
    /// Changes not sent because a request budget was spent: still accepted, the next push sends them.
    public var deferred = 0
    /// Changes of an earlier, interrupted run settled by this one.
    public var reconciled = 0
    public var requests = 0
    /// For a dry run: the requests that would be sent.
    public var planned: [PlannedRequest] = []
    /// What was applied (for a dry run: what would be): item title and field.
    public var applied: [(item: String, field: String)] = []
    /// Why each conflict or failure happened: item title, field, reason.
    public var problems: [(item: String, field: String, reason: String)] = []
    /// What the user should know of fields applied: item title, field, note (an undo that left
    /// an author list empty, as it was before the push).
    public var notices: [(item: String, field: String, note: String)] = []
    public var seconds = 0.0

    public init() {}
}
