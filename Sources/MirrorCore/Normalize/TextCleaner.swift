import Foundation

/// Small, pure text clean-ups applied wherever text enters the mirror.
public enum TextCleaner {
    /// A tag value as stored: NFC, without NUL and other control characters (but newlines and
    /// tabs), without surrounding white space.
    public static func tagValue(_ raw: String) -> String {
        var hasControl = false
        var isASCII = true
        for byte in raw.utf8 {
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D || byte == 0x7F { hasControl = true }
            if byte >= 0x80 { isASCII = false }
        }
        var text = raw
        if hasControl || !isASCII {
            var scalars = String.UnicodeScalarView()
            for scalar in raw.unicodeScalars {
                switch scalar.value {
                case 0x09, 0x0A, 0x0D: scalars.append(scalar)
                case 0x00...0x1F, 0x7F, 0xFEFF: continue
                default: scalars.append(scalar)
                }
            }
            text = String(scalars)
            if !isASCII { text = text.precomposedStringWithCanonicalMapping }
        }
        guard let first = text.first, let last = text.last else { return text }
        if first.isWhitespace || last.isWhitespace {
            return String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        return text
    }

    /// The first plausible four-digit year (1000...2999) in a date-like string:
    /// "2019-05-04", "2019", "May 2019", "2019/05". Longer digit runs are not years.
    public static func year(in text: String) -> Int? {
        var run: [Int] = []
        for scalar in text.unicodeScalars.map(Optional.some) + [nil] {
            if let scalar, ("0"..."9").contains(scalar) {
                run.append(Int(scalar.value) - 48)
                continue
            }
            if run.count == 4 {
                let value = run.reduce(0) { $0 * 10 + $1 }
                if (1000...2999).contains(value) { return value }
            }
            run.removeAll()
        }
        return nil
    }
}
