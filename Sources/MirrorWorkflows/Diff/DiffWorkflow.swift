import Foundation
import MirrorCore
import MirrorStore

public struct DiffSummary: Sendable {
    public var items: Int
    /// Items whose proposals this refresh rebuilt: 0 when nothing the proposals are made from
    /// changed since the last whole refresh (the mirror's stamp is the same), which then did none.
    public var considered: Int
    /// Open proposals after the refresh.
    public var open: Int
    public var new: Int
    public var superseded: Int
}

/// `diff`'s first step: the proposals of every item, brought in step with the mirror. From the
/// matched book and edition (auto, needs review or confirmed matches) and from the files' tags;
/// an ignored item gets none. A proposal whose base or value changed since it was made (ABS or
/// Hardcover data changed) supersedes the old one, and the old decision no longer applies.
///
/// A whole refresh (no `itemIds`) records the mirror's stamp of its inputs (`Mirror.diffStamp`);
/// the next one, finding the same stamp, has nothing to do and does nothing. `shared`, when
/// given, is `Mirror.diffSharedStamp()` read by this process since its last write other than a
/// refresh's (`ChangeListing` reads it once for both targets).
public enum DiffWorkflow {
    public static func refresh(mirror: Mirror, policy: DiffPolicy = DiffPolicy(), itemIds: Set<String>? = nil,
                               shared: String? = nil) throws -> DiffSummary {
        let whole = itemIds == nil
        let shared = whole ? try shared ?? mirror.diffSharedStamp() : nil
        let fingerprint = policy.stampFingerprint
        if let shared, let last = try mirror.storedDiffStamp(target: .abs),
           try last.stamp == mirror.diffStamp(target: .abs, policy: fingerprint, shared: shared) {
            return DiffSummary(items: last.items, considered: 0, open: try mirror.openChangeCount(target: .abs), new: 0, superseded: 0)
        }
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
        // The writer lock keeps other writers out: the inputs are as they were read, and the stamp
        // now includes this refresh's own proposals. A partial refresh forgets the stamp.
        let stamp = try shared.map { DiffStamp(stamp: try mirror.diffStamp(target: .abs, policy: fingerprint, shared: $0), items: subjects.count) }
        try mirror.recordDiffStamp(stamp, target: .abs)
        let open = whole ? try mirror.openChangeCount(target: .abs) : try mirror.changeRows(itemIds: itemIds, targets: [.abs]).count
        return DiffSummary(items: subjects.count, considered: subjects.count, open: open, new: new, superseded: superseded)
    }
}

extension DiffPolicy {
    /// The policy as text for the refresh's stamp: each field's policy, then the default.
    var stampFingerprint: String {
        DiffField.allCases.map { "\($0.rawValue)=\(policy($0).rawValue)" }.joined(separator: ",")
    }
}
