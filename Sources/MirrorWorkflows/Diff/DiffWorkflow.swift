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
        var proposals: [String: [Proposal]] = [:]
        var matches: [String: (bookId: Int?, editionId: Int?)] = [:]
        for s in subjects {
            matches[s.itemId] = (s.match?.bookId, s.match?.editionId)
            let made = s.ignored ? [] : Differ.proposals(current: s.current, hardcover: s.hardcover, tags: s.tags, policy: policy)
            // Each with the field as the server holds it: the base push checks.
            proposals[s.itemId] = made.map { p in
                var p = p
                p.currentRaw = s.metadata.raw(p.field)
                return p
            }
        }
        let (new, superseded) = try mirror.reconcileChanges(proposals, match: matches)
        let open = try mirror.changeRows(itemIds: itemIds).count
        return DiffSummary(items: subjects.count, open: open, new: new, superseded: superseded)
    }
}
