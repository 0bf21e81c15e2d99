import Foundation
import MirrorCore
import MirrorStore

/// What a decision made from a page came to.
public enum PageDecision: Sendable, Equatable {
    case decided
    /// The proposal changed since the page showed it (another tab, a CLI command, a refresh):
    /// nothing was written.
    case stale(now: ChangeRow)
    case missing
    /// Pushed, superseded, failed or in conflict: it cannot be decided any more.
    case closed(now: ChangeRow)
    /// The edited value is not usable for the field: what it must be.
    case invalid(rule: String)
}

/// The decisions `serve` makes: the same rows `accept`, `reject` and `review` write, made from
/// a page rendered earlier, so each applies only while the proposals are as the page showed
/// them (`ChangeRow.version`).
public enum PageDecisions {
    /// Accepts or rejects proposals, all or none.
    public static func decide(_ status: ChangeStatus, _ versions: [(changeId: Int64, version: String)], mirror: Mirror) throws -> PageDecision {
        precondition(status == .accepted || status == .rejected, "accept or reject")
        return outcome(try mirror.decide(versions, status: status))
    }

    /// The user's own value for one proposal, as typed ("A, B", "Series #2"); accepted.
    public static func edit(changeId: Int64, version: String, text: String, mirror: Mirror) throws -> PageDecision {
        guard let row = try mirror.changeRow(id: changeId) else { return .missing }
        // Out of date first: the value was typed against what the page showed.
        guard row.version == version else { return .stale(now: row) }
        guard let json = FieldText.json(row.field, text: text) else { return .invalid(rule: FieldText.rule(row.field)) }
        return outcome(try mirror.decide([(changeId, version)], status: .accepted, proposedJSON: json))
    }

    /// Links the item to another book (its best audiobook edition unless `editionId`), then
    /// proposes again from it, as `review`'s "other book" does.
    public static func link(itemId: String, bookId: Int, editionId: Int? = nil, mirror: Mirror,
                            policy: DiffPolicy, listening: ListeningPolicy) throws -> Linking.Outcome {
        let outcome = try Linking.link(mirror: mirror, itemId: itemId, bookId: bookId, editionId: editionId)
        if case .linked = outcome {
            _ = try DiffWorkflow.refresh(mirror: mirror, policy: policy, itemIds: [itemId])
            _ = try ListeningDiffWorkflow.refresh(mirror: mirror, policy: listening, itemIds: [itemId])
        }
        return outcome
    }

    /// One proposal as it is now, whatever its status.
    public static func row(_ id: Int64, mirror: Mirror) throws -> ChangeRow? {
        try mirror.changeRow(id: id)
    }

    private static func outcome(_ checked: CheckedDecision) -> PageDecision {
        switch checked {
        case .decided: .decided
        case .changed(let now): .stale(now: now)
        case .missing: .missing
        case .closed(let now): .closed(now: now)
        }
    }
}
