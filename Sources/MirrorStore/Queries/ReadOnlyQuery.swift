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
    /// `row` as it comes. A statement that would write is refused before SQLite prepares it
    /// (see `ReadOnlySQL`), so are several statements; a query still running after `timeout`
    /// seconds (finite, more than 0) is interrupted.
    public func query(
        _ sql: String,
        timeout: Double,
        columns: ([String]) throws -> Void,
        row: ([QueryValue]) throws -> Void
    ) throws {
        guard timeout.isFinite, timeout > 0 else { throw StoreError(.badQuery("the time limit must be more than 0 seconds"), path: path) }
        let checked = ReadOnlySQL(sql)
        switch checked.verdict {
        case .write: throw StoreError(.readOnlyViolation, path: path)
        case .severalStatements: throw StoreError(.badQuery(Self.oneStatement), path: path)
        case .read: break
        }
        let timer = DispatchWorkItem { [dbQueue] in dbQueue.interrupt() }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        defer { timer.cancel() }
        do {
            try dbQueue.read { db in
                // Only the first statement is prepared: SQLite's cursor stops there.
                guard let statement = try db.allStatements(sql: checked.first).next() else {
                    throw StoreError(.badQuery("the SQL is empty"), path: path)
                }
                // Where SQLite ended it is where the tokenizer did, or something follows.
                let separators = CharacterSet(charactersIn: ";").union(.whitespacesAndNewlines)
                guard statement.sql == checked.first.trimmingCharacters(in: separators) else {
                    throw StoreError(.badQuery(Self.oneStatement), path: path)
                }
                guard statement.isReadonly || checked.asksJournalMode else { throw StoreError(.readOnlyViolation, path: path) }
                try columns(statement.columnNames)
                let rows = try Row.fetchCursor(statement)
                while let r = try rows.next() {
                    try row((0..<r.count).map { Self.value(r[$0] as DatabaseValue) })
                }
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_INTERRUPT { throw StoreError(.queryTimeout(seconds: timeout), path: path) }
            if error.resultCode == .SQLITE_READONLY { throw StoreError(.readOnlyViolation, path: path) }
            throw StoreError(.badQuery(error.message ?? "\(error.resultCode)"), path: path)
        }
    }

    private static let oneStatement = "give one statement at a time"

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
