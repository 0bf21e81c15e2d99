import Foundation
import MirrorCore

/// The bodies of AudiobookShelf's update endpoints, built the way the server reads them:
/// authors as `[{"name": …}]` (strings, or an empty list, would unlink every author), series
/// sequences as strings, the description as plain text, published year as a string, arrays
/// replacing whole arrays. Keys in a fixed order, so a dry run prints the same every time.
public enum ABSPayload {
    /// `{"metadata": {…}}` for PATCH /api/items/:id/media, and `mediaPayload` of batch/update.
    /// Returns nil when `fields` would empty the author list, unless `allowingNoAuthors` (an undo
    /// restoring the empty list a push filled).
    public static func mediaPayload(_ fields: [(DiffField, FieldValue?)], allowingNoAuthors: Bool = false) -> String? {
        var members: [String] = []
        for (field, value) in fields.sorted(by: { order($0.0) < order($1.0) }) {
            let key: String
            let json: String
            switch field {
            case .authors:
                let names: [String]
                if case .list(let l)? = value, !l.isEmpty { names = l } else if allowingNoAuthors { names = [] } else { return nil }
                key = "authors"
                json = "[" + names.map { "{\"name\":\(JSONText.string($0))}" }.joined(separator: ",") + "]"
            case .narrators, .genres:
                key = field.rawValue
                if case .list(let l)? = value { json = JSONText.array(l) } else { json = "[]" }
            case .series:
                key = "series"
                if case .series(let entries)? = value {
                    json = "[" + entries.map { "{\"name\":\(JSONText.string($0.name)),\"sequence\":\($0.sequence.map(JSONText.string) ?? "null")}" }
                        .joined(separator: ",") + "]"
                } else {
                    json = "[]"
                }
            case .publishedYear:
                key = "publishedYear"
                json = text(value).map(JSONText.string) ?? "null"
            default:
                key = field.rawValue
                json = text(value).map(JSONText.string) ?? "null"
            }
            members.append("\(JSONText.string(key)):\(json)")
        }
        return "{\"metadata\":{" + members.joined(separator: ",") + "}}"
    }

    /// The body of POST /api/items/batch/update: every entry with its mediaPayload.
    public static func batchUpdate(_ entries: [(id: String, mediaPayload: String)]) -> String {
        "[" + entries.map { "{\"id\":\(JSONText.string($0.id)),\"mediaPayload\":\($0.mediaPayload)}" }.joined(separator: ",") + "]"
    }

    private static func text(_ value: FieldValue?) -> String? {
        switch value {
        case .text(let s)?: s
        case .list(let l)?: l.joined(separator: ", ")
        case .series(let e)?: e.map(\.name).joined(separator: ", ")
        case nil: nil
        }
    }

    private static func order(_ field: DiffField) -> Int { DiffField.allCases.firstIndex(of: field) ?? 0 }
}
