/// Text that shelfmirror did not write (server answers, tags, mirror values, query results) made
/// safe to print on a terminal: a control character could otherwise retitle the window, clear
/// the screen or rewrite what was printed before (`ESC ] 0 ; … BEL`, `ESC [ 2 J`, a bare CR).
///
/// Every C0 control (U+0000–U+001F), DEL (U+007F), C1 control (U+0080–U+009F) and bidirectional
/// override or isolate (U+202A–U+202E, U+2066–U+2069) is shown as `\u{XX}`, its code in hex, as
/// Swift writes it: ESC is `\u{1B}`, BEL `\u{7}`, RIGHT-TO-LEFT OVERRIDE `\u{202E}`. Everything
/// else passes unchanged: accents, CJK, emoji and their joiners are not touched.
public enum TerminalText {
    /// `text` escaped; line feeds and tabs are kept (a carriage return is escaped: it could
    /// overwrite the line it ends).
    public static func escaped(_ text: String) -> String {
        needsWork(text) ? rewritten(text.unicodeScalars, oneLine: false) : text
    }

    /// `text` escaped on one line: line breaks (LF, CR, CR LF, U+2028, U+2029) and tabs each
    /// become one space.
    public static func line(_ text: String) -> String {
        needsWork(text) ? rewritten(text.unicodeScalars, oneLine: true) : text
    }

    /// `text` escaped on one line, at most `limit` characters: longer text ends in "…". Reads
    /// only the start of `text` (a few times `limit` scalars), so a value of megabytes costs
    /// no more than a short one.
    public static func line(_ text: String, limit: Int) -> String {
        let limit = max(1, limit)
        // Escapes make text longer, never shorter, and a character is at least one scalar: the
        // first limit + 1 characters of the result come from at most this many scalars, unless
        // characters of many scalars (combining marks) come first; then the cut is earlier.
        let budget = 4 * (limit + 1)
        let scalars = text.unicodeScalars
        let head = scalars.prefix(budget)
        let truncated = head.endIndex != scalars.endIndex
        let one = truncated ? rewritten(head, oneLine: true) : line(text)
        guard truncated || one.count > limit else { return one }
        return String(one.prefix(limit - 1)) + "…"
    }

    /// Whether `scalar` is shown escaped.
    public static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// A quick look at the UTF-8: most text has nothing to escape and is returned as it is.
    /// Bytes: C0 and DEL; C2 80–9F (C1); E2 80 A8–AE (U+2028–U+202E); E2 81 A6–A9 (U+2066–2069).
    private static func needsWork(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                if b < 0x20 || b == 0x7F { return true }
                if b == 0xC2, i + 1 < n, (0x80...0x9F).contains(bytes[i + 1]) { return true }
                if b == 0xE2, i + 2 < n {
                    let b1 = bytes[i + 1], b2 = bytes[i + 2]
                    if b1 == 0x80, (0xA8...0xAE).contains(b2) { return true }
                    if b1 == 0x81, (0xA6...0xA9).contains(b2) { return true }
                }
                i += 1
            }
            return false
        }
    }

    private static func rewritten<S: Sequence<Unicode.Scalar>>(_ scalars: S, oneLine: Bool) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for s in scalars {
            let v = s.value
            if oneLine, v == 0x0A {
                if !afterCR { out.append(" ") }
            } else if oneLine, v == 0x09 || v == 0x0D || v == 0x2028 || v == 0x2029 {
                out.append(" ")
            } else if v == 0x09 || v == 0x0A || !isEscaped(s) {
                out.append(s)
            } else {
                out.append(contentsOf: "\\u{\(String(v, radix: 16, uppercase: true))}".unicodeScalars)
            }
            afterCR = v == 0x0D
        }
        return String(out)
    }
}
