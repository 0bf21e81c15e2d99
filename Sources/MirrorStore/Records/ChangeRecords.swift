import Foundation
import GRDB
import MirrorCore

/// One row of `change`: a field change `diff` proposed, the value it would replace (its base),
/// and where it is in its life. Columns are read and written by name: a column added to the
/// table later does not shift any other.
public struct ChangeRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "change"

    public var id: Int64?
    public var itemId: String
    public var field: ChangeField
    /// JSON; nil when the field was empty in AudiobookShelf.
    public var currentValue: String?
    /// JSON: the value a push sends (the user's, when they edited it).
    public var proposedValue: String
    /// JSON: what `diff` computed. A refresh compares its new proposal with this one, so an edit
    /// survives it.
    public var suggestedValue: String
    public var source: Proposal.Source
    public var action: Proposal.Action
    public var status: ChangeStatus
    /// The Hardcover book and edition a `hardcover` proposal came from.
    public var bookId: Int?
    public var editionId: Int?
    public var createdAt: String
    public var decidedAt: String?
    public var pushRunId: Int64?
    /// JSON: the field as the server held it when the change was proposed, not normalised (JSON
    /// null when empty); nil for changes proposed before raw values were recorded. Push's
    /// conflict check compares the server's value with this.
    public var baseRaw: String?
    /// The server the change is for (follows from the field).
    public var target: PushTarget

    public init(id: Int64? = nil, itemId: String, field: ChangeField, currentValue: String?, proposedValue: String,
                suggestedValue: String, source: Proposal.Source, action: Proposal.Action, status: ChangeStatus = .pending,
                bookId: Int? = nil, editionId: Int? = nil, createdAt: String, decidedAt: String? = nil, pushRunId: Int64? = nil, baseRaw: String? = nil) {
        self.id = id
        self.itemId = itemId
        self.field = field
        self.currentValue = currentValue
        self.proposedValue = proposedValue
        self.suggestedValue = suggestedValue
        self.source = source
        self.action = action
        self.status = status
        self.bookId = bookId
        self.editionId = editionId
        self.createdAt = createdAt
        self.decidedAt = decidedAt
        self.pushRunId = pushRunId
        self.baseRaw = baseRaw
        self.target = field.target
    }

    enum CodingKeys: String, CodingKey {
        case id, itemId = "item_id", field, currentValue = "current_value", proposedValue = "proposed_value"
        case suggestedValue = "suggested_value", source, action, status, bookId = "book_id", editionId = "edition_id"
        case createdAt = "created_at", decidedAt = "decided_at", pushRunId = "push_run_id", baseRaw = "base_raw", target
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let itemId = Column(CodingKeys.itemId)
        public static let field = Column(CodingKeys.field)
        public static let currentValue = Column(CodingKeys.currentValue)
        public static let proposedValue = Column(CodingKeys.proposedValue)
        public static let suggestedValue = Column(CodingKeys.suggestedValue)
        public static let source = Column(CodingKeys.source)
        public static let action = Column(CodingKeys.action)
        public static let status = Column(CodingKeys.status)
        public static let bookId = Column(CodingKeys.bookId)
        public static let editionId = Column(CodingKeys.editionId)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let decidedAt = Column(CodingKeys.decidedAt)
        public static let pushRunId = Column(CodingKeys.pushRunId)
        public static let baseRaw = Column(CodingKeys.baseRaw)
        public static let target = Column(CodingKeys.target)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension DerivableRequest<ChangeRecord> {
    /// Changes in one of these statuses.
    public func filter(statuses: Set<ChangeStatus>) -> Self {
        filter(statuses.contains(ChangeRecord.Columns.status))
    }

    /// Changes a person may still decide: pending, accepted or rejected.
    public func decidable() -> Self {
        filter(statuses: ChangeStatus.decidable)
    }
}

/// An item `diff` proposes changes for: what ABS holds, what its match and its files say.
public struct DiffSubject: Sendable {
    public var itemId: String
    public var title: String?
    public var current: BookFields
    /// The same, as the server holds it (for the proposals' raw bases).
    public var metadata = ItemMetadata()
    public var match: (status: MatchStatus, score: Double?, bookId: Int, editionId: Int?)?
    public var hardcover: BookFields?
    public var tags: BookFields?
    /// The user ignores the item: nothing is proposed for it.
    public var ignored = false
}

/// A proposal as a refresh stores it, of either target: JSON values, the base as the server
/// holds it, and the Hardcover book and edition it concerns.
public struct StoredProposal: Sendable, Equatable {
    public var field: ChangeField
    /// JSON, normalised as `diff` compares; nil when empty.
    public var current: String?
    /// JSON exactly as the server holds it; nil when empty.
    public var currentRaw: String?
    public var proposed: String
    public var source: Proposal.Source
    public var action: Proposal.Action
    public var bookId: Int?
    public var editionId: Int?

    public init(field: ChangeField, current: String?, currentRaw: String?, proposed: String, source: Proposal.Source,
                action: Proposal.Action, bookId: Int? = nil, editionId: Int? = nil) {
        self.field = field
        self.current = current
        self.currentRaw = currentRaw
        self.proposed = proposed
        self.source = source
        self.action = action
        self.bookId = bookId
        self.editionId = editionId
    }
}

/// A stored proposal, as `diff`, `accept` and `reject` see it: the change with its item's title
/// and its item's match.
public struct ChangeRow: Sendable, Equatable {
    public var id: Int64
    public var itemId: String
    public var itemTitle: String?
    public var field: ChangeField
    public var target: PushTarget { field.target }
    /// JSON; nil when the field is empty on the target's server.
    public var current: String?
    public var proposed: String
    public var source: Proposal.Source
    public var action: Proposal.Action
    public var status: ChangeStatus
    public var matchStatus: MatchStatus?
    public var score: Double?
    public var bookId: Int?
    /// The Hardcover edition the proposal came from (for `hardcover` changes: the audiobook edition).
    public var editionId: Int?
    /// JSON: the server's value when proposed, as stored (`null`: empty); nil when not recorded.
    public var baseRaw: String?
}

extension ChangeRow: FetchableRecord {
    /// The columns of `ChangeRow.request`, by name.
    enum Columns {
        static let itemTitle = Column("item_title")
        static let matchStatus = Column("match_status")
        static let matchScore = Column("match_score")
    }

    /// Every stored proposal with its item's title and match, by title.
    static let sql = """
        SELECT c.id, c.item_id, i.title AS item_title, c.field, c.current_value, c.proposed_value, c.source, c.action, c.status,
               m.status AS match_status, m.score AS match_score, c.book_id, c.edition_id, c.base_raw
        FROM change c JOIN abs_item i ON i.id = c.item_id LEFT JOIN match m ON m.item_id = c.item_id
        """
    static let order = "ORDER BY i.title COLLATE NOCASE, i.id, c.id"

    public init(row: Row) throws {
        typealias C = ChangeRecord.Columns
        id = try row.decode(forColumn: C.id)
        itemId = try row.decode(forColumn: C.itemId)
        itemTitle = try row.decode(forColumn: Columns.itemTitle)
        field = try row.decode(forColumn: C.field)
        current = try row.decode(forColumn: C.currentValue)
        proposed = try row.decode(forColumn: C.proposedValue)
        source = try row.decode(forColumn: C.source)
        action = try row.decode(forColumn: C.action)
        status = try row.decode(forColumn: C.status)
        matchStatus = try (row.decode(String?.self, forColumn: Columns.matchStatus)).flatMap(MatchStatus.init(rawValue:))
        score = try row.decode(forColumn: Columns.matchScore)
        bookId = try row.decode(forColumn: C.bookId)
        editionId = try row.decode(forColumn: C.editionId)
        baseRaw = try row.decode(forColumn: C.baseRaw)
    }
}

/// A decision on one proposal, as `import-decisions` applies it: a status, and the user's own
/// value (JSON) when they edited it.
public struct ChangeDecision: Sendable, Equatable {
    public var changeId: Int64
    public var status: ChangeStatus
    public var editedJSON: String?

    public init(changeId: Int64, status: ChangeStatus, editedJSON: String? = nil) {
        self.changeId = changeId
        self.status = status
        self.editedJSON = editedJSON
    }
}

extension Mirror {
    /// Items with a match to propose from (auto, needs review, or confirmed), or every present
    /// item for tags; with their current values, their match's book and edition, and their tags.
    public func diffSubjects(itemIds: Set<String>? = nil) throws -> [DiffSubject] {
        try read { db in
            var subjects: [DiffSubject] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT i.id, i.title, i.subtitle, i.authors_json, i.narrators_json, i.series_json, i.published_year, i.publisher,
                       i.description, i.description_html, i.isbn, i.asin, i.language, i.genres_json,
                       m.status AS match_status, m.score AS match_score, m.book_id, m.edition_id
                FROM abs_item i LEFT JOIN match m ON m.item_id = i.id
                WHERE i.removed_at IS NULL AND i.fetched_fingerprint IS NOT NULL
                ORDER BY i.key
                """)
            var wantedBooks = Set<Int>()
            while let row = try rows.next() {
                let id: String = row["id"]
                if let itemIds, !itemIds.contains(id) { continue }
                let m = Self.metadata(row)
                var subject = DiffSubject(itemId: id, title: m.title, current: BookFields(item: m), metadata: m, match: nil, hardcover: nil, tags: nil)
                let status = (row["match_status"] as String?).flatMap(MatchStatus.init(rawValue:))
                subject.ignored = status == .ignored
                if let status, let bookId: Int = row["book_id"], [.auto, .needsReview, .confirmed].contains(status) {
                    subject.match = (status, row["match_score"], bookId, row["edition_id"])
                    wantedBooks.insert(bookId)
                }
                subjects.append(subject)
            }
            let books = try Self.books(ids: Array(wantedBooks), db: db)
            let tags = try Self.itemTags(db)
            for n in subjects.indices {
                subjects[n].tags = tags[subjects[n].itemId]
                guard let match = subjects[n].match, let (book, _) = books[match.bookId] else { continue }
                let edition = match.editionId.flatMap { e in book.editions.first { $0.id == e } }
                subjects[n].hardcover = BookFields(hardcover: book, edition: edition)
            }
            return subjects
        }
    }

    /// What each item's files' tags say of its book: the readable file with the most tags.
    static func itemTags(_ db: Database) throws -> [String: BookFields] {
        var out: [String: BookFields] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT item_id, title, subtitle, artist, album, album_artist, composer, genre, year, series, series_part, asin, isbn,
                   language, publisher, description
            FROM tag_file WHERE item_id IS NOT NULL AND removed_at IS NULL AND error IS NULL
            ORDER BY item_id, length(all_tags) DESC, path
            """)
        while let row = try rows.next() {
            let id: String = row["item_id"]
            guard out[id] == nil else { continue }
            var t = TagFields()
            t.title = row["title"]
            t.subtitle = row["subtitle"]
            t.artist = row["artist"]
            t.album = row["album"]
            t.albumArtist = row["album_artist"]
            t.composer = row["composer"]
            t.genre = row["genre"]
            t.year = row["year"]
            t.series = row["series"]
            t.seriesPart = row["series_part"]
            t.asin = row["asin"]
            t.isbn = row["isbn"]
            t.language = row["language"]
            t.publisher = row["publisher"]
            t.description = row["description"]
            out[id] = BookFields(tags: t)
        }
        return out
    }

    /// Brings the stored proposals of `target` in step with `proposals` (by item; an item with
    /// an empty list has none now): an unchanged proposal is kept with its decision; a changed one
    /// supersedes the old (whose decision no longer applies); one no longer proposed is
    /// superseded. The other target's proposals are left alone. Returns (new, superseded).
    @discardableResult
    public func reconcileChanges(_ proposals: [String: [StoredProposal]], target: PushTarget) throws -> (new: Int, superseded: Int) {
        let now = ISO8601.now()
        return try write { db in
            // The latest decision-bearing proposal per item and field: open ones, and rejected
            // ones (a proposal the user rejected is not made again while it stays the same).
            var latest: [String: [ChangeField: ChangeRecord]] = [:]
            let ids = Set(proposals.keys)
            let stored = try ChangeRecord.all().decidable().filter(ChangeRecord.Columns.target == target)
                .order(ChangeRecord.Columns.id).fetchAll(db)
            for change in stored where ids.contains(change.itemId) {
                latest[change.itemId, default: [:]][change.field] = change
            }
            func supersede(_ old: ChangeRecord) throws {
                var old = old
                old.status = .superseded
                old.decidedAt = now
                try old.update(db, columns: [ChangeRecord.Columns.status, ChangeRecord.Columns.decidedAt])
            }
            var added = 0, superseded = 0
            for (item, list) in proposals {
                var existing = latest[item] ?? [:]
                for p in list where p.field.target == target {
                    let raw = p.currentRaw ?? "null"
                    if let old = existing.removeValue(forKey: p.field) {
                        if old.currentValue == p.current, old.suggestedValue == p.proposed, old.source == p.source {
                            // The server's value unchanged: the decision stands. A proposal made
                            // before raw values were recorded learns its raw base now.
                            if old.baseRaw == raw { continue }
                            if old.baseRaw == nil {
                                var old = old
                                old.baseRaw = raw
                                try old.update(db, columns: [ChangeRecord.Columns.baseRaw])
                                continue
                            }
                        }
                        if old.status != .rejected {
                            try supersede(old)
                            superseded += 1
                        }
                    }
                    var change = ChangeRecord(itemId: item, field: p.field, currentValue: p.current, proposedValue: p.proposed,
                                              suggestedValue: p.proposed, source: p.source, action: p.action,
                                              bookId: p.bookId, editionId: p.editionId, createdAt: now, baseRaw: raw)
                    try change.insert(db)
                    added += 1
                }
                for (_, old) in existing where old.status != .rejected {
                    try supersede(old)
                    superseded += 1
                }
            }
            return (added, superseded)
        }
    }

    /// Items with open or rejected proposals of `target`: a refresh must reconsider them even when
    /// they are no longer its subjects.
    public func itemsWithDecidableChanges(target: PushTarget) throws -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, ChangeRecord.all().decidable().filter(ChangeRecord.Columns.target == target)
                .select(ChangeRecord.Columns.itemId, as: String.self).distinct()))
        }
    }

    /// Stored proposals, filtered; open ones (pending and accepted) by default.
    public func changeRows(itemIds: Set<String>? = nil, fields: Set<ChangeField>? = nil, targets: Set<PushTarget>? = nil,
                           statuses: Set<ChangeStatus> = [.pending, .accepted]) throws -> [ChangeRow] {
        try read { db in
            let marks = databaseQuestionMarks(count: statuses.count)
            var arguments = StatementArguments(Array(statuses))
            var items = ""
            // A few items (a page, one item): SQLite finds them; else every row is read once.
            if let itemIds, itemIds.count <= 500 {
                items = " AND c.item_id IN (\(databaseQuestionMarks(count: itemIds.count)))"
                arguments += StatementArguments(Array(itemIds))
            }
            let rows = try ChangeRow.fetchCursor(db, sql: "\(ChangeRow.sql) WHERE c.status IN (\(marks))\(items) \(ChangeRow.order)",
                                                 arguments: arguments)
            var out: [ChangeRow] = []
            while let row = try rows.next() {
                if let itemIds, !itemIds.contains(row.itemId) { continue }
                if let fields, !fields.contains(row.field) { continue }
                if let targets, !targets.contains(row.target) { continue }
                out.append(row)
            }
            return out
        }
    }

    /// One stored proposal, whatever its status.
    public func changeRow(id: Int64) throws -> ChangeRow? {
        try read { db in
            try ChangeRow.fetchOne(db, sql: "\(ChangeRow.sql) WHERE c.id = ?", arguments: [id])
        }
    }

    /// Sets the decision of these proposals (only decidable ones change). Returns how many changed.
    @discardableResult
    public func decide(changeIds: [Int64], status: ChangeStatus) throws -> Int {
        let now = ISO8601.now()
        return try write { db in
            var n = 0
            for start in stride(from: 0, to: changeIds.count, by: 500) {
                let chunk = changeIds[start..<min(start + 500, changeIds.count)]
                n += try ChangeRecord.filter(keys: chunk).decidable()
                    .updateAll(db, ChangeRecord.Columns.status.set(to: status), ChangeRecord.Columns.decidedAt.set(to: now))
            }
            return n
        }
    }

    /// A value the user edited: it replaces the proposal's and is accepted.
    public func editChange(id: Int64, proposedJSON: String) throws {
        let now = ISO8601.now()
        try write { db in
            _ = try ChangeRecord.filter(key: id).decidable()
                .updateAll(db, ChangeRecord.Columns.proposedValue.set(to: proposedJSON),
                           ChangeRecord.Columns.status.set(to: ChangeStatus.accepted), ChangeRecord.Columns.decidedAt.set(to: now))
        }
    }

    /// Decisions and edits together, all or nothing.
    public func applyDecisions(_ decisions: [ChangeDecision]) throws {
        let now = ISO8601.now()
        try write { db in
            for d in decisions {
                var assignments = [ChangeRecord.Columns.status.set(to: d.status), ChangeRecord.Columns.decidedAt.set(to: now)]
                if let json = d.editedJSON { assignments.append(ChangeRecord.Columns.proposedValue.set(to: json)) }
                _ = try ChangeRecord.filter(key: d.changeId).updateAll(db, assignments)
            }
        }
    }
}
