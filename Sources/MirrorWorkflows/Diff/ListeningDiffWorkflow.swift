import Foundation
import MirrorCore
import MirrorStore

/// `diff`'s Hardcover step: the listening-state proposals of every item matched `auto` or
/// `confirmed` whose book has an audiobook edition, brought in step with the mirror (the current
/// AudiobookShelf user's progress against the current Hardcover user's library). As with the
/// metadata, a proposal whose base or value changed since supersedes the old one; an item that
/// is no longer a subject (unmatched, its progress gone) loses its open proposals.
public enum ListeningDiffWorkflow {
    public struct Summary: Sendable, Equatable {
        public var items: Int
        /// Items whose proposals this refresh rebuilt: 0 when nothing they are made from changed
        /// since the last whole refresh (the mirror's stamp is the same), which then did none.
        public var considered: Int
        public var new: Int
        public var superseded: Int
        /// Whose state was compared; nil when the mirror has not read it (`sync` with a token).
        public var absUserId: String?
        public var hardcoverUserId: Int?
    }

    /// `shared`: as for `DiffWorkflow.refresh`.
    public static func refresh(mirror: Mirror, policy: ListeningPolicy, itemIds: Set<String>? = nil, shared: String? = nil) throws -> Summary {
        let shared = itemIds == nil ? try shared ?? mirror.diffSharedStamp() : nil
        let fingerprint = policy.stampFingerprint
        if let shared, let last = try mirror.storedDiffStamp(target: .hardcover),
           try last.stamp == mirror.diffStamp(target: .hardcover, policy: fingerprint, shared: shared) {
            let users = try mirror.listeningUsers()
            return Summary(items: last.items, considered: 0, new: 0, superseded: 0, absUserId: users.abs, hardcoverUserId: users.hardcover)
        }
        let found = try mirror.listeningSubjects(itemIds: itemIds)
        guard found.hardcoverUserId != nil else {
            // Nothing to compare with: the proposals stay as they are.
            return Summary(items: 0, considered: 0, new: 0, superseded: 0, absUserId: found.absUserId, hardcoverUserId: nil)
        }
        var proposals: [String: [StoredProposal]] = [:]
        for id in try mirror.itemsWithDecidableChanges(target: .hardcover) where itemIds?.contains(id) ?? true {
            proposals[id] = []
        }
        for subject in found.subjects {
            proposals[subject.itemId] = ListeningDiffer.proposals(subject, policy: policy).map { p in
                // Hardcover's values are stored as it sends them: the compared base is the raw one.
                StoredProposal(field: .hardcover(p.field), current: p.current, currentRaw: p.current, proposed: p.proposed,
                               source: .progress, action: p.action, bookId: subject.shelf.bookId, editionId: subject.audioEdition)
            }
        }
        let (new, superseded) = try mirror.reconcileChanges(proposals, target: .hardcover)
        // As for the metadata: the stamp after this refresh's own writes; a partial one forgets it.
        let stamp = try shared.map {
            DiffStamp(stamp: try mirror.diffStamp(target: .hardcover, policy: fingerprint, shared: $0), items: found.subjects.count)
        }
        try mirror.recordDiffStamp(stamp, target: .hardcover)
        return Summary(items: found.subjects.count, considered: found.subjects.count, new: new, superseded: superseded,
                       absUserId: found.absUserId, hardcoverUserId: found.hardcoverUserId)
    }
}

extension ListeningPolicy {
    /// The policy as text for the refresh's stamp.
    var stampFingerprint: String {
        "tz=\(timeZone.identifier) gmt=\(timeZone.secondsFromGMT()) owned=\(owned) want=\(wantToRead)"
    }
}
