/// Parses `.env` text: `KEY=value` lines, optional `export `, `#` comments, single or double
/// quotes (double quotes understand \n, \" and \\). Lines that are not assignments are skipped.
public enum DotEnv {
    public static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            var line = Substring(rawLine).drop(while: \.isWhitespace)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = line.dropFirst("export ".count).drop(while: \.isWhitespace) }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            values[key] = value(line[line.index(after: eq)...].drop(while: \.isWhitespace))
        }
        return values
    }

    private static func value(_ raw: Substring) -> String {
        if raw.hasPrefix("\"") {
            var out = ""
            var escaped = false
            for c in raw.dropFirst() {
                if escaped {
                    out.append(c == "n" ? "\n" : c)
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    return out
                } else {
                    out.append(c)
                }
            }
            return out
        }
        if raw.hasPrefix("'") {
            let body = raw.dropFirst()
            return String(body.prefix(while: { $0 != "'" }))
        }
        // Unquoted: up to an inline comment (" #").
        var text = String(raw)
        if let hash = text.range(of: " #") { text = String(text[..<hash.lowerBound]) }
        return text.trimmingWhitespace()
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
