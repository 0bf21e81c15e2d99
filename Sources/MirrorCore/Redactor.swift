/// Keeps secrets out of text that is shown or stored: every configured secret (tokens, and the
/// credentials of configured URLs) wherever it appears, and the credentials of any URL in the text.
///
/// `Redactor.url(_:)` is the one way a URL is shown or stored: its user info becomes `***@`, the
/// values of its sensitive query parameters (`token`, `api_key`, `password`, …) become `***`.
public struct Redactor: Sendable, Equatable {
    /// What a secret is replaced with in free text.
    public static let mark = "‹redacted›"
    /// Shorter values are not scrubbed: a secret that short protects nothing, and replacing it
    /// would garble every message.
    public static let minimumLength = 4

    /// The texts to replace, longest first (a secret that holds another is replaced whole).
    public let secrets: [String]

    public init(secrets: some Sequence<String> = [String]()) {
        var forms = Set<String>()
        for secret in secrets {
            let value = secret.trimmingWhitespace()
            guard value.count >= Self.minimumLength else { continue }
            forms.insert(value)
            // As other code may have written it: escaped by Swift's debug description
            // (`\n`, `\u{01}`, `\"`), and percent-encoded in a URL.
            let debug = String(String(reflecting: value).dropFirst().dropLast())
            forms.insert(debug)
            forms.insert(Self.percentEncoded(value))
        }
        self.secrets = forms.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// This redactor, knowing more secrets.
    public func adding(_ more: some Sequence<String>) -> Redactor {
        Redactor(secrets: secrets + Array(more))
    }

    /// `text` with the credentials of every URL in it redacted, and every secret replaced.
    public func scrub(_ text: String) -> String {
        var out = Self.urls(in: text)
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: Self.mark)
        }
        return out
    }

    /// The secrets a URL holds: the password of its user info, and the values of its sensitive
    /// query (and fragment) parameters, as written and percent-decoded.
    public static func secrets(inURL text: String) -> [String] {
        let parts = URLParts(text)
        var found: [String] = []
        if let userInfo = parts.userInfo, let colon = userInfo.firstIndex(of: ":") {
            let password = String(userInfo[userInfo.index(after: colon)...])
            found += [password, percentDecoded(password)]
        }
        for parameter in parts.parameters where isSensitive(parameter.name) {
            found += [parameter.value, percentDecoded(parameter.value)]
        }
        return found.filter { $0.count >= minimumLength }
    }

    /// A URL fit to show or store: `http://user:pw@nas:13378/x?token=t&page=2` becomes
    /// `http://***@nas:13378/x?token=***&page=2`. A text without credentials is returned as is.
    public static func url(_ text: String) -> String {
        URLParts(text).redacted
    }

    /// `text` with every URL in it (`scheme://…`) redacted as `url(_:)` does.
    public static func urls(in text: String) -> String {
        guard text.contains("://") else { return text }
        var out = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            // The scheme: letters, digits, + - . back from "://", starting with a letter.
            var start = separator.lowerBound
            while start > rest.startIndex, let c = rest[rest.index(before: start)].asciiValue,
                  isSchemeByte(c) {
                start = rest.index(before: start)
            }
            while start < separator.lowerBound, rest[start].isASCII, !rest[start].isLetter { start = rest.index(after: start) }
            var end = separator.upperBound
            while end < rest.endIndex, !Self.endsURL(rest[end]) { end = rest.index(after: end) }
            // Punctuation that ends a sentence is not part of the URL.
            while end > separator.upperBound, ".,;:!)]}".contains(rest[rest.index(before: end)]) { end = rest.index(before: end) }
            out += rest[..<start]
            out += start < separator.lowerBound ? url(String(rest[start..<end])) : String(rest[start..<end])
            rest = rest[end...]
        }
        return out + rest
    }

    /// Query parameter names whose values are credentials.
    public static func isSensitive(_ name: String) -> Bool {
        let key = name.lowercased().filter { $0 != "_" && $0 != "-" }
        if ["key", "auth", "authorization", "sig", "code", "pass", "pw"].contains(key) { return true }
        return ["token", "secret", "passw", "pwd", "apikey", "accesskey", "privatekey", "credential", "session", "signature", "jwt", "bearer"]
            .contains { key.contains($0) }
    }

    private static func isSchemeByte(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2B || c == 0x2D || c == 0x2E
    }

    private static func endsURL(_ c: Character) -> Bool {
        c.isWhitespace || "\"'<>`".contains(c) || c.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    private static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~".contains(c) {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") || text.contains("+") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A URL cut into the parts that may hold credentials, by hand: a URL that does not parse
/// (a space, a stray character) must be redacted too.
private struct URLParts {
    /// `scheme://`, or "" when there is none.
    var head: Substring
    var userInfo: Substring?
    /// Host, port, path.
    var location: Substring
    var query: Substring?
    var fragment: Substring?

    init(_ text: String) {
        var rest = Substring(text)
        if let separator = rest.range(of: "://"), !rest[..<separator.lowerBound].contains(where: { "/?#@".contains($0) }) {
            head = rest[..<separator.upperBound]
            rest = rest[separator.upperBound...]
        } else {
            head = ""
        }
        if let hash = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        }
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        // The user info ends at the last "@" of the authority (a password may hold "@").
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        location = rest
    }

    var parameters: [(name: String, value: String)] {
        [query, fragment].compactMap { $0 }.flatMap { part in
            part.split(separator: "&").compactMap { pair -> (String, String)? in
                guard let eq = pair.firstIndex(of: "=") else { return nil }
                return (String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
            }
        }
    }

    var redacted: String {
        var out = String(head)
        if let userInfo, !userInfo.isEmpty { out += "***@" } else if userInfo != nil { out += "@" }
        out += location
        if let query { out += "?" + Self.redact(query) }
        if let fragment { out += "#" + Self.redact(fragment) }
        return out
    }

    private static func redact(_ parameters: Substring) -> String {
        parameters.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            guard let eq = pair.firstIndex(of: "="), Redactor.isSensitive(String(pair[..<eq])), pair.index(after: eq) < pair.endIndex else {
                return String(pair)
            }
            return String(pair[...eq]) + "***"
        }.joined(separator: "&")
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
