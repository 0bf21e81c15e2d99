import Foundation
import MirrorCore
import MirrorStore

/// What `diff` shows: the proposals brought in step with the mirror, then those of the items,
/// fields and statuses asked for.
public enum ChangeListing {
    /// The names `diff --status` takes: `open` (pending and accepted), a status, or `all`.
    public static let statusNames = ["open"] + ChangeStatus.allCases.map(\.rawValue) + ["all"]

    /// The statuses a `--status` name stands for; nil for a name it does not know.
    public static func statuses(named name: String) -> Set<ChangeStatus>? {
        switch name {
        case "open": [.pending, .accepted]
        case "all": Set(ChangeStatus.allCases)
        default: ChangeStatus(rawValue: name).map { [$0] }
        }
    }

    public struct Report: Sendable {
        public var rows: [ChangeRow]
        /// What the refresh of AudiobookShelf's proposals did; nil when not asked for.
        public var refresh: DiffSummary?
        /// What the refresh of Hardcover's did; nil when not asked for.
        public var listening: ListeningDiffWorkflow.Summary?
        /// Items with a proposal shown.
        public var items: Int { Set(rows.map(\.itemId)).count }
        /// Proposals made and superseded by this run's refreshes.
        public var new: Int { (refresh?.new ?? 0) + (listening?.new ?? 0) }
        public var superseded: Int { (refresh?.superseded ?? 0) + (listening?.superseded ?? 0) }
    }

    /// Refreshes the targets' proposals, then lists those asked for.
    public static func run(mirror: Mirror, policy: DiffPolicy, listening: ListeningPolicy = ListeningPolicy(),
                           targets: Set<PushTarget> = Set(PushTarget.allCases), itemIds: Set<String>?, fields: Set<ChangeField>?,
                           statuses: Set<ChangeStatus>) throws -> Report {
        var report = Report(rows: [])
        // The inputs both targets share, read once: neither refresh writes them.
        let shared = itemIds == nil && !targets.isEmpty ? try mirror.diffSharedStamp() : nil
        if targets.contains(.abs) { report.refresh = try DiffWorkflow.refresh(mirror: mirror, policy: policy, itemIds: itemIds, shared: shared) }
        if targets.contains(.hardcover) {
            report.listening = try ListeningDiffWorkflow.refresh(mirror: mirror, policy: listening, itemIds: itemIds, shared: shared)
        }
        report.rows = try mirror.changeRows(itemIds: itemIds, fields: fields, targets: targets, statuses: statuses)
        return report
    }
}
