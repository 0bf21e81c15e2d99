import Foundation

/// Small, pure text clean-ups applied wherever text enters the mirror.
public enum TextCleaner {
    /// A tag value as stored: NFC, without NUL and other control characters (but newlines and
    /// tabs), without surrounding white space.
    public static func tagValue(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: scalars.append(scalar)
            case 0x00...0x1F, 0x7F, 0xFEFF: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars).precomposedStringWithCanonicalMapping
            .trimmingCharacters(in: .whitespacesAndNewlines)
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
