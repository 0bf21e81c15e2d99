/// Minimal JSON writing for values the mirror stores as JSON text, keeping key order
/// (Foundation's serialiser does not). Strings are escaped per RFC 8259.
public enum JSONText {
    public static func string(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + s + "\"" }
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// {"KEY": "value", "MULTI": ["a", "b"]}: one value as a string, several as an array.
    public static func tags(_ tags: TagMap) -> String {
        let members = tags.entries.map { entry -> String in
            let value = entry.values.count == 1 ? string(entry.values[0]) : "[" + entry.values.map(string).joined(separator: ",") + "]"
            return string(entry.key) + ":" + value
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// [{"start": 0.0, "end": 1.5, "title": "..."}], times in seconds as ABS gives them.
    public static func chapters(_ chapters: [Chapter]) -> String {
        let items = chapters.map { c in
            "{\"start\":\(seconds(c.startMs)),\"end\":\(seconds(c.endMs)),\"title\":\(c.title.map(string) ?? "null")}"
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    public static func array(_ values: [String]) -> String {
        "[" + values.map(string).joined(separator: ",") + "]"
    }

    private static func seconds(_ ms: Int64) -> String {
        ms % 1000 == 0 ? "\(ms / 1000)" : "\(Double(ms) / 1000)"
    }
}
