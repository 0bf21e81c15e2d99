import Foundation

/// Splits person lists as found in tags and ABS fields into single names, in order:
/// "Michael Kramer & Kate Reading", "A, B and C", "Sanderson, Brandon; Kramer, Michael",
/// "Tolkien, J.R.R." (one name, turned to "J.R.R. Tolkien"), "Le Guin, Ursula K.".
public enum NameList {
    private static let suffixes: Set<String> = ["jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md", "m.d."]
    private static let particles: Set<String> = ["de", "del", "della", "di", "da", "du", "van", "von", "der", "den", "le", "la", "st.", "mac", "o'", "ten", "ter"]

    public static func split(_ text: String) -> [String] {
        var names: [String] = []
        for group in groups(text) {
            for name in splitCommaGroup(group) where !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Splits on ";", "/", "&", " and " and " with " — separators that never sit inside a name.
    private static func groups(_ text: String) -> [String] {
        var parts = [TextCleaner.tagValue(text)]
        for separator in [";", " / ", "&", " and ", " And ", " with ", "\n"] {
            parts = parts.flatMap { $0.components(separatedBy: separator) }
        }
        return parts.map(trim).filter { !$0.isEmpty }
    }

    private static func splitCommaGroup(_ group: String) -> [String] {
        var parts = group.split(separator: ",").map { trim(String($0)) }.filter { !$0.isEmpty }
        // "Name, Jr." keeps its suffix.
        var merged: [String] = []
        for part in parts {
            if suffixes.contains(part.lowercased()), let last = merged.popLast() {
                merged.append("\(last), \(part)")
            } else {
                merged.append(part)
            }
        }
        parts = merged
        guard parts.count > 1 else { return parts }
        // "Last, First" pairs: every even part is a surname and every odd part given names.
        if parts.count % 2 == 0 {
            let pairs = stride(from: 0, to: parts.count, by: 2).map { (parts[$0], parts[$0 + 1]) }
            if pairs.allSatisfy({ isSurname($0.0) && (isGivenNames($0.1) || isInitials($0.1)) }) {
                return pairs.map { "\($0.1) \($0.0)" }
            }
        }
        return parts
    }

    /// One word ("Tolkien", "Smith-Jones") or particles before one word ("Le Guin", "van der Berg").
    private static func isSurname(_ text: String) -> Bool {
        let words = text.split(separator: " ").map(String.init)
        guard let last = words.last, !words.isEmpty, !suffixes.contains(last.lowercased()) else { return false }
        return words.dropLast().allSatisfy { particles.contains($0.lowercased()) }
    }

    /// One or two given names, possibly with initials: "Brandon", "Ursula K.", "Mary Robinette".
    private static func isGivenNames(_ text: String) -> Bool {
        let words = text.split(separator: " ")
        return words.count <= 2 && !words.isEmpty
    }

    /// Initials only: "J.R.R.", "J. R. R.", "C.S."
    private static func isInitials(_ text: String) -> Bool {
        let letters = text.filter { $0.isLetter }
        return !letters.isEmpty && letters.count <= 4 && text.contains(".")
    }

    private static func trim(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespacesAndNewlines.union(.init(charactersIn: ",")))
    }
}
