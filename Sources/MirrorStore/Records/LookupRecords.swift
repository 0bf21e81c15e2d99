import Foundation
import GRDB
import MirrorCore

/// What the mirror offers for looking an item up on Hardcover: its ABS metadata, plus the
/// identifiers found in its files' tags.
public struct LookupInput: Sendable, Equatable {
    public var itemId: String
    public var title: String?
    public var subtitle: String?
    public var authors: [String]
    public var isbns: [String]
    public var asins: [String]

    public var keys: LookupKeys {
        LookupKeys(itemId: itemId, title: title, subtitle: subtitle, authors: authors, isbns: isbns, asins: asins)
    }
}

/// The next pass an item's lookup needs; `done` once it found its candidates (or found nothing).
public enum LookupStage: String, Sendable, Equatable, CaseIterable {
    case identifiers, title, search, done
}

public struct LookupState: Sendable, Equatable {
    public var fingerprint: String
    public var stage: LookupStage
    public var finishedAt: String?
}

/// A book that may be an item's, and how it was found.
public struct CandidateFound: Sendable, Equatable {
    public var itemId: String
    public var bookId: Int
    public var editionId: Int?
    public var method: LookupMethod
    /// The search rank (1 = first hit); nil for the other methods.
    public var rank: Int?

    public init(itemId: String, bookId: Int, editionId: Int? = nil, method: LookupMethod, rank: Int? = nil) {
        self.itemId = itemId
        self.bookId = bookId
        self.editionId = editionId
        self.method = method
        self.rank = rank
    }
}

/// What one answered request taught us, stored in one transaction.
public struct LookupBatch: Sendable {
    /// An item whose lookup moves on: to its next stage, and how it was resolved once `done`.
    public struct Advance: Sendable, Equatable {
        public var itemId: String
        public var stage: LookupStage
        public var resolvedBy: LookupResolution?

        public init(itemId: String, stage: LookupStage, resolvedBy: LookupResolution? = nil) {
            self.itemId = itemId
            self.stage = stage
            self.resolvedBy = resolvedBy
        }
    }

    public var books: [HardcoverBook] = []
    public var editions: [HardcoverEdition] = []
    public var candidates: [CandidateFound] = []
    /// Items whose lookup moves on.
    public var advances: [Advance] = []
    /// Book ids asked for and not returned.
    public var missingBooks: [Int] = []

    public init() {}
}

extension LookupStage: DatabaseValueConvertible {}
extension LookupResolution: DatabaseValueConvertible {}
extension LookupMethod: DatabaseValueConvertible {}
extension HardcoverEdition.ReadingFormat: DatabaseValueConvertible {}

/// A row of `hc_lookup`: where an item's lookup on Hardcover stands.
struct HardcoverLookupRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_lookup"

    enum Columns: String, ColumnExpression {
        case itemId = "item_id", keysFingerprint = "keys_fingerprint", stage, resolvedBy = "resolved_by"
        case startedAt = "started_at", finishedAt = "finished_at", runId = "run_id"
    }

    var itemId: String
    var keysFingerprint: String
    var stage: LookupStage
    var resolvedBy: LookupResolution?
    var startedAt: String
    var finishedAt: String?
    var runId: Int64?

    init(itemId: String, keysFingerprint: String, stage: LookupStage, resolvedBy: LookupResolution?, startedAt: String,
         finishedAt: String?, runId: Int64?) {
        self.itemId = itemId
        self.keysFingerprint = keysFingerprint
        self.stage = stage
        self.resolvedBy = resolvedBy
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.runId = runId
    }

    init(row: Row) throws {
        itemId = row[Columns.itemId]
        keysFingerprint = row[Columns.keysFingerprint]
        stage = row[Columns.stage]
        resolvedBy = row[Columns.resolvedBy]
        startedAt = row[Columns.startedAt]
        finishedAt = row[Columns.finishedAt]
        runId = row[Columns.runId]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.itemId] = itemId
        container[Columns.keysFingerprint] = keysFingerprint
        container[Columns.stage] = stage
        container[Columns.resolvedBy] = resolvedBy
        container[Columns.startedAt] = startedAt
        container[Columns.finishedAt] = finishedAt
        container[Columns.runId] = runId
    }
}

/// A row of `hc_candidate`: a book sync found for an item, and how.
struct HardcoverCandidateRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_candidate"

    enum Columns: String, ColumnExpression {
        case itemId = "item_id", bookId = "book_id", editionId = "edition_id", method, rank, foundAt = "found_at"
    }

    var found: CandidateFound
    var foundAt: String

    init(_ found: CandidateFound, foundAt: String) {
        self.found = found
        self.foundAt = foundAt
    }

    init(row: Row) throws {
        found = CandidateFound(itemId: row[Columns.itemId], bookId: row[Columns.bookId], editionId: row[Columns.editionId],
                               method: row[Columns.method], rank: row[Columns.rank])
        foundAt = row[Columns.foundAt]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.itemId] = found.itemId
        container[Columns.bookId] = found.bookId
        container[Columns.editionId] = found.editionId
        container[Columns.method] = found.method
        container[Columns.rank] = found.rank
        container[Columns.foundAt] = foundAt
    }
}

/// A row of `hc_missing_book`: a book id Hardcover did not return, and when it was asked for.
struct MissingBookRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_missing_book"

    enum Columns: String, ColumnExpression {
        case id, checkedAt = "checked_at"
    }

    var id: Int
    var checkedAt: String

    init(id: Int, checkedAt: String) {
        self.id = id
        self.checkedAt = checkedAt
    }

    init(row: Row) throws {
        id = row[Columns.id]
        checkedAt = row[Columns.checkedAt]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.checkedAt] = checkedAt
    }
}

