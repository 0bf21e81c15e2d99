import Foundation
import GRDB
import MirrorCore

/// An item `diff` proposes changes for: what ABS holds, what its match and its files say.
public struct DiffSubject: Sendable {
    public var itemId: String
    public var title: String?
    public var current: BookFields
    public var match: (status: MatchStatus, score: Double?, bookId: Int, editionId: Int?)?
    public var hardcover: BookFields?
    public var tags: BookFields?
    /// The user ignores the item: nothing is proposed for it.
    public var ignored = false
}

/// A stored proposal, as `diff`, `accept` and `reject` see it.
public struct ChangeRow: Sendable, Equatable {
    public var id: Int64
    public var itemId: String
    public var itemTitle: String?
    public var field: DiffField
    /// JSON; nil when the field is empty in AudiobookShelf.
    public var current: String?
    public var proposed: String
    public var source: String
    public var action: Proposal.Action
    public var status: String
    public var matchStatus: String?
    public var score: Double?
    public var bookId: Int?
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
                       m.status, m.score, m.book_id, m.edition_id
                FROM abs_item i LEFT JOIN match m ON m.item_id = i.id
                WHERE i.removed_at IS NULL AND i.fetched_fingerprint IS NOT NULL
                ORDER BY i.key
                """)
            var wantedBooks = Set<Int>()
            while let row = try rows.next() {
                let id: String = row[0]
                if let itemIds, !itemIds.contains(id) { continue }
                var m = ItemMetadata()
                m.title = row[1]
                m.subtitle = row[2]
                m.authors = Self.stringArray(row[3])
                m.narrators = Self.stringArray(row[4])
                m.series = Self.seriesArray(row[5])
                m.publishedYear = row[6]
                m.publisher = row[7]
                m.descriptionPlain = row[8]
                m.descriptionHTML = row[9]
                m.isbn = row[10]
                m.asin = row[11]
                m.language = row[12]
                m.genres = Self.stringArray(row[13])
                var subject = DiffSubject(itemId: id, title: row[1], current: BookFields(item: m), match: nil, hardcover: nil, tags: nil)
                subject.ignored = (row[14] as String?) == MatchStatus.ignored.rawValue
                if let status = (row[14] as String?).flatMap(MatchStatus.init(rawValue:)), let bookId: Int = row[16],
                   [.auto, .needsReview, .confirmed].contains(status) {
                    subject.match = (status, row[15], bookId, row[17])
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
            let id: String = row[0]
            guard out[id] == nil else { continue }
            var t = TagFields()
            t.title = row[1]
            t.subtitle = row[2]
            t.artist = row[3]
            t.album = row[4]
            t.albumArtist = row[5]
            t.composer = row[6]
            t.genre = row[7]
            t.year = row[8]
            t.series = row[9]
            t.seriesPart = row[10]
            t.asin = row[11]
            t.isbn = row[12]
            t.language = row[13]
            t.publisher = row[14]
            t.description = row[15]
            out[id] = BookFields(tags: t)
        }
        return out
    }

    /// Brings the stored proposals in step with `proposals` (by item): an unchanged proposal is
    /// kept with its decision; a changed one supersedes the old (whose decision no longer
    /// applies); one no longer proposed is superseded. Returns (new, superseded).
    @discardableResult
    public func reconcileChanges(_ proposals: [String: [Proposal]], match: [String: (bookId: Int?, editionId: Int?)]) throws -> (new: Int, superseded: Int) {
        let now = ISO8601.now()
        return try write { db in
            // The latest decision-bearing proposal per item and field: open ones, and rejected
            // ones (a proposal the user rejected is not made again while it stays the same).
            var open: [String: [DiffField: (id: Int64, current: String?, suggested: String, source: String, isOpen: Bool)]] = [:]
            let ids = Set(proposals.keys)
            for row in try Row.fetchAll(db, sql: """
                SELECT id, item_id, field, current_value, suggested_value, source, status FROM change
                WHERE status IN ('pending', 'accepted', 'rejected') ORDER BY id
                """) {
                let item: String = row[1]
                guard ids.contains(item), let field = DiffField(rawValue: row[2]) else { continue }
                let status: String = row[6]
                open[item, default: [:]][field] = (row[0], row[3], row[4], row[5], status != "rejected")
            }
            let supersede = try db.cachedStatement(sql: "UPDATE change SET status = 'superseded', decided_at = ? WHERE id = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO change (item_id, field, current_value, proposed_value, suggested_value, source, action, status, book_id,
                    edition_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
                """)
            var added = 0, superseded = 0
            for (item, list) in proposals {
                var existing = open[item] ?? [:]
                for p in list {
                    let current = p.current?.json
                    if let old = existing.removeValue(forKey: p.field) {
                        if old.current == current, old.suggested == p.proposed.json, old.source == p.source.rawValue { continue }
                        if old.isOpen {
                            try supersede.execute(arguments: [now, old.id])
                            superseded += 1
                        }
                    }
                    let m = match[item]
                    try insert.execute(arguments: [item, p.field.rawValue, current, p.proposed.json, p.proposed.json, p.source.rawValue, p.action.rawValue,
                                                   p.source == .hardcover ? m?.bookId : nil, p.source == .hardcover ? m?.editionId : nil, now])
                    added += 1
                }
                for (_, old) in existing where old.isOpen {
                    try supersede.execute(arguments: [now, old.id])
                    superseded += 1
                }
            }
            return (added, superseded)
        }
    }

    /// Stored proposals, filtered; open ones (pending and accepted) by default.
    public func changeRows(itemIds: Set<String>? = nil, fields: Set<DiffField>? = nil, statuses: Set<String> = ["pending", "accepted"]) throws -> [ChangeRow] {
        try read { db in
            var out: [ChangeRow] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT c.id, c.item_id, i.title, c.field, c.current_value, c.proposed_value, c.source, c.action, c.status,
                       m.status, m.score, c.book_id
                FROM change c JOIN abs_item i ON i.id = c.item_id LEFT JOIN match m ON m.item_id = c.item_id
                ORDER BY i.title COLLATE NOCASE, i.id, c.id
                """)
            while let row = try rows.next() {
                let status: String = row[8]
                guard statuses.contains(status), let field = DiffField(rawValue: row[3]) else { continue }
                if let itemIds, !itemIds.contains(row[1] as String) { continue }
                if let fields, !fields.contains(field) { continue }
                out.append(ChangeRow(id: row[0], itemId: row[1], itemTitle: row[2], field: field, current: row[4], proposed: row[5],
                                     source: row[6], action: Proposal.Action(rawValue: row[7]) ?? .fill, status: status,
                                     matchStatus: row[9], score: row[10], bookId: row[11]))
            }
            return out
        }
    }

    /// Sets the decision of these proposals (only open ones change). Returns how many changed.
    @discardableResult
    public func decide(changeIds: [Int64], status: String) throws -> Int {
        let now = ISO8601.now()
        return try write { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE change SET status = ?, decided_at = ? WHERE id = ? AND status IN ('pending', 'accepted', 'rejected')
                """)
            var n = 0
            for id in changeIds {
                try statement.execute(arguments: [status, now, id])
                n += db.changesCount
            }
            return n
        }
    }
}

