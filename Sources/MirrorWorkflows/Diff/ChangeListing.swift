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
        /// What the refresh before the listing did.
        public var refresh: DiffSummary
        /// Items with a proposal shown.
        public var items: Int { Set(rows.map(\.itemId)).count }
    }

    public static func run(mirror: Mirror, policy: DiffPolicy, itemIds: Set<String>?, fields: Set<DiffField>?,
                           statuses: Set<ChangeStatus>) throws -> Report {
        let refresh = try DiffWorkflow.refresh(mirror: mirror, policy: policy, itemIds: itemIds)
        let rows = try mirror.changeRows(itemIds: itemIds, fields: fields, statuses: statuses)
        return Report(rows: rows, refresh: refresh)
    }
}
