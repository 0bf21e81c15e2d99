/// Text placed in HTML that shelfmirror writes (the `diff` report, `serve`'s pages).
extension HTMLText {
    /// Text safe in HTML content and in quoted attributes. Control characters other than tab
    /// and line breaks, which HTML does not allow, become U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            switch c {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            case "\t", "\n", "\r": out.append(c)
            case _ where c.value < 0x20 || (0x7F...0x9F).contains(c.value): out.append("\u{FFFD}")
            default: out.append(c)
            }
        }
        return String(out)
    }
}
