import Foundation
import GRDB
import MirrorCore

/// A value of a query result, typed as SQLite returned it.
public enum QueryValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

extension Mirror {
    /// Runs one read-only SQL statement, handing the column names to `columns` and each row to
    /// `row` as it comes. A statement that would write is refused before it runs; a query still
    /// running after `timeout` seconds is interrupted.
    public func query(
        _ sql: String,
        timeout: Double,
        columns: ([String]) throws -> Void,
        row: ([QueryValue]) throws -> Void
    ) throws {
        let timer = DispatchWorkItem { [dbQueue] in dbQueue.interrupt() }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        defer { timer.cancel() }
        do {
            try dbQueue.read { db in
                let statement = try db.makeStatement(sql: sql)
                guard statement.isReadonly else { throw StoreError(.readOnlyViolation, path: path) }
                try columns(statement.columnNames)
                let rows = try Row.fetchCursor(statement)
                while let r = try rows.next() {
                    try row((0..<r.count).map { Self.value(r[$0] as DatabaseValue) })
                }
            }
        } catch let error as DatabaseError {
            if Self.looksLikeAWrite(sql) { throw StoreError(.readOnlyViolation, path: path) }
            if error.resultCode == .SQLITE_INTERRUPT { throw StoreError(.queryTimeout(seconds: timeout), path: path) }
            if error.resultCode == .SQLITE_READONLY { throw StoreError(.readOnlyViolation, path: path) }
            throw StoreError(.badQuery(error.message ?? "\(error.resultCode)"), path: path)
        }
    }

    /// Statements SQLite rejects before they could be checked (a DELETE on a view, say) still
    /// deserve the read-only message when that is what they attempted.
    private static func looksLikeAWrite(_ sql: String) -> Bool {
        let verbs: Set<String> = ["INSERT", "UPDATE", "DELETE", "REPLACE", "DROP", "CREATE", "ALTER", "VACUUM", "REINDEX"]
        let first = sql.drop(while: { $0.isWhitespace || $0 == "(" }).prefix(while: { $0.isLetter }).uppercased()
        return verbs.contains(first)
    }

    private static func value(_ value: DatabaseValue) -> QueryValue {
        switch value.storage {
        case .null: .null
        case .int64(let v): .integer(v)
        case .double(let v): .real(v)
        case .string(let v): .text(v)
        case .blob(let v): .blob(v)
        }
    }
}