extension Mirror {
    /// One stored proposal.
    public func changeRow(id: Int64) throws -> ChangeRow? {
        try changeRows(statuses: ["pending", "accepted", "rejected", "superseded", "pushed", "conflict", "failed"]).first { $0.id == id }
    }

    /// A value the user edited: it replaces the proposal's and is accepted.
    public func editChange(id: Int64, proposedJSON: String) throws {
        let now = ISO8601.now()
        try write { db in
            try db.execute(sql: """
                UPDATE change SET proposed_value = ?, status = 'accepted', decided_at = ? WHERE id = ? AND status IN ('pending', 'accepted', 'rejected')
                """, arguments: [proposedJSON, now, id])
        }
    }

    /// Decisions and edits together, all or nothing.
    public func applyDecisions(_ decisions: [(id: Int64, status: String, proposedJSON: String?)]) throws {
        let now = ISO8601.now()
        try write { db in
            let decide = try db.cachedStatement(sql: "UPDATE change SET status = ?, decided_at = ? WHERE id = ?")
            let edit = try db.cachedStatement(sql: "UPDATE change SET status = ?, proposed_value = ?, decided_at = ? WHERE id = ?")
            for d in decisions {
                if let json = d.proposedJSON {
                    try edit.execute(arguments: [d.status, json, now, d.id])
                } else {
                    try decide.execute(arguments: [d.status, now, d.id])
                }
            }
        }
    }
}
