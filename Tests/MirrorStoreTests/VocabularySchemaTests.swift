import Foundation
import MirrorCore
import MirrorStore
import Testing

/// The lifecycle's enums and the schema's CHECK constraints name the same values: a status added
/// on one side only fails here, not in a user's mirror.
struct VocabularySchemaTests {
    /// The values `CHECK (column IN (…))` allows in `table`, from the table's SQL.
    static func allowed(_ table: String, _ column: String) throws -> Set<String> {
        let mirror = try Mirror.inMemory()
        var sql = ""
        try mirror.query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '\(table)'", timeout: 5, columns: { _ in }) {
            if case .text(let text) = $0[0] { sql = text }
        }
        let pattern = try NSRegularExpression(pattern: "\\b\(column) TEXT NOT NULL CHECK \\(\(column) IN \\(([^)]*)\\)\\)")
        guard let match = pattern.firstMatch(in: sql, range: NSRange(sql.startIndex..., in: sql)),
              let list = Range(match.range(at: 1), in: sql) else { return [] }
        return Set(sql[list].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " '\n")) })
    }

    @Test(arguments: [
        ("change", "status", Set(ChangeStatus.allCases.map(\.rawValue))),
        ("push_journal", "state", Set(JournalState.allCases.map(\.rawValue))),
        ("push_run", "kind", Set(RunKind.allCases.map(\.rawValue))),
        ("push_run", "status", Set(RunStatus.allCases.map(\.rawValue))),
        ("change", "field", Set(ChangeField.allCases.map(\.rawValue))),
        ("change", "source", Set(["hardcover", "tags", "progress"])),
        ("change", "target", Set(PushTarget.allCases.map(\.rawValue))),
        ("push_run", "target", Set(PushTarget.allCases.map(\.rawValue))),
    ])
    func anEnumNamesExactlyTheValuesItsColumnAllows(_ table: String, _ column: String, _ values: Set<String>) throws {
        #expect(try Self.allowed(table, column) == values)
    }
}
