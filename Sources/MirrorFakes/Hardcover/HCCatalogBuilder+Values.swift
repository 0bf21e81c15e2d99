import Foundation

// Values of generated Hardcover books: titles as Hardcover spells them, dates, identifiers.

extension HCCatalogBuilder {
    static let printPublishers = ["Tor Books", "Orbit", "Del Rey", "Gollancz", "Penguin Books", "Vintage",
                                  "HarperCollins", "Bloomsbury", "Ace", "DAW", "Picador", "Faber & Faber"]

    /// The book's title and subtitle for an item of that class. `.title`: the item's exactly.
    /// `.search`: always different from the item's title, yet found by "title author".
    /// `.identifier`: the item's, or (40%) different as for `.search`.
    static func title(for item: FakeABSItem, kind: FakeHardcoverMix.Kind, _ rng: inout SplitMix64) -> (String, String?) {
        let base = item.title.isEmpty ? "Untitled" : item.title
        switch kind {
        case .title:
            return (base, item.subtitle)
        case .identifier where rng.chance(0.6):
            return (base, item.subtitle)
        case .identifier, .search:
            return (decorated(base, item: item, &rng), rng.chance(0.7) ? item.subtitle : nil)
        }
    }

    /// A title that differs from `title` as Hardcover's often differ from a library's: a leading
    /// article added or dropped, "(Unabridged)" or "Book N" added, "and" written "&", an
    /// apostrophe dropped. At most one of the title's words goes missing.
    static func decorated(_ title: String, item: FakeABSItem, _ rng: inout SplitMix64) -> String {
        var options: [String] = []
        let lower = title.lowercased()
        if lower.hasPrefix("the ") {
            options.append(String(title.dropFirst(4)))
        } else if lower.hasPrefix("a ") {
            options.append(String(title.dropFirst(2)))
        } else {
            options.append("The " + title)
        }
        options.append(title + " (Unabridged)")
        let number = item.series.first?.sequence.flatMap { Double($0) }.map { HCJSON.double($0).text } ?? "1"
        options.append(title + ": Book " + number)
        if title.contains(" and ") { options.append(title.replacingOccurrences(of: " and ", with: " & ")) }
        if title.contains("'") { options.append(title.replacingOccurrences(of: "'", with: "")) }
        if title.contains(" & ") { options.append(title.replacingOccurrences(of: " & ", with: " and ")) }
        let choice = rng.pick(options)
        return choice == title ? title + " (Unabridged)" : choice
    }

    /// ABS's sanitised HTML as Hardcover's plain text.
    static func plainText(_ html: String) -> String {
        var text = ""
        var inTag = false
        var tag = ""
        for c in html {
            if c == "<" {
                inTag = true
                tag = ""
            } else if c == ">", inTag {
                inTag = false
                let name = tag.lowercased()
                if name.hasPrefix("br") || name == "/p" { text += "\n" }
            } else if inTag {
                tag.append(c)
            } else {
                text.append(c)
            }
        }
        for (entity, value) in [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'")] {
            text = text.replacingOccurrences(of: entity, with: value)
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func date(year: Int, _ rng: inout SplitMix64) -> String {
        let month = rng.int(in: 1...12), day = rng.int(in: 1...28)
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    static func language(_ name: String?, _ rng: inout SplitMix64) -> FakeHardcoverLanguage? {
        switch name?.lowercased() {
        case "english"?: .english
        case "german"?: .german
        case "french"?: .french
        case "spanish"?: .spanish
        case nil: rng.chance(0.7) ? .english : nil
        default: FakeHardcoverLanguage(name: name!, code2: nil, code3: nil)
        }
    }

    /// Another marketplace's ASIN for the same recording: the item's with its tail changed, or a new one.
    static func otherRegion(_ asin: String?, _ rng: inout SplitMix64) -> String {
        guard let asin, asin.count == 10 else { return FakeABSGenerator.asin(&rng) }
        var other: String
        repeat {
            other = String(asin.prefix(6)) + String(FakeABSGenerator.asin(&rng).suffix(4))
        } while other == asin
        return other
    }

    static func isbn13(_ rng: inout SplitMix64) -> String { FakeABSGenerator.isbn13(&rng) }
}