extension Mirror {
    /// Every present item with its lookup inputs, in a stable order.
    public func hardcoverLookupInputs(ids: Set<String>? = nil) throws -> [LookupInput] {
        // A few items (explain, a page of serve): SQLite finds them; else every row is read once.
        let (only, arguments) = Self.fewIds(ids)
        return try read { db in
            var tagIds: [String: (isbns: [String], asins: [String])] = [:]
            let tags = try Row.fetchCursor(db, sql: """
                SELECT item_id, isbn, asin FROM tag_file
                WHERE item_id IS NOT NULL AND removed_at IS NULL AND (isbn IS NOT NULL OR asin IS NOT NULL)\(only.map { " AND item_id IN \($0)" } ?? "")
                ORDER BY path
                """, arguments: arguments)
            while let row = try tags.next() {
                let id: String = row["item_id"]
                if let isbn: String = row["isbn"] { tagIds[id, default: ([], [])].isbns.append(isbn) }
                if let asin: String = row["asin"] { tagIds[id, default: ([], [])].asins.append(asin) }
            }
            var inputs: [LookupInput] = []
            let items = try Row.fetchCursor(db, sql: """
                SELECT id, title, subtitle, authors_json, isbn, asin FROM abs_item
                WHERE removed_at IS NULL AND fetched_fingerprint IS NOT NULL\(only.map { " AND id IN \($0)" } ?? "")
                ORDER BY key
                """, arguments: arguments)
            while let row = try items.next() {
                let id: String = row["id"]
                if let ids, !ids.contains(id) { continue }
                let fromTags = tagIds[id] ?? ([], [])
                inputs.append(LookupInput(
                    itemId: id, title: row["title"], subtitle: row["subtitle"], authors: Self.stringArray(row["authors_json"]),
                    isbns: [row["isbn"] as String?].compactMap { $0 } + fromTags.isbns,
                    asins: [row["asin"] as String?].compactMap { $0 } + fromTags.asins))
            }
            return inputs
        }
    }

    /// For a few ids (at most 500), "(?, ?, …)" and the ids as arguments; else nil, and every
    /// row is read (and filtered by the caller).
    static func fewIds(_ ids: Set<String>?) -> (list: String?, arguments: StatementArguments) {
        guard let ids, ids.count <= 500 else { return (nil, StatementArguments()) }
        return ("(\(databaseQuestionMarks(count: ids.count)))", StatementArguments(Array(ids)))
    }

    public func hardcoverLookupStates() throws -> [String: LookupState] {
        try read { db in
            var states: [String: LookupState] = [:]
            let rows = try HardcoverLookupRecord.fetchCursor(db)
            while let lookup = try rows.next() {
                states[lookup.itemId] = LookupState(fingerprint: lookup.keysFingerprint, stage: lookup.stage, finishedAt: lookup.finishedAt)
            }
            return states
        }
    }

    /// (Re)starts the lookup of these items at the given stage; their earlier candidates go.
    public func startLookups(_ entries: [(itemId: String, fingerprint: String, stage: LookupStage)], runId: Int64) throws {
        guard !entries.isEmpty else { return }
        let now = ISO8601.now()
        try write { db in
            for entry in entries {
                try HardcoverCandidateRecord.filter(HardcoverCandidateRecord.Columns.itemId == entry.itemId).deleteAll(db)
                try HardcoverLookupRecord(itemId: entry.itemId, keysFingerprint: entry.fingerprint, stage: entry.stage, resolvedBy: nil,
                                          startedAt: now, finishedAt: nil, runId: runId).upsert(db)
            }
        }
    }

    /// Stores what one request found and moves the items on, all or nothing.
    public func recordLookupBatch(_ batch: LookupBatch, runId: Int64) throws {
        let now = ISO8601.now()
        try write { db in
            try Self.saveBooks(batch.books, db: db, now: now)
            try Self.saveEditions(batch.editions, db: db, now: now)
            for c in batch.candidates {
                // A method that found the book again keeps the edition it matched before, if it names none.
                _ = try HardcoverCandidateRecord(c, foundAt: now).upsertAndFetch(
                    db, onConflict: ["item_id", "book_id", "method"]
                ) { excluded in
                    [HardcoverCandidateRecord.Columns.editionId.set(
                        to: excluded[HardcoverCandidateRecord.Columns.editionId] ?? HardcoverCandidateRecord.Columns.editionId)]
                }
            }
            typealias Columns = HardcoverLookupRecord.Columns
            for a in batch.advances {
                let done = a.stage == .done
                try HardcoverLookupRecord.filter(key: a.itemId).updateAll(
                    db, Columns.stage.set(to: a.stage), Columns.resolvedBy.set(to: done ? a.resolvedBy ?? LookupResolution.none : nil),
                    Columns.finishedAt.set(to: done ? now : nil), Columns.runId.set(to: runId))
            }
            for id in batch.missingBooks { try MissingBookRecord(id: id, checkedAt: now).upsert(db) }
        }
    }

    /// Finished lookups by how they resolved, and how many are not finished.
    public func hardcoverLookupTally() throws -> (resolvedBy: [LookupResolution: Int], pending: Int) {
        try read { db in
            var resolved: [LookupResolution: Int] = [:]
            var pending = 0
            for row in try Row.fetchAll(db, sql: """
                SELECT l.stage, l.resolved_by, count(*) AS n FROM hc_lookup l JOIN abs_item i ON i.id = l.item_id
                WHERE i.removed_at IS NULL GROUP BY 1, 2
                """) {
                let stage: LookupStage = row["stage"]
                if stage == .done {
                    resolved[row["resolved_by"] ?? LookupResolution.none, default: 0] += row["n"] as Int
                } else {
                    pending += row["n"] as Int
                }
            }
            return (resolved, pending)
        }
    }
}
