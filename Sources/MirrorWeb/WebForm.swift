import Foundation

/// `application/x-www-form-urlencoded` text (a query string or a posted form) as name → value;
/// a name given twice keeps its last value.
enum WebForm {
    static func decode(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func plain(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            out[plain(parts[0])] = parts.count > 1 ? plain(parts[1]) : ""
        }
        return out
    }

    /// `back` when it is a path of this site ("/review?page=2"), else `fallback`: an action never
    /// sends the browser elsewhere.
    static func localPath(_ back: String?, fallback: String) -> String {
        guard let back, back.hasPrefix("/"), !back.hasPrefix("//"), !back.contains("\\"),
              !back.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return fallback }
        return back
    }
}

/// What an action answers a script (`Accept: application/json`).
struct ActionReply: Encodable {
    struct Change: Encodable {
        var id: Int64
        var status: String
        var version: String
        /// The value as the page shows it, when it changed (an edit).
        var proposed: String?
    }

    var ok: Bool
    /// ok, error, or stale (the page showed something that changed since).
    var kind: String
    var message: String
    var changes: [Change] = []
    /// The page should be loaded again (a link made new proposals).
    var reload = false
}
