import Foundation
import MirrorCore
import MirrorStore

/// An item with listening state that cannot reach Hardcover, as `gaps` lists it.
public typealias HardcoverGap = MirrorStore.HardcoverGap

extension Reading {
    /// What `gaps` shows ("Not on Hardcover"): the items with the current AudiobookShelf user's
    /// listening state that no push can write to Hardcover, each with the reason and the next
    /// step, by reason, then title.
    public static func hardcoverGaps(mirror: Mirror) throws -> [HardcoverGap] {
        try mirror.hardcoverGaps()
    }
}
