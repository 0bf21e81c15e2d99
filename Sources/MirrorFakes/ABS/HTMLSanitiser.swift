/// What AudiobookShelf does to descriptions (server/utils/htmlSanitizer.js, over sanitize-html and
/// htmlparser2), reproduced for the inputs books carry: allowed tags p ol ul li a br b i strong em
/// del (a keeps href with http/https/mailto or a relative URL, name and target); other tags are
/// dropped with their text kept, except script/style/textarea/option whose text goes too; text
/// entities are decoded, then &, < and > escaped; open elements are closed at the end.
public enum HTMLSanitiser {
    static let allowedTags: Set<String> = ["p", "ol", "ul", "li", "a", "strong", "em", "del", "br", "b", "i"]

    /// The description as ABS stores it after a PATCH.
    public static func sanitize(_ html: String) -> String {
        run(html, allowed: allowedTags)
    }

    /// descriptionPlain: every tag removed, then ABS's entity decoding (named entities only).
    public static func stripAllTags(_ html: String) -> String {
        decodeNamedEntities(run(html, allowed: []))
    }

    // MARK: - Parser

    private static let voidTags: Set<String> = ["area", "base", "basefont", "br", "col", "embed", "hr", "img",
                                                "input", "link", "meta", "param", "source", "track", "wbr"]
    private static let nonTextTags: Set<String> = ["script", "style", "textarea", "option"]
    /// Opening one of these closes an open <p> (htmlparser2's openImpliesClose, the part that matters here).
    private static let closesParagraph: Set<String> = ["p", "div", "ul", "ol", "table", "pre", "blockquote", "form",
                                                       "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                                                       "header", "footer", "nav", "aside", "hr", "dl", "fieldset"]

    private struct Tag {
        var name: String
        var isClose: Bool
        var attributes: [(String, String?)]
        var end: Int // index after '>'
    }

    private static func run(_ html: String, allowed: Set<String>) -> String {
        let b = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 16)
        var stack: [String] = []
        var skipping: String? = nil // inside a non-text element
        var textStart = 0
        var i = 0

        func flushText(upTo end: Int) {
            if skipping == nil, textStart < end { appendEscaped(decodeText(b[textStart..<end]), to: &out, quote: false) }
        }
        func emitClose(_ name: String) {
            if allowed.contains(name) { out.append(contentsOf: Array("</\(name)>".utf8)) }
        }

        while i < b.count {
            guard b[i] == UInt8(ascii: "<"), i + 1 < b.count else { i += 1; continue }
            let c = b[i + 1]
            if let skip = skipping {
                // Only the matching close tag ends a non-text element.
                if c == UInt8(ascii: "/"), let tag = parseTag(b, at: i), tag.isClose, tag.name == skip {
                    skipping = nil
                    while let top = stack.popLast() { if top == skip { break } }
                    i = tag.end
                    textStart = i
                } else {
                    i += 1
                }
                continue
            }
            if c == UInt8(ascii: "!") || c == UInt8(ascii: "?") {
                flushText(upTo: i)
                i = skipMarkup(b, at: i)
                textStart = i
                continue
            }
            guard isLetter(c) || (c == UInt8(ascii: "/") && i + 2 < b.count && isLetter(b[i + 2])),
                  let tag = parseTag(b, at: i) else { i += 1; continue }
            flushText(upTo: i)
            i = tag.end
            textStart = i
            let name = tag.name
            if tag.isClose {
                if voidTags.contains(name) {
                    if name == "br", allowed.contains("br") { out.append(contentsOf: Array("<br />".utf8)) }
                } else if stack.contains(name) {
                    while let top = stack.popLast() {
                        emitClose(top)
                        if top == name { break }
                    }
                } else if name == "p", allowed.contains("p") {
                    out.append(contentsOf: Array("<p></p>".utf8))
                }
                continue
            }
            if closesParagraph.contains(name) { while stack.last == "p" { emitClose(stack.removeLast()) } }
            if name == "li" { while stack.last == "li" { emitClose(stack.removeLast()) } }
            if allowed.contains(name) {
                out.append(UInt8(ascii: "<"))
                out.append(contentsOf: Array(name.utf8))
                if name == "a" {
                    for (key, value) in tag.attributes where ["href", "name", "target"].contains(key) {
                        let decoded = value.map { decodeText(Array($0.utf8)[...]) } ?? ""
                        if key == "href", isNaughtyHref(decoded) { continue }
                        out.append(contentsOf: Array(" \(key)=\"".utf8))
                        appendEscaped(decoded, to: &out, quote: true)
                        out.append(UInt8(ascii: "\""))
                    }
                }
                out.append(contentsOf: voidTags.contains(name) ? Array(" />".utf8) : [UInt8(ascii: ">")])
            }
            if !voidTags.contains(name) {
                stack.append(name)
                if nonTextTags.contains(name) { skipping = name }
            }
        }
        flushText(upTo: b.count)
        while let top = stack.popLast() { emitClose(top) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isLetter(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D
    }

    /// `<name attr="v">` or `</name>` starting at `start` ('<'); nil when the tag never ends.
    private static func parseTag(_ b: [UInt8], at start: Int) -> Tag? {
        var i = start + 1
        let isClose = b[i] == UInt8(ascii: "/")
        if isClose { i += 1 }
        let nameStart = i
        while i < b.count, !isSpace(b[i]), b[i] != UInt8(ascii: "/"), b[i] != UInt8(ascii: ">") { i += 1 }
        let name = String(decoding: b[nameStart..<i], as: UTF8.self).lowercased()
        var attributes: [(String, String?)] = []
        while i < b.count {
            while i < b.count, isSpace(b[i]) || b[i] == UInt8(ascii: "/") { i += 1 }
            guard i < b.count else { return nil }
            if b[i] == UInt8(ascii: ">") { return Tag(name: name, isClose: isClose, attributes: attributes, end: i + 1) }
            let keyStart = i
            while i < b.count, !isSpace(b[i]), b[i] != UInt8(ascii: "="), b[i] != UInt8(ascii: ">"), b[i] != UInt8(ascii: "/") { i += 1 }
            let key = String(decoding: b[keyStart..<i], as: UTF8.self).lowercased()
            while i < b.count, isSpace(b[i]) { i += 1 }
            var value: String? = nil
            if i < b.count, b[i] == UInt8(ascii: "=") {
                i += 1
                while i < b.count, isSpace(b[i]) { i += 1 }
                guard i < b.count else { return nil }
                if b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") {
                    let quote = b[i]
                    let valueStart = i + 1
                    guard let close = b[valueStart...].firstIndex(of: quote) else { return nil }
                    value = String(decoding: b[valueStart..<close], as: UTF8.self)
                    i = close + 1
                } else {
                    let valueStart = i
                    while i < b.count, !isSpace(b[i]), b[i] != UInt8(ascii: ">") { i += 1 }
                    value = String(decoding: b[valueStart..<i], as: UTF8.self)
                }
            }
            if !isClose { attributes.append((key, value)) }
        }
        return nil
    }

    /// Skips `<!-- ... -->`, `<!DOCTYPE ...>`, `<?...>`; returns the index after it.
    private static func skipMarkup(_ b: [UInt8], at start: Int) -> Int {
        if b.count >= start + 4, b[start + 2] == UInt8(ascii: "-"), b[start + 3] == UInt8(ascii: "-") {
            var i = start + 4
            while i + 2 < b.count {
                if b[i] == UInt8(ascii: "-"), b[i + 1] == UInt8(ascii: "-"), b[i + 2] == UInt8(ascii: ">") { return i + 3 }
                i += 1
            }
            return b.count
        }
        return (b[start...].firstIndex(of: UInt8(ascii: ">")) ?? b.count - 1) + 1
    }

    private static func isNaughtyHref(_ href: String) -> Bool {
        let cleaned = String(href.unicodeScalars.filter { $0.value > 0x20 }).lowercased()
        if cleaned.hasPrefix("//") { return true }
        guard let colon = cleaned.firstIndex(of: ":") else { return false }
        let scheme = cleaned[..<colon]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else { return false }
        return !["http", "https", "mailto"].contains(String(scheme))
    }

    // MARK: - Entities

    private static func appendEscaped(_ text: String, to out: inout [UInt8], quote: Bool) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: Array("&amp;".utf8))
            case UInt8(ascii: "<"): out.append(contentsOf: Array("&lt;".utf8))
            case UInt8(ascii: ">"): out.append(contentsOf: Array("&gt;".utf8))
            case UInt8(ascii: "\"") where quote: out.append(contentsOf: Array("&quot;".utf8))
            default: out.append(byte)
            }
        }
    }

    /// htmlparser2's decoding of text: named entities (legacy ones also without ';'), &#N; and &#xH;.
    static func decodeText(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            guard bytes[i] == UInt8(ascii: "&") else { out.append(bytes[i]); i += 1; continue }
            var j = i + 1
            if j < bytes.endIndex, bytes[j] == UInt8(ascii: "#") {
                j += 1
                let isHex = j < bytes.endIndex && (bytes[j] | 0x20) == UInt8(ascii: "x")
                if isHex { j += 1 }
                let digitsStart = j
                while j < bytes.endIndex, isHex ? isHexDigit(bytes[j]) : isDigit(bytes[j]) { j += 1 }
                if j > digitsStart, let value = UInt32(String(decoding: bytes[digitsStart..<j], as: UTF8.self), radix: isHex ? 16 : 10) {
                    let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(value == 0 ? "\u{FFFD}" : scalar)).utf8))
                    if j < bytes.endIndex, bytes[j] == UInt8(ascii: ";") { j += 1 }
                    i = j
                    continue
                }
            } else {
                while j < bytes.endIndex, isLetter(bytes[j]) || isDigit(bytes[j]) { j += 1 }
                let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
                let hasSemicolon = j < bytes.endIndex && bytes[j] == UInt8(ascii: ";")
                if let value = namedEntities[name], hasSemicolon || legacyEntities.contains(name) {
                    out.append(contentsOf: Array(value.utf8))
                    i = hasSemicolon ? j + 1 : j
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// ABS's decodeHTMLEntities: `&` up to the next `;` (or the end), looked up in its named table.
    static func decodeNamedEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let afterAmp = rest.index(after: amp)
            let semicolon = rest[afterAmp...].firstIndex(of: ";")
            let nameEnd = semicolon ?? rest.endIndex
            let name = String(rest[afterAmp..<nameEnd])
            if !name.isEmpty, let value = namedEntities[name], semicolon != nil || legacyEntities.contains(name) {
                result += value
                rest = semicolon.map { rest[rest.index(after: $0)...] } ?? rest[rest.endIndex...]
            } else if name.isEmpty {
                result += "&"
                rest = rest[afterAmp...]
            } else {
                // Not an entity: JS leaves the whole match as it was.
                let end = semicolon.map { rest.index(after: $0) } ?? rest.endIndex
                result += rest[amp..<end]
                rest = rest[end...]
            }
        }
        return result + rest
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) }

    /// Entities valid without a trailing semicolon (the HTML legacy set, the common part).
    private static let legacyEntities: Set<String> = [
        "amp", "AMP", "lt", "LT", "gt", "GT", "quot", "QUOT", "nbsp", "copy", "COPY", "reg", "REG",
        "eacute", "egrave", "aacute", "agrave", "uuml", "ouml", "auml", "szlig", "ccedil", "ntilde",
    ]

    private static let namedEntities: [String: String] = [
        "amp": "&", "AMP": "&", "lt": "<", "LT": "<", "gt": ">", "GT": ">", "quot": "\"", "QUOT": "\"",
        "apos": "'", "nbsp": "\u{00A0}", "copy": "©", "COPY": "©", "reg": "®", "REG": "®", "trade": "™",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "laquo": "«", "raquo": "»", "bull": "•", "middot": "·", "deg": "°", "times": "×", "euro": "€",
        "pound": "£", "yen": "¥", "cent": "¢", "sect": "§", "para": "¶", "shy": "\u{00AD}",
        "aacute": "á", "Aacute": "Á", "agrave": "à", "Agrave": "À", "acirc": "â", "Acirc": "Â",
        "auml": "ä", "Auml": "Ä", "atilde": "ã", "Atilde": "Ã", "aring": "å", "Aring": "Å", "aelig": "æ", "AElig": "Æ",
        "ccedil": "ç", "Ccedil": "Ç", "eacute": "é", "Eacute": "É", "egrave": "è", "Egrave": "È",
        "ecirc": "ê", "Ecirc": "Ê", "euml": "ë", "Euml": "Ë", "iacute": "í", "Iacute": "Í",
        "igrave": "ì", "Igrave": "Ì", "icirc": "î", "Icirc": "Î", "iuml": "ï", "Iuml": "Ï",
        "ntilde": "ñ", "Ntilde": "Ñ", "oacute": "ó", "Oacute": "Ó", "ograve": "ò", "Ograve": "Ò",
        "ocirc": "ô", "Ocirc": "Ô", "ouml": "ö", "Ouml": "Ö", "otilde": "õ", "Otilde": "Õ",
        "oslash": "ø", "Oslash": "Ø", "uacute": "ú", "Uacute": "Ú", "ugrave": "ù", "Ugrave": "Ù",
        "ucirc": "û", "Ucirc": "Û", "uuml": "ü", "Uuml": "Ü", "yacute": "ý", "Yacute": "Ý", "yuml": "ÿ",
        "szlig": "ß",
    ]
}
