/// ISBN and ASIN forms.
public enum Identifiers {
    /// A valid ISBN-13 for an ISBN-10 or ISBN-13 in any common form ("0-7653-2635-X",
    /// "ISBN 978-0-7653-2635-5", "9780765326355"); nil when the check digit is wrong.
    public static func isbn13(_ raw: String) -> String? {
        var chars: [Character] = []
        for c in raw.uppercased() where c.isASCII && (c.isNumber || c == "X") { chars.append(c) }
        if chars.count == 10 { return isbn10to13(chars) }
        guard chars.count == 13, chars.allSatisfy(\.isNumber) else { return nil }
        let digits = chars.compactMap { $0.wholeNumberValue }
        let sum = digits.prefix(12).enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return (10 - sum % 10) % 10 == digits[12] ? String(chars) : nil
    }

    /// The ISBN-10 of an ISBN-13 starting with 978, if there is one.
    public static func isbn10(_ raw: String) -> String? {
        guard let isbn13 = isbn13(raw), isbn13.hasPrefix("978") else { return nil }
        let body = Array(isbn13.dropFirst(3).prefix(9)).compactMap { $0.wholeNumberValue }
        let sum = body.enumerated().reduce(0) { $0 + $1.element * (10 - $1.offset) }
        let check = (11 - sum % 11) % 11
        return body.map(String.init).joined() + (check == 10 ? "X" : String(check))
    }

    private static func isbn10to13(_ chars: [Character]) -> String? {
        let body = chars.prefix(9).compactMap { $0.wholeNumberValue }
        guard body.count == 9 else { return nil }
        let last = chars[9] == "X" ? 10 : chars[9].wholeNumberValue
        guard let last else { return nil }
        let sum = body.enumerated().reduce(0) { $0 + $1.element * (10 - $1.offset) } + last
        guard sum % 11 == 0 else { return nil }
        let twelve = [9, 7, 8] + body
        let sum13 = twelve.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return twelve.map(String.init).joined() + String((10 - sum13 % 10) % 10)
    }

    /// An ASIN in canonical form (ten upper-case letters or digits), or nil.
    public static func asin(_ raw: String) -> String? {
        let cleaned = raw.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        guard cleaned.count == 10, cleaned.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return cleaned
    }
}
