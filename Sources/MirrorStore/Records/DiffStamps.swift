import Foundation
import GRDB
import MirrorCore

/// The stamp a whole refresh of one target's proposals left: what the mirror held of the
/// refresh's inputs, and how many items it considered.
public struct DiffStamp: Sendable, Equatable {
    public var stamp: String
    public var items: Int

    public init(stamp: String, items: Int) {
        self.stamp = stamp
        self.items = items
    }
}

extension Mirror {
    /// Bump when what a refresh derives from its inputs changes: every stored stamp then differs.
    static let diffStampVersion = "diff-stamp-1"

    /// A stamp of the inputs both targets share: the items' fetch fingerprints, fetch times and
    /// removed marks (a push's re-read keeps the fingerprint but not the time); each match's
    /// status, book and edition; the matched books' and their editions' fetch times. A refresh
    /// writes none of them, so one reading serves both targets' checks and records.
    public func diffSharedStamp() throws -> String {
        try read { db in
            var h = StampHasher()
            h.add(Self.diffStampVersion)
            try h.addRows(db, ["id", "fetched_fingerprint", "fetched_at", "removed_at"], from: "abs_item ORDER BY key")
            try h.addRows(db, ["item_id", "status", "book_id", "edition_id"], from: "match ORDER BY item_id")
            let matched = "(SELECT book_id FROM match WHERE book_id IS NOT NULL)"
            try h.addRows(db, ["id", "fetched_at"], from: "hc_book WHERE id IN \(matched) ORDER BY id")
            try h.addRows(db, ["id", "book_id", "fetched_at"], from: "hc_edition WHERE book_id IN \(matched) ORDER BY id")
            return h.hex
        }
    }

    /// A stamp of everything `target`'s proposals are made from: `shared` (`diffSharedStamp`),
    /// `policy` (the caller's fingerprint of the diff or listening policy), and the target's own
    /// inputs. Equal stamps: a refresh would propose what the last one did. Decisions (accept,
    /// reject, edit) are not inputs; a push's outcome is (a failed or conflicting change is
    /// proposed again), and so are the stored proposals' count and newest id, so a refresh's
    /// own writes are part of the stamp it records.
    ///
    /// The target's own: for `abs` the item files' scan marks; for `hardcover` the current users
    /// on both sides, the ABS user's progress and the Hardcover user's library and reads (every
    /// column but the sync times).
    public func diffStamp(target: PushTarget, policy: String, shared: String) throws -> String {
        try read { db in
            var h = StampHasher()
            h.add(shared)
            h.add(target.rawValue)
            h.add(policy)
            switch target {
            case .abs:
                try h.addRows(db, ["id", "item_id", "size_bytes", "mtime_ns", "scanned_at", "removed_at", "error"],
                              from: "tag_file WHERE item_id IS NOT NULL ORDER BY id")
            case .hardcover:
                let absUser = try String.fetchOne(db, sql: "SELECT id FROM abs_user ORDER BY seen_at DESC, id LIMIT 1")
                let hcUser = try Int.fetchOne(db, sql: "SELECT id FROM hc_user ORDER BY seen_at DESC, id LIMIT 1")
                h.add(absUser ?? "-")
                h.add(hcUser.map(String.init) ?? "-")
                try h.addRows(db, ["item_id", "current_seconds", "duration_seconds", "progress", "finished",
                                   "started_at", "finished_at", "last_update"],
                              from: "abs_progress WHERE user_id = ? ORDER BY item_id", arguments: [absUser])
                try h.addRows(db, ["id", "book_id", "edition_id", "status_id", "owned", "updated_at"],
                              from: "hc_user_book WHERE user_id = ? ORDER BY id", arguments: [hcUser])
                try h.addRows(db, ["r.id", "r.user_book_id", "r.edition_id", "r.started_on", "r.finished_on", "r.progress_seconds"],
                              from: "hc_user_book_read r JOIN hc_user_book b ON b.id = r.user_book_id WHERE b.user_id = ? ORDER BY r.id",
                              arguments: [hcUser])
            }
            let settled = "status NOT IN ('pending', 'accepted', 'rejected')"
            try h.addRows(db, ["count(*)", "max(id)", "sum(\(settled))"], from: "change WHERE target = ?", arguments: [target.rawValue])
            return h.hex
        }
    }

