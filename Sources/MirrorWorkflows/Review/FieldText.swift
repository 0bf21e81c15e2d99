import Foundation
import MirrorCore

/// A field's value typed by a user (in `review`, or edited in an exported CSV/JSON) turned into
/// the JSON a proposal stores; nil when it is empty (a proposal never empties a field).
public enum FieldText {
    public static func json(_ field: ChangeField, text: String) -> String? {
        switch field {
        case .abs(let field): json(field, text: text)
        case .hardcover(let field): json(field, text: text)
        }
    }

    /// Why `json` refused a text, for messages.
    public static func rule(_ field: ChangeField) -> String {
        switch field {
        case .abs(let field): rule(field)
        case .hardcover(let field): rule(field)
        }
    }

    /// A listening value: a status by name ("read", "Currently Reading"), a whole number of seconds
    /// or "4 h 10 min", a date "YYYY-MM-DD", an edition id, yes/no. A read is not typed: it is
    /// accepted or rejected as proposed.
    static func json(_ field: ListeningField, text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else { return nil }
        switch field {
        case .status: return HardcoverReadingStatus(slug: t).map(ListeningValue.status)
        case .edition: return Int(t).flatMap { $0 > 0 ? ListeningValue.int($0) : nil }
        case .owned:
            switch t.lowercased() {
            case "yes", "true", "owned": return ListeningValue.bool(true)
            case "no", "false", "not owned": return ListeningValue.bool(false)
            default: return nil
            }
        case .progressSeconds: return seconds(t).map(ListeningValue.int)
        case .startedOn, .finishedOn: return HardcoverDate(t).map(ListeningValue.date)
        case .read: return nil
        }
    }

    static func rule(_ field: ListeningField) -> String {
        switch field {
        case .status: "want_to_read, currently_reading, read, paused, did_not_finish or ignored"
        case .edition: "a Hardcover edition id"
        case .owned: "yes or no"
        case .progressSeconds: "seconds, or \"4 h 10 min\""
        case .startedOn, .finishedOn: "a date such as 2026-03-05"
        case .read: "the proposed read as it is (a read cannot be typed; reject it instead)"
        }
    }

    /// "15000", "4 h 10 min", "12 min 5 s": whole seconds.
    static func seconds(_ text: String) -> Int? {
        if let n = Int(text) { return n >= 0 ? n : nil }
        var total = 0
        let parts = text.split(separator: " ")
        guard parts.count % 2 == 0, !parts.isEmpty else { return nil }
        for n in stride(from: 0, to: parts.count, by: 2) {
            guard let value = Int(parts[n]), value >= 0 else { return nil }
            switch parts[n + 1] {
            case "h": total += value * 3600
            case "min": total += value * 60
            case "s": total += value
            default: return nil
            }
        }
        return total
    }

    static func json(_ field: DiffField, text: String) -> String? {
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

    static func rule(_ field: DiffField) -> String {
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
