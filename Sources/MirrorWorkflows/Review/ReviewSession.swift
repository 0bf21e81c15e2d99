import Foundation
import MirrorCore
import MirrorStore

/// One item as `review` presents it: its match, its open proposals, and the other books it could be.
public struct ReviewItem: Sendable {
    public var itemId: String
    public var title: String?
    public var matchStatus: MatchStatus?
    public var score: Double?
    public var bookId: Int?
    public var bookTitle: String?
    /// Pending proposals, field by field.
    public var proposals: [ChangeRow]
    /// Other candidates, best first: book id, title, authors, score.
    public var alternatives: [(bookId: Int, title: String, authors: [String], score: Double)]
    /// Position in the session, 1-based, and how many items it has.
    public var position: Int
    public var total: Int
}

/// What the user decided about one item.
public enum ReviewChoice: Sendable, Equatable {
    case acceptAll
    /// Accept these fields; reject the item's other proposals.
    case pick(Set<ChangeField>)
    case rejectAll
    case skip
    /// A value of the user's own for a field (as typed: "A, B", "Series #2"); accepted.
    case edit(ChangeField, String)
    /// Link the item to another book; its proposals are made again from it.
    case otherBook(Int)
    case quit
}

/// Asks the user (or a test's script) about each item.
public protocol Decider {
    mutating func decide(_ item: ReviewItem) throws -> ReviewChoice
    /// Something to tell the user (an edit refused, a book not in the mirror).
    mutating func tell(_ message: String)
}

public struct ReviewSummary: Sendable, Equatable {
    public var items = 0
    public var accepted = 0
    public var rejected = 0
    public var edited = 0
    public var skipped = 0
    public var relinked = 0
    /// The session ended by `quit` with items left; running `review` again goes on with them.
    public var quit = false
}

/// `review`: each item with pending proposals, one at a time — needs-review matches first — for
/// the user to accept all, pick fields, reject, skip, edit a value, or choose another book.
/// Every decision is stored at once, so quitting loses nothing and the next `review` goes on
/// with what is left.
public enum ReviewSession {
    public static func run<D: Decider>(mirror: Mirror, decider: inout D, policy: DiffPolicy = DiffPolicy(),
                                       listening: ListeningPolicy = ListeningPolicy(), targets: Set<PushTarget> = Set(PushTarget.allCases),
                                       config: MatchConfig = MatchConfig()) throws -> ReviewSummary {
        func refresh(_ itemIds: Set<String>?) throws {
            if targets.contains(.abs) { _ = try DiffWorkflow.refresh(mirror: mirror, policy: policy, itemIds: itemIds) }
            if targets.contains(.hardcover) { _ = try ListeningDiffWorkflow.refresh(mirror: mirror, policy: listening, itemIds: itemIds) }
        }
        try refresh(nil)
        var summary = ReviewSummary()
        let order = try itemOrder(mirror, targets: targets)
        var position = 0
        for itemId in order {
            position += 1
            var presented = false
            while true {
                let proposals = try mirror.changeRows(itemIds: [itemId], targets: targets, statuses: [.pending])
                guard !proposals.isEmpty else { break }
                if !presented { summary.items += 1; presented = true }
                let item = try reviewItem(itemId, proposals: proposals, mirror: mirror, config: config, position: position, total: order.count)
                switch try decider.decide(item) {
                case .acceptAll:
                    summary.accepted += try mirror.decide(changeIds: proposals.map(\.id), status: .accepted)
                case .pick(let fields):
                    summary.accepted += try mirror.decide(changeIds: proposals.filter { fields.contains($0.field) }.map(\.id), status: .accepted)
                    summary.rejected += try mirror.decide(changeIds: proposals.filter { !fields.contains($0.field) }.map(\.id), status: .rejected)
                case .rejectAll:
                    summary.rejected += try mirror.decide(changeIds: proposals.map(\.id), status: .rejected)
                case .skip:
                    summary.skipped += 1
                case .edit(let field, let text):
                    guard let row = proposals.first(where: { $0.field == field }) else {
                        decider.tell("\(field.rawValue) has no proposal for this item")
                        continue
                    }
                    guard let json = FieldText.json(field, text: text) else {
                        decider.tell("\"\(text)\" is not a usable \(field.rawValue): give \(FieldText.rule(field))")
                        continue
                    }
                    try mirror.editChange(id: row.id, proposedJSON: json)
                    summary.edited += 1
                    continue // the item's other proposals are asked about again
                case .otherBook(let bookId):
                    guard case .linked = try Linking.link(mirror: mirror, itemId: itemId, bookId: bookId) else {
                        decider.tell("book \(bookId) is not in the mirror")
                        continue
                    }
                    try refresh([itemId])
                    summary.relinked += 1
                    continue
                case .quit:
                    summary.quit = true
                    return summary
                }
                break
            }
        }
        return summary
    }

    /// Items with pending proposals: needs review first, then by title.
    static func itemOrder(_ mirror: Mirror, targets: Set<PushTarget>) throws -> [String] {
        let items = try mirror.pendingItems(targets: targets).map { ($0.itemId, $0.needsReview, ($0.title ?? "").lowercased()) }
        return items.sorted { ($0.1 ? 0 : 1, $0.2, $0.0) < ($1.1 ? 0 : 1, $1.2, $1.0) }.map(\.0)
    }

    static func reviewItem(_ itemId: String, proposals: [ChangeRow], mirror: Mirror, config: MatchConfig,
                           position: Int, total: Int) throws -> ReviewItem {
        let stored = try mirror.storedMatch(itemId: itemId)
        var alternatives: [(Int, String, [String], Double)] = []
        if let input = try CandidateGathering.inputs(try mirror.matchItems(ids: [itemId]), mirror: mirror).first {
            let result = Matcher.match(input.item, candidates: input.candidates, config: config)
            let books = Dictionary(input.candidates.map { ($0.book.id, $0.book) }, uniquingKeysWith: { a, _ in a })
            alternatives = result.ranked.filter { $0.bookId != stored?.bookId }.prefix(4).compactMap { c in
                books[c.bookId].map { (c.bookId, $0.title, $0.authors, c.score) }
            }
        }
        let bookTitle = try stored?.bookId.flatMap { try mirror.hardcoverBook(id: $0)?.title }
        return ReviewItem(itemId: itemId, title: proposals.first?.itemTitle, matchStatus: stored?.status, score: stored?.score,
                          bookId: stored?.bookId, bookTitle: bookTitle, proposals: proposals, alternatives: alternatives,
                          position: position, total: total)
    }
}
