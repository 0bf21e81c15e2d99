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
    static let diffStampVersion = "diff-stamp-2"

    /// A stamp of the inputs both targets share: the version triggers keep of the items' fetch
    /// fingerprints, fetch times and removals, the matches' statuses, books and editions, and the
    /// matched books' and their editions' fetch times (`diff_input`, migration v15). A refresh
    /// writes none of them, so one reading serves both targets' checks and records.
    public func diffSharedStamp() throws -> String {
        try read { db in "\(Self.diffStampVersion):\(try Self.diffInputVersion(db, scope: "shared"))" }
    }

    /// A stamp of everything `target`'s proposals are made from: `shared` (`diffSharedStamp`),
    /// `policy` (the caller's fingerprint of the diff or listening policy), and the version of the
    /// target's own inputs. Equal stamps: a refresh would propose what the last one did. Decisions
    /// (accept, reject, edit) are not inputs; a push's outcome is (a failed or conflicting change
    /// is proposed again), and so are proposals added or deleted, so a refresh's own writes are
    /// part of the stamp it records.
    ///
    /// The target's own: for `abs` the item files' scan marks; for `hardcover` the current users
    /// on both sides (read here: the newest seen), the listening progress and the Hardcover
    /// library and reads.
    public func diffStamp(target: PushTarget, policy: String, shared: String) throws -> String {
        try read { db in
            var parts = [shared, target.rawValue, try Self.diffInputVersion(db, scope: target.rawValue)]
            if target == .hardcover {
                let users = try Self.listeningUsers(db)
                parts += [users.abs ?? "-", users.hardcover.map(String.init) ?? "-"]
            }
            return parts.joined(separator: ":") + ":" + Fingerprint.of([policy])
        }
    }

    /// The version of `scope`'s inputs; a mirror without its row (made from the schema file, not
    /// migrated) gets a new text each time, so every refresh runs.
    private static func diffInputVersion(_ db: Database, scope: String) throws -> String {
        try Int64.fetchOne(db, sql: "SELECT version FROM diff_input WHERE scope = ?", arguments: [scope]).map(String.init)
            ?? "unknown-\(UUID().uuidString)"
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
        try read(Self.listeningUsers)
    }

    private static func listeningUsers(_ db: Database) throws -> (abs: String?, hardcover: Int?) {
        (try String.fetchOne(db, sql: "SELECT id FROM abs_user ORDER BY seen_at DESC, id LIMIT 1"),
         try Int.fetchOne(db, sql: "SELECT id FROM hc_user ORDER BY seen_at DESC, id LIMIT 1"))
    }

    /// Open proposals of `target`, counted.
    public func openChangeCount(target: PushTarget) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM change WHERE target = ? AND status IN ('pending', 'accepted')",
                             arguments: [target.rawValue]) ?? 0
        }
    }
}
