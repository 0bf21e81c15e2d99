import Foundation
import MirrorStore
import TestSupport
import Testing

/// schema/README.md documents every public view and every column, in order.
struct SchemaDocumentationTests {
    /// The documented columns of each "## `name`" section.
    static func documented() throws -> [String: [String]] {
        let text = try String(contentsOf: Fixtures.root.appendingPathComponent("schema/README.md"), encoding: .utf8)
        var sections: [String: [String]] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("## `") {
                current = line.split(separator: "`").dropFirst().first.map(String.init)
            } else if let name = current, line.hasPrefix("| `") {
                sections[name, default: []].append(String(line.split(separator: "`")[1]))
            }
        }
        return sections
    }

    @Test func everyViewAndColumnIsDocumented() throws {
        let mirror = try Mirror.inMemory()
        var views: [String] = []
        try mirror.query("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name", timeout: 5, columns: { _ in }) {
            if case .text(let name) = $0[0] { views.append(name) }
        }
        #expect(!views.isEmpty)
        let docs = try Self.documented()
        for view in views {
            var columns: [String] = []
            try mirror.query("SELECT * FROM \(view) LIMIT 0", timeout: 5, columns: { columns = $0 }, row: { _ in })
            #expect(docs[view] == columns, "schema/README.md and the view \(view) disagree")
        }
    }
}
