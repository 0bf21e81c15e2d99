import Foundation
import MirrorCore

/// A field's value typed by a user (in `review`, or edited in an exported CSV/JSON) turned into
/// the JSON a proposal stores; nil when it is empty (a proposal never empties a field).
public enum FieldText {
    public static func json(_ field: DiffField, text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else { return nil }
        switch field {
        case .authors, .narrators:
            let names = NameList.split(t)
            return names.isEmpty ? nil : JSONText.array(names)
        case .genres:
            let genres = t.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return genres.isEmpty ? nil : JSONText.array(genres)
        case .series:
            let entries = t.split(separator: ";").compactMap { part -> SeriesEntry? in
                let p = part.trimmingCharacters(in: .whitespaces)
                guard !p.isEmpty else { return nil }
                if let hash = p.range(of: " #", options: .backwards) {
                    let name = p[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
                    let sequence = p[hash.upperBound...].trimmingCharacters(in: .whitespaces)
                    return name.isEmpty ? nil : SeriesEntry(name: name, sequence: sequence.isEmpty ? nil : sequence)
                }
                return SeriesEntry(name: p, sequence: nil)
            }
            return entries.isEmpty ? nil : FieldValue.series(entries).json
        case .publishedYear:
            guard let year = TextCleaner.year(in: t) else { return nil }
            return JSONText.string(String(year))
        case .isbn:
            return Identifiers.isbn13(t).map(JSONText.string)
        case .asin:
            return Identifiers.asin(t).map(JSONText.string)
        default:
            return JSONText.string(t)
        }
    }

    /// Why `json` refused a text, for messages.
    public static func rule(_ field: DiffField) -> String {
        switch field {
        case .authors, .narrators: "names, separated by commas or \" & \""
        case .genres: "genres separated by commas"
        case .series: "\"Name #2\", several separated by \";\""
        case .publishedYear: "a year such as 2010"
        case .isbn: "a valid ISBN-10 or ISBN-13"
        case .asin: "a ten-character ASIN"
        default: "some text"
        }
    }
}
