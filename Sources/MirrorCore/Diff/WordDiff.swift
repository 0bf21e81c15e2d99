import Foundation

/// A word-level diff of two display values: the words only the old one has are struck, the
/// words only the new one has are marked, and the white space between stays as it was.
public enum WordDiff {
    struct Token: Equatable {
        var text: String
        var isSpace: Bool
    }

    /// Both values as HTML, each run of changed words in one `<del>` (old) or `<ins>` (new).
    public static func marked(_ old: String, _ new: String) -> (old: String, new: String) {
        let a = tokens(old), b = tokens(new)
        let wordsA = a.filter { !$0.isSpace }.map(\.text), wordsB = b.filter { !$0.isSpace }.map(\.text)
        let (removed, added) = changed(wordsA, wordsB)
        return (render(a, changed: absorbed(wordsA, removed), tag: "del"), render(b, changed: absorbed(wordsB, added), tag: "ins"))
    }

    /// A punctuation mark left between two changed words is not worth showing as kept: it
    /// joins their run ("<ins>the city, until</ins>", not "<ins>the city</ins>, <ins>until</ins>").
    static func absorbed(_ words: [String], _ changed: Set<Int>) -> Set<Int> {
        var out = changed
        for i in words.indices.dropFirst().dropLast() where !changed.contains(i) && changed.contains(i - 1) && changed.contains(i + 1)
            && !words[i].contains(where: { $0.isLetter || $0.isNumber }) {
            out.insert(i)
        }
        return out
    }

    /// Runs of white space, runs of letters and digits, and any other character alone:
    /// punctuation, emoji, and Chinese or Japanese characters (no spaces between their words).
    static func tokens(_ text: String) -> [Token] {
        var out: [Token] = []
        var word = false
        for c in text {
            let scalar = c.unicodeScalars.first!
            let ideograph = scalar.properties.isIdeographic || (0x3040...0x30FF).contains(scalar.value)
            let isWord = (c.isLetter || c.isNumber) && !ideograph
            if let last = out.last, c.isWhitespace ? last.isSpace : (isWord && word) {
                out[out.count - 1].text.append(c)
            } else {
                out.append(Token(text: String(c), isSpace: c.isWhitespace))
            }
            word = isWord
        }
        return out
    }

    /// The offsets of the words only `a` has and of those only `b` has: the common head and
    /// tail set aside, the rest by the standard library's (Myers) difference, or all of it
    /// changed when too long to compare quickly.
    static func changed(_ a: [String], _ b: [String]) -> (removed: Set<Int>, added: Set<Int>) {
        var head = 0, tail = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        let midA = a[head ..< a.count - tail], midB = b[head ..< b.count - tail]
        guard midA.count + midB.count <= 4000 else { return (Set(midA.indices), Set(midB.indices)) }
        var removed = Set<Int>(), added = Set<Int>()
        for change in midB.difference(from: midA) {
            switch change {
            case .remove(let offset, _, _): removed.insert(head + offset)
            case .insert(let offset, _, _): added.insert(head + offset)
            }
        }
        return (removed, added)
    }

    /// The tokens as HTML; changed words, with the space between two of them, inside `tag`.
    static func render(_ tokens: [Token], changed: Set<Int>, tag: String) -> String {
        var out = "", space = "", open = false, n = 0
        for t in tokens {
            if t.isSpace { space += t.text; continue }
            let isChanged = changed.contains(n)
            n += 1
            if open, !isChanged { out += "</\(tag)>" }
            out += HTMLText.escape(space)
            if !open, isChanged { out += "<\(tag)>" }
            open = isChanged
            space = ""
            out += HTMLText.escape(t.text)
        }
        return out + (open ? "</\(tag)>" : "") + HTMLText.escape(space)
    }
}
