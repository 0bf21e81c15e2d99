/// Reads shelfmirror's config.toml: the subset of TOML it needs (no TOML package is available
/// here). Keys with basic ("…") or literal ('…') strings, integers, floats, booleans and arrays of
/// strings; `[table]` headers prefix keys with "table."; `#` comments. Anything else is an
/// error naming the line, so a typo never passes silently.
public enum ConfigFile {
    public enum Value: Sendable, Equatable {
        case string(String)
        case strings([String])
        case integer(Int)
        case number(Double)
        case bool(Bool)

        /// An integer or a float as a number.
        public var double: Double? {
            switch self {
            case .integer(let n): Double(n)
            case .number(let x): x
            default: nil
            }
        }
    }

    public struct ParseError: UserFacingError, Equatable {
        public var path: String
        public var line: Int
        public var reason: String
        public init(path: String, line: Int, reason: String) {
            self.path = path
            self.line = line
            self.reason = reason
        }
        public var kind: FailureKind { .configuration }
        public var summary: String { "\(path), line \(line): \(reason)" }
        public var hint: String? { "Fix the line (see `shelfmirror config --help` for the keys), or remove the file." }
    }

    public static func parse(_ text: String, path: String) throws -> [String: Value] {
        var values: [String: Value] = [:]
        var table = ""
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            func fail(_ reason: String) -> ParseError { ParseError(path: path, line: number, reason: reason) }
            var line = Substring(stripComment(String(rawLine))).trimmingWhitespace()[...]
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else { throw fail("a table header looks like [name]") }
                table = line.dropFirst().dropLast().trimmingWhitespace()
                // Dotted names ([match.weights]) are nested tables.
                guard !table.isEmpty, table.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty && $0.allSatisfy(isKeyCharacter) }) else {
                    throw fail("bad table name \"\(table)\"")
                }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { throw fail("expected key = value") }
            let key = line[..<eq].trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy(isKeyCharacter) else { throw fail("bad key \"\(key)\"") }
            line = line[line.index(after: eq)...].drop(while: \.isWhitespace)
            let fullKey = table.isEmpty ? key : table + "." + key
            guard values[fullKey] == nil else { throw fail("\(fullKey) is set twice") }
            guard let value = try parseValue(&line, fail: fail) else { throw fail("unsupported value for \(fullKey)") }
            guard line.trimmingWhitespace().isEmpty else { throw fail("unexpected text after the value of \(fullKey)") }
            values[fullKey] = value
        }
        return values
    }

    private static func isKeyCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
    }

    /// Removes a `#` comment that is not inside a string.
    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        var escaped = false
        for (i, c) in zip(line.indices, line) {
            if let q = quote {
                if escaped { escaped = false } else if c == "\\" && q == "\"" { escaped = true } else if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" {
                return String(line[..<i])
            }
        }
        return line
    }

    private static func parseValue(_ s: inout Substring, fail: (String) -> ParseError) throws -> Value? {
        if s.hasPrefix("\"") || s.hasPrefix("'") { return .string(try parseString(&s, fail: fail)) }
        if s.hasPrefix("[") {
            s = s.dropFirst()
            var items: [String] = []
            while true {
                s = s.drop(while: \.isWhitespace)
                if s.hasPrefix("]") { s = s.dropFirst(); break }
                guard s.hasPrefix("\"") || s.hasPrefix("'") else { throw fail("arrays hold strings here") }
                items.append(try parseString(&s, fail: fail))
                s = s.drop(while: \.isWhitespace)
                if s.hasPrefix(",") { s = s.dropFirst() } else if !s.hasPrefix("]") { throw fail("expected , or ] in the array") }
            }
            return .strings(items)
        }
        let word = s.prefix(while: { !$0.isWhitespace })
        s = s.dropFirst(word.count)
        if word == "true" { return .bool(true) }
        if word == "false" { return .bool(false) }
        let digits = word.replacingOccurrences(of: "_", with: "")
        if let int = Int(digits) { return .integer(int) }
        if digits.contains("."), let x = Double(digits), x.isFinite { return .number(x) }
        return nil
    }

    private static func parseString(_ s: inout Substring, fail: (String) -> ParseError) throws -> String {
        let quote = s.first!
        s = s.dropFirst()
        var out = ""
        var escaped = false
        while let c = s.first {
            s = s.dropFirst()
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\"", "\\": out.append(c)
                default: throw fail("unknown escape \\\(c)")
                }
                escaped = false
            } else if c == "\\" && quote == "\"" {
                escaped = true
            } else if c == quote {
                return out
            } else {
                out.append(c)
            }
        }
        throw fail("a string is not closed")
    }
}
