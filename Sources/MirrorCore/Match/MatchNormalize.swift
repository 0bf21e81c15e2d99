import Foundation

/// Normal forms for comparing what ABS and Hardcover say, so that noise is not a difference:
/// case, accents, punctuation, leading articles, "(Unabridged)", series markers, subtitles,
/// "Last, First" and initials.
public enum MatchNormalize {
    /// Lower case, accents and compatibility forms folded (NFKD), "&" as "and", punctuation as
    /// spaces, white space collapsed.
    public static func fold(_ text: String) -> String { fold(text, transliterate: true) }

    /// `transliterate: false` keeps letters that do not decompose ("ł", "ß") as SQLite's FTS5
    /// tokenizer does, to build full-text queries.
    public static func fold(_ text: String, transliterate: Bool) -> String {
        foldASCII(text) ?? foldUnicode(text, transliterate: transliterate)
    }

    /// `fold` of an all-ASCII text, straight over its bytes; nil when the text is not all ASCII.
    /// Most titles and names are: they need no decomposition or letter classes, and this is
    /// where matching spends its time.
    static func foldASCII(_ text: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var space = true
        for byte in text.utf8 {
            switch byte {
            case 0x80...: return nil
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(byte)
                space = false
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                out.append(byte | 0x20)
                space = false
            case UInt8(ascii: "&"):
                if !space { out.append(UInt8(ascii: " ")) }
                out += "and ".utf8
                space = true
            case UInt8(ascii: "'"):
                continue
            default:
                if !space {
                    out.append(UInt8(ascii: " "))
                    space = true
                }
            }
        }
        if out.last == UInt8(ascii: " ") { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// `fold` of any text: compatibility decomposition, then case and diacritics folded.
    static func foldUnicode(_ text: String, transliterate: Bool) -> String {
        let folded = text.decomposedStringWithCompatibilityMapping
            .folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var out = ""
        out.reserveCapacity(folded.utf8.count)
        var space = true
        for ch in folded {
            // Letters with a stroke or ligatures do not decompose: "Łukasz" is "lukasz", "Ørsted" "orsted".
            if transliterate, let plain = transliterations[ch] {
                out += plain
                space = false
                continue
            }
            if ch.isLetter || ch.isNumber {
                out.append(ch)
                space = false
            } else if ch == "&" {
                if !space { out.append(" ") }
                out += "and "
                space = true
            } else if ch == "'" || ch == "’" {
                continue // "Ender's" = "Enders"
            } else if !space {
                out.append(" ")
                space = true
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return out
    }

    private static let transliterations: [Character: String] = [
        "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "þ": "th", "ð": "d", "ı": "i", "ħ": "h", "ŧ": "t",
    ]

    private static let articles: Set<String> = ["the", "a", "an", "le", "la", "les", "l", "der", "die", "das", "el", "los", "las", "il", "lo", "de", "het", "een"]
    private static let decorations = ["unabridged", "abridged", "audiobook", "audio edition", "a novel", "novel", "dramatized", "dramatised"]
    private static let seriesWords: Set<String> = ["book", "volume", "vol", "part", "tome", "band", "buch", "libro", "livre", "episode", "no", "number"]

    /// A title's normal form: folded, without decorations ("(Unabridged)", ": A Novel"), series
    /// markers ("Book 3", "#3", "(Series, Book 1)"), the subtitle after a colon, or a leading article.
    public static func title(_ text: String) -> String {
        var t = stripBrackets(text)
        // The subtitle after a colon (or a spaced dash) goes; but in "Series 02 - Title" (a common
        // file-naming habit) the series and number go and the title stays.
        for separator in [":", " - ", " – ", " — "] {
            guard let r = t.range(of: separator) else { continue }
            let before = fold(String(t[..<r.lowerBound]))
            let after = String(t[r.upperBound...])
            if let last = before.split(separator: " ").last, Int(last) != nil || romanNumeral(String(last)) != nil,
               !fold(after).isEmpty, separator != ":" || before.split(separator: " ").count > 1 {
                t = after
            } else if !before.isEmpty {
                t = String(t[..<r.lowerBound])
            }
        }
        // "#3", "#1.5": a series marker wherever it stands.
        if t.contains("#") {
            t = t.replacingOccurrences(of: #"#\s*\d+(\.\d+)?"#, with: " ", options: .regularExpression)
        }
        var words = fold(t).split(separator: " ").map(String.init)
        // Trailing markers: "Dune, Book 1", "Dune Vol. II", "Dune Book One" (a bare number stays: "Catch 22").
        while words.count > 2, let last = words.last, seriesWords.contains(words[words.count - 2]),
              Int(last) != nil || romanNumeral(last) != nil || spelledNumber(last) != nil {
            words.removeLast(2)
        }
        while let last = words.last, ["unabridged", "abridged", "audiobook"].contains(last), words.count > 1 { words.removeLast() }
        if words.count > 1, let first = words.first, articles.contains(first) { words.removeFirst() }
        return words.joined(separator: " ")
    }

    /// The title with its subtitle kept (for a second comparison): folded, decorations and
    /// leading article removed.
    public static func fullTitle(_ title: String, subtitle: String?) -> String {
        let joined = [title, subtitle].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        var words = fold(joined).split(separator: " ").map(String.init)
        if words.count > 1, let first = words.first, articles.contains(first) { words.removeFirst() }
        return words.filter { $0 != "unabridged" && $0 != "abridged" }.joined(separator: " ")
    }

    /// Bracketed parts that are decorations or series markers go ("(Unabridged)", "[Book 2]",
    /// "(Mistborn, #1)"); other bracketed text stays, without its brackets.
    static func stripBrackets(_ text: String) -> String {
        let pairs: [Character: Character] = ["(": ")", "[": "]", "{": "}"]
        var out = ""
        var inner = ""
        var closing: Character? = nil
        for ch in text {
            if let close = closing {
                if ch == close {
                    let folded = fold(inner)
                    let marker = inner.range(of: #"#\s*\d"#, options: .regularExpression) != nil
                    if !(isDecoration(folded) || hasSeriesMarker(folded) || marker || folded.isEmpty) { out += " " + inner + " " }
                    inner = ""
                    closing = nil
                } else {
                    inner.append(ch)
                }
            } else if let close = pairs[ch] {
                closing = close
            } else {
                out.append(ch)
            }
        }
        if closing != nil { out += " " + inner } // an unclosed bracket: keep its text
        return out
    }

    private static func isDecoration(_ folded: String) -> Bool {
        decorations.contains(folded) || folded.hasSuffix(" edition") || folded == "unabridged edition"
    }

    private static func hasSeriesMarker(_ folded: String) -> Bool {
        let words = folded.split(separator: " ").map(String.init)
        for (i, w) in words.enumerated() where seriesWords.contains(w) {
            if i + 1 < words.count, Int(words[i + 1]) != nil || romanNumeral(words[i + 1]) != nil || spelledNumber(words[i + 1]) != nil {
                return true
            }
        }
        return false
    }

    /// A person's normal form: "Tolkien, J.R.R." and "J. R. R. Tolkien" both give "j r r tolkien";
    /// suffixes (Jr., III) dropped.
    public static func person(_ name: String) -> String {
        var text = name
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count == 2, !suffixes.contains(fold(parts[1])) {
            text = parts[1] + " " + parts[0]
        }
        // "J.R.R." needs no spaces put in: folding makes each dot a space.
        let words = fold(text).split(separator: " ").map(String.init)
        var out: [String] = []
        for w in words where !suffixes.contains(w) {
            // "jrr" written as initials without dots stays a word; "j" "r" "r" are initials.
            out.append(w)
        }
        return out.joined(separator: " ")
    }

    private static let suffixes: Set<String> = ["jr", "sr", "ii", "iii", "iv", "phd", "md"]

    /// Whether two person names are the same person: equal normal forms, or the same surname
    /// with compatible given names ("J. R. R. Tolkien" ~ "John Ronald Reuel Tolkien", "Ursula Le Guin"
    /// ~ "Ursula K. Le Guin").
    public static func samePerson(_ a: String, _ b: String) -> Bool {
        samePerson(normal: person(a), person(b))
    }

    /// `samePerson` over two names already in normal form (`person`).
    static func samePerson(normal x: String, _ y: String) -> Bool {
        if x == y { return !x.isEmpty }
        let xs = x.split(separator: " ").map(String.init), ys = y.split(separator: " ").map(String.init)
        guard let xl = xs.last, let yl = ys.last, xl == yl, xl.count > 1 else {
            return Distance.similarity(x, y) >= 0.9
        }
        let xg = Array(xs.dropLast()), yg = Array(ys.dropLast())
        if xg.isEmpty || yg.isEmpty { return true }
        // Every given name of the shorter list is compatible with one of the other, in order.
        let (short, long) = xg.count <= yg.count ? (xg, yg) : (yg, xg)
        func compatible(_ s: String, _ l: String) -> Bool {
            s == l || (s.count == 1 && l.hasPrefix(s)) || (l.count == 1 && s.hasPrefix(l))
        }
        // The first given names must agree ("C. S. Lewis" is not "Sinclair Lewis").
        guard compatible(short[0], long[0]) else { return false }
        var j = 0
        for s in short {
            var found = false
            while j < long.count {
                let l = long[j]
                j += 1
                if compatible(s, l) { found = true; break }
            }
            if !found { return false }
        }
        return true
    }

    /// A series sequence as a number: "1" = "1.0" = "01" = "Book 1" = "I"; "1.5" kept; nil when none.
    public static func sequence(_ text: String?) -> Double? {
        guard let text else { return nil }
        if let r = text.range(of: #"\d+(\.\d+)?"#, options: .regularExpression) { return Double(text[r]) }
        for w in fold(text).split(separator: " ").map(String.init).reversed() {
            if let n = romanNumeral(w) { return Double(n) }
            if let n = spelledNumber(w) { return Double(n) }
        }
        return nil
    }

    /// A series name's normal form: folded, without a leading article or a trailing "series"/"saga".
    public static func series(_ name: String) -> String {
        var words = fold(name).split(separator: " ").map(String.init)
        if words.count > 1, let first = words.first, articles.contains(first) { words.removeFirst() }
        while words.count > 1, let last = words.last, ["series", "saga", "trilogy", "cycle", "chronicles", "reihe", "serie"].contains(last) {
            words.removeLast()
        }
        return words.joined(separator: " ")
    }

    static func romanNumeral(_ w: String) -> Int? {
        let table: [String: Int] = ["i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
                                    "xi": 11, "xii": 12]
        return table[w]
    }

    static func spelledNumber(_ w: String) -> Int? {
        let table: [String: Int] = ["one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                                    "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5]
        return table[w]
    }
}

/// String distance for normalised text.
public enum Distance {
    /// 1 for equal strings, 0 for nothing in common: the better of the Levenshtein ratio and the
    /// same ratio on sorted words (so word order counts for little).
    public static func similarity(_ a: String, _ b: String) -> Double {
        if a == b { return 1 }
        if a.isEmpty || b.isEmpty { return 0 }
        let direct = ratio(Array(a.unicodeScalars), Array(b.unicodeScalars))
        let sortedA = a.split(separator: " ").sorted().joined(separator: " ")
        let sortedB = b.split(separator: " ").sorted().joined(separator: " ")
        guard sortedA != a || sortedB != b else { return direct }
        return max(direct, ratio(Array(sortedA.unicodeScalars), Array(sortedB.unicodeScalars)))
    }

    /// 1 − levenshtein / longer length.
    static func ratio(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Double {
        let n = a.count, m = b.count
        if n == 0 || m == 0 { return n == m ? 1 : 0 }
        var previous = Array(0...m)
        var current = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            current[0] = i
            let ai = a[i - 1]
            for j in 1...m {
                let cost = ai == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return 1 - Double(previous[m]) / Double(max(n, m))
    }
}
