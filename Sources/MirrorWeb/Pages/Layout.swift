import Foundation
import MirrorCore

/// The pages' sections, in the order the bar shows them.
enum Section: String, CaseIterable {
    case library, review, gaps, history, push

    var title: String {
        switch self {
        case .library: "Library"
        case .review: "Review"
        case .gaps: "Gaps"
        case .history: "History"
        case .push: "Push"
        }
    }

    var path: String { self == .library ? "/" : "/\(rawValue)" }
}

/// A message at the top of a page: what an action did, or why it did not.
struct Flash: Sendable, Equatable {
    enum Kind: String, Sendable { case ok, error, stale }
    var kind: Kind
    var message: String
}

/// The frame of every page: the bar, the message, the content, the style and script from the
/// binary. The token is in a `<meta>` for the script and in each form for posting without it.
struct Layout {
    var token: String
    /// Proposals waiting for a decision, shown beside "Review".
    var pending: Int

    func page(_ title: String, section: Section?, flash: Flash? = nil, content: String) -> String {
        let nav: String = Section.allCases.map { s in
            let count = s == .review && pending > 0 ? "<span class=\"count-chip\">\(pending)</span>" : ""
            return "<a href=\"\(s.path)\" data-test=\"nav-\(s.rawValue)\"\(s == section ? " aria-current=\"page\"" : "")>\(s.title)\(count)</a>"
        }.joined()
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="shelfmirror-token" content="\(token)">
            <title>\(h(title)) · shelfmirror</title>
            <link rel="stylesheet" href="/assets/app.css?v=\(WebAssets.cssVersion)">
            </head>
            <body data-page="\(section?.rawValue ?? "other")">
            <header class="bar"><a class="brand" href="/">shelfmirror</a><nav aria-label="Sections">\(nav)</nav></header>
            \(flash.map(Self.flash) ?? "")<main>
            \(content)
            </main>
            <footer>shelfmirror · this page reads your local mirror and loads nothing from the internet.</footer>
            <script src="/assets/app.js?v=\(WebAssets.jsVersion)" defer></script>
            </body>
            </html>

            """
    }

    static func flash(_ f: Flash) -> String {
        "<div class=\"flash-wrap\"><p class=\"flash\" data-test=\"flash\" data-kind=\"\(f.kind.rawValue)\" role=\"status\" aria-live=\"polite\">\(h(f.message))</p></div>\n"
    }

    /// A form that changes something: POST with the token; the script sends it in place.
    func form(_ action: String, fields: [(String, String)], inPlace: Bool = true, attributes: String = "", content: String) -> String {
        "<form method=\"post\" action=\"\(action)\"\(inPlace ? " data-action" : "")\(attributes)><input type=\"hidden\" name=\"_token\" value=\"\(token)\">"
            + fields.map { "<input type=\"hidden\" name=\"\(h($0.0))\" value=\"\(h($0.1))\">" }.joined() + content + "</form>"
    }
}

/// Text safe in HTML content and quoted attributes.
func h(_ text: String) -> String { HTMLText.escape(text) }

/// A path segment: everything but unreserved characters percent-encoded.
func segment(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
}

/// A query-string value.
func queryValue(_ text: String) -> String { segment(text) }

/// A query string (without "?"), its names in order.
func queryString(_ query: [String: String]) -> String {
    query.sorted { $0.key < $1.key }.map { "\($0.key)=\(queryValue($0.value))" }.joined(separator: "&")
}

/// Links to the previous and next pages of `path` with `query` (its other filters kept); nothing
/// when everything fits on one page.
func pager(path: String, query: [String: String], page: Int, pages: Int) -> String {
    guard pages > 1 else { return "" }
    func link(_ n: Int, _ label: String) -> String {
        var q = query
        q["page"] = String(n)
        return "<a href=\"\(path)?\(queryString(q))\">\(label)</a>"
    }
    return "<nav class=\"pager\" aria-label=\"Pages\">" + (page > 1 ? link(page - 1, "← Previous") : "")
        + "<span>page \(page) of \(pages)</span>" + (page < pages ? link(page + 1, "Next →") : "") + "</nav>\n"
}

func plural(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
    "\(thousands(n)) \(n == 1 ? word : plural ?? word + "s")"
}

/// 20000 as "20,000", whatever the locale.
func thousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

func badge(match status: MatchStatus?, score: Double?) -> String {
    let name = status?.rawValue ?? "none"
    let label = status.map { $0.rawValue.replacingOccurrences(of: "_", with: " ") } ?? "not matched"
    let scoreText = score.map { " " + String(format: "%.2f", $0) } ?? ""
    return "<span class=\"badge m-\(name)\" data-test=\"match-status\">\(label)\(scoreText)</span>"
}
