import Foundation
import MirrorCore
import MirrorStore

/// Which proposals a bulk decision (`accept`, `reject`, the demo's policy) acts on.
public struct ChangeSelection: Sendable, Equatable {
    /// Only these items' proposals; nil: every item's.
    public var itemIds: Set<String>?
    /// Only these fields; nil: every field.
    public var fields: Set<ChangeField>?
    /// Only these targets' proposals; nil: both.
    public var targets: Set<PushTarget>?
    /// Only proposals of items whose match scores at least this.
    public var minScore: Double?
    /// Whether `minScore` holds for proposals from the files' tags too. Tags only fill empty
    /// fields, so a policy may take them whatever the match.
    public var scoreTags = true
    /// Only Hardcover proposals from matches in these statuses; nil: any.
    public var matchStatuses: Set<MatchStatus>?
    /// Replacements of non-empty values too; without it only fills are chosen.
    public var replace = false

    public init(itemIds: Set<String>? = nil, fields: Set<ChangeField>? = nil, targets: Set<PushTarget>? = nil, minScore: Double? = nil,
                replace: Bool = false) {
        self.itemIds = itemIds
        self.fields = fields
        self.targets = targets
        self.minScore = minScore
        self.replace = replace
    }

    /// What an unattended run accepts: the proposals of automatic matches scoring at least
    /// `minScore` (fills and replacements), and the fills from the files' tags.
    public static func automatic(minScore: Double) -> ChangeSelection {
        var selection = ChangeSelection(minScore: minScore, replace: true)
        selection.scoreTags = false
        selection.matchStatuses = [.auto]
        return selection
    }

    /// Whether the selection takes this proposal (its item and field already chosen).
    public func chooses(_ row: ChangeRow) -> Bool {
        if let matchStatuses, row.source == .hardcover, !(row.matchStatus.map(matchStatuses.contains) ?? false) { return false }
        if let minScore, scoreTags || row.source != .tags, (row.score ?? -1) < minScore { return false }
        return replace || row.action == .fill
    }
}

/// What a bulk decision did.
public struct DecisionReport: Sendable, Equatable {
    public var status: ChangeStatus
    /// The proposals the decision could apply to: their item and field selected, not so decided yet.
    public var considered: Int
    /// The proposals the selection chose.
    public var chosen: [ChangeRow]
    /// How many of them changed status.
    public var decided: Int
    /// Considered and not chosen: below the score, a replacement without `replace`, another match status.
    public var left: Int { considered - chosen.count }
}

/// The decisions a person (or a policy) makes about proposals: every write `accept`, `reject`,
/// `review` and `import-decisions` ask for goes through here.
public enum Decisions {
    /// Accepts (from pending or rejected) or rejects (from pending or accepted) the selected
    /// proposals.
    public static func decide(_ status: ChangeStatus, _ selection: ChangeSelection, mirror: Mirror) throws -> DecisionReport {
        precondition(status == .accepted || status == .rejected, "accept or reject")
        let from: Set<ChangeStatus> = status == .accepted ? [.pending, .rejected] : [.pending, .accepted]
        let rows = try mirror.changeRows(itemIds: selection.itemIds, fields: selection.fields, targets: selection.targets, statuses: from)
        let chosen = rows.filter(selection.chooses)
        let n = try mirror.decide(changeIds: chosen.map(\.id), status: status)
        return DecisionReport(status: status, considered: rows.count, chosen: chosen, decided: n)
    }

    /// Decisions made in a spreadsheet (the CSV or JSON of `diff`): all or nothing.
    public static func importFile(_ file: URL, mirror: Mirror, targets: Set<PushTarget>? = nil) throws -> DecisionImport.Summary {
        try DecisionImport.apply(file: file, mirror: mirror, targets: targets)
    }
}
