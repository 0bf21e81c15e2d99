import Foundation
import MirrorCore
import MirrorStore

public typealias LibraryRow = MirrorStore.LibraryRow
public typealias LibraryFilter = MirrorStore.LibraryFilter
public typealias ItemFileTags = MirrorStore.ItemFileTags
public typealias MatchRecord = MirrorStore.MatchRecord
public typealias PushRunRecord = MirrorStore.PushRunRecord
public typealias JournalRecord = MirrorStore.JournalRecord

/// One item as `serve`'s item page shows it: what AudiobookShelf holds, what its files say,
/// its match and the book and edition it names, every candidate scored now, its proposals.
public struct ItemView: Sendable {
    public var itemId: String
    public var metadata: ItemMetadata
    public var files: [ItemFileTags]
    public var stored: MatchRecord?
    public var book: HardcoverBook?
    public var explanation: MatchExplanation?
    /// Every proposal of the item that is not superseded, of both targets.
    public var proposals: [ChangeRow]
}

/// What `serve`'s pages read: the same rows the CLI's commands show.
public enum Browsing {
    /// A page of the library (`LibraryFilter`), and how many items the filter takes.
    public static func library(_ filter: LibraryFilter, mirror: Mirror) throws -> (rows: [LibraryRow], total: Int) {
        try mirror.libraryRows(filter)
    }

    /// nil when the mirror has no such item.
    public static func item(_ itemId: String, mirror: Mirror, config: MatchConfig) throws -> ItemView? {
        guard let metadata = try mirror.itemMetadata(id: itemId) else { return nil }
        let stored = try mirror.storedMatch(itemId: itemId)
        let book = try stored?.bookId.flatMap { try mirror.hardcoverBook(id: $0) }
        let statuses = Set(ChangeStatus.allCases).subtracting([.superseded])
        return ItemView(itemId: itemId, metadata: metadata, files: try mirror.itemFiles(itemId: itemId), stored: stored, book: book,
                        explanation: try MatchExplanation.of(itemId: itemId, mirror: mirror, config: config),
                        proposals: try mirror.changeRows(itemIds: [itemId], statuses: statuses))
    }

    /// A page of the review queue: the items with pending proposals of `targets`, needs-review
    /// matches first, then by title, each with its open and rejected proposals (so a decision
    /// can be changed) and the other books it could be; and how many items the queue has.
    /// `itemIds`: only these items.
    public static func reviewQueue(mirror: Mirror, targets: Set<PushTarget>, offset: Int, limit: Int, config: MatchConfig,
                                   itemIds: Set<String>? = nil) throws -> (items: [ReviewItem], total: Int) {
        let order = try ReviewSession.itemOrder(mirror, targets: targets).filter { itemIds?.contains($0) ?? true }
        let page = order.dropFirst(offset).prefix(limit)
        let rows = try mirror.changeRows(itemIds: Set(page), targets: targets, statuses: ChangeStatus.decidable)
        let byItem = Dictionary(grouping: rows, by: \.itemId)
        var items: [ReviewItem] = []
        for (n, itemId) in page.enumerated() {
            items.append(try ReviewSession.reviewItem(itemId, proposals: byItem[itemId] ?? [], mirror: mirror, config: config,
                                                      position: offset + n + 1, total: order.count))
        }
        return (items, order.count)
    }

    /// How many proposals wait for a decision.
    public static func pendingCount(mirror: Mirror) throws -> Int {
        try mirror.changeCount(status: .pending)
    }
}
