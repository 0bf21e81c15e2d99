import MirrorCore

/// Failures of the mirror file itself, each with what to do next.
public struct StoreError: UserFacingError, Equatable {
    public enum Code: Equatable, Sendable {
        case busy(pid: String?)
        case newerSchema(unknown: [String])
        case notAMirror
        case notADatabase
        case missing
        case cannotOpen(String)
        case readOnlyViolation
        case queryTimeout(seconds: Double)
        case badQuery(String)
        case interrupted
        case failed(String)
    }

    public let code: Code
    public let path: String

    public init(_ code: Code, path: String) {
        self.code = code
        self.path = path
    }

    public var kind: FailureKind {
        switch code {
        case .busy: .unavailable
        case .newerSchema, .notAMirror, .notADatabase: .badData
        case .missing: .noInput
        case .cannotOpen: .io
        case .readOnlyViolation, .badQuery: .usage
        case .queryTimeout, .interrupted, .failed: .failure
        }
    }

    public var summary: String {
        switch code {
        case .busy(let pid):
            "the mirror \(path) is busy: another shelfmirror\(pid.map { " (pid \($0))" } ?? "") is writing to it"
        case .newerSchema(let unknown):
            "the mirror \(path) was written by a newer shelfmirror (unknown schema steps: \(unknown.joined(separator: ", ")))"
        case .notAMirror:
            "\(path) is a SQLite database, but not a shelfmirror mirror"
        case .notADatabase:
            "\(path) is not a SQLite database (or it is damaged)"
        case .missing:
            "no mirror at \(path) yet"
        case .cannotOpen(let reason):
            "cannot open the mirror \(path): \(reason)"
        case .readOnlyViolation:
            "query is read-only: this statement would change the mirror"
        case .queryTimeout(let seconds):
            "the query ran longer than \(Self.format(seconds)) s and was stopped"
        case .badQuery(let message):
            "SQL error: \(message)"
        case .interrupted:
            "the operation was interrupted"
        case .failed(let message):
            "the mirror \(path) could not be updated: \(message)"
        }
    }

    public var hint: String? {
        switch code {
        case .busy: "Wait for it to finish and try again; a killed run releases the mirror at once."
        case .newerSchema: "Upgrade shelfmirror, or point --db (or SHELFMIRROR_DB) at another file."
        case .notAMirror, .notADatabase: "Point --db (or SHELFMIRROR_DB) at a shelfmirror mirror, or at a new path to create one."
        case .missing: "Run `shelfmirror scan PATH` (or `shelfmirror sync`) first, or point --db at an existing mirror."
        case .cannotOpen: "Check that the folder exists and is writable, or choose another path with --db."
        case .readOnlyViolation: "`query` only reads (SELECT, WITH, EXPLAIN, read-only PRAGMA). Changes go through scan, sync, accept, reject and push."
        case .queryTimeout: "Narrow the query (WHERE, LIMIT), or allow more time with --timeout SECONDS."
        case .badQuery: "The public views and their columns are listed in schema/README.md (or run: shelfmirror query \"SELECT name FROM sqlite_master WHERE type='view'\")."
        case .interrupted: nil
        case .failed: "Nothing was lost: the change was rolled back. If it happens again, please report it with the command you ran."
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
