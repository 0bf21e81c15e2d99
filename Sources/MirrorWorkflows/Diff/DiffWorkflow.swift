import Foundation
import MirrorCore
import MirrorStore

public struct DiffSummary: Sendable {
    public var items: Int
    /// Open proposals after the refresh.
    public var open: Int
    public var new: Int
    public var superseded: Int
}

/// `diff`'s first step: the proposals of every item, brought in step with the mirror. From the
/// matched book and edition (auto, needs review or confirmed matches) and from the files' tags;
/// an ignored item gets none. A proposal whose base or value changed since it was made (ABS or
/// Hardcover data changed) supersedes the old one, and the old decision no longer applies.
public enum DiffWorkflow {
    public static func refresh(mirror: Mirror, policy: DiffPolicy = DiffPolicy(), itemIds: Set<String>? = nil) throws -> DiffSummary {
        let subjects = try mirror.diffSubjects(itemIds: itemIds)
        var proposals: [String: [StoredProposal]] = [:]
        for s in subjects {
            let made = s.ignored ? [] : Differ.proposals(current: s.current, hardcover: s.hardcover, tags: s.tags, policy: policy)
            // Each with the field as the server holds it: the base push checks.
            proposals[s.itemId] = made.map { p in
                let fromBook = p.source == .hardcover
                return StoredProposal(field: .abs(p.field), current: p.current?.json, currentRaw: s.metadata.raw(p.field),
                                      proposed: p.proposed.json, source: p.source, action: p.action,
                                      bookId: fromBook ? s.match?.bookId : nil, editionId: fromBook ? s.match?.editionId : nil)
            }
        }
        let (new, superseded) = try mirror.reconcileChanges(proposals, target: .abs)
        let open = try mirror.changeRows(itemIds: itemIds, targets: [.abs]).count
        return DiffSummary(items: subjects.count, open: open, new: new, superseded: superseded)
    }
}