    /// The stamp the last whole refresh of `target` recorded; nil when none did since.
    public func storedDiffStamp(target: PushTarget) throws -> DiffStamp? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT stamp, items FROM diff_stamp WHERE target = ?", arguments: [target.rawValue])
                .map { DiffStamp(stamp: $0["stamp"], items: $0["items"]) }
        }
    }

    /// Records (or, with nil, forgets) the stamp of `target`'s last whole refresh.
    public func recordDiffStamp(_ stamp: DiffStamp?, target: PushTarget) throws {
        let now = ISO8601.now()
        try write { db in
            if let stamp {
                try db.execute(sql: """
                    INSERT INTO diff_stamp (target, stamp, items, refreshed_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (target) DO UPDATE SET stamp = excluded.stamp, items = excluded.items, refreshed_at = excluded.refreshed_at
                    """, arguments: [target.rawValue, stamp.stamp, stamp.items, now])
            } else {
                try db.execute(sql: "DELETE FROM diff_stamp WHERE target = ?", arguments: [target.rawValue])
            }
        }
    }

    /// Whose listening state the Hardcover proposals compare: the AudiobookShelf user whose
    /// progress the mirror read last, and the Hardcover user whose library it read last.
    public func listeningUsers() throws -> (abs: String?, hardcover: Int?) {
        try read { db in
            (try String.fetchOne(db, sql: "SELECT id FROM abs_user ORDER BY seen_at DESC, id LIMIT 1"),
             try Int.fetchOne(db, sql: "SELECT id FROM hc_user ORDER BY seen_at DESC, id LIMIT 1"))
        }
    }

    /// Open proposals of `target`, counted.
    public func openChangeCount(target: PushTarget) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM change WHERE target = ? AND status IN ('pending', 'accepted')",
                             arguments: [target.rawValue]) ?? 0
        }
    }
}

/// Two 64-bit multiply-xorshift hashes (different seeds) over values with their kinds and
/// separators, eight bytes at a time: a fingerprint of rows for change detection, not a
/// cryptographic hash.
struct StampHasher {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x8422_2325_cbf2_9ce4
    private var count: UInt64 = 0

    private mutating func word(_ w: UInt64) {
        a = (a ^ w) &* 0x0000_0100_0000_01b3
        a ^= a >> 29
        b = (b ^ w) &* 0x9e37_79b9_7f4a_7c15
        b ^= b >> 31
        count &+= 1
    }

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { bytes in add(UnsafeRawBufferPointer(bytes)) }
    }

    /// The bytes, then their length (so that no two texts run together alike).
    private mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 8 <= bytes.count {
            word(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        while offset < bytes.count {
            tail = tail << 8 | UInt64(bytes[offset])
            offset += 1
        }
        word(tail)
        word(UInt64(bytes.count))
    }

    /// The rows of `SELECT columns FROM from`: SQLite writes each row's values as SQL literals
    /// (`quote`: NULL, numbers and text told apart) and joins them into one text, which is
    /// hashed with the row count; the rows never become Swift values one by one.
    mutating func addRows(_ db: Database, _ columns: [String], from: String, arguments: StatementArguments = StatementArguments()) throws {
        let row = columns.map { "quote(\($0))" }.joined(separator: " || ',' || ")
        let sql = "SELECT count(*) AS n, group_concat(r, char(10)) AS rows FROM (SELECT \(row) AS r FROM \(from))"
        guard let result = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return }
        word(6)
        word(UInt64(clamping: result["n"] as Int))
        add(result["rows"] as String? ?? "")
    }

    var hex: String {
        [a, b, count].map { String($0, radix: 16) }.joined(separator: "-")
    }
}
