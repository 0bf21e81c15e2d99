import Foundation
import MirrorCore
import MirrorWorkflows

/// The HTML report of `diff`: one self-contained page, grouped by item, each value beside its
/// proposal with the changed words marked, and filters in a little inline script. It loads
/// nothing (its Content-Security-Policy forbids it), and without the script everything shows.
extension DiffReport {
    static let statusOrder = ["pending", "accepted", "rejected", "superseded", "pushed", "conflict", "failed"]
    static let matchOrder = ["auto", "needs_review", "confirmed", "none"]

    static func html(_ rows: [ChangeRow], title: String, generatedAt: String) -> String {
        let items = grouped(rows)
        var out = DiffHTMLAssets.head(title: title, policy: DiffHTMLAssets.policy, css: DiffHTMLAssets.css) + """
            <body>
            <header class="top">
            <p class="brand">shelfmirror</p>
            <h1 dir="auto">\(escape(title))</h1>
            <p class="meta">Generated <time datetime="\(escape(generatedAt))">\(escape(generatedAt))</time> · \
            \(plural(rows.count, "proposal")) for \(plural(items.count, "item"))</p>

            """
        out += summary(rows) + "</header>\n" + filters(rows)
        out += "<p id=\"count\" class=\"count\" aria-live=\"polite\">\(plural(rows.count, "proposal"))</p>\n<main>\n"
        for item in items { out += section(item.id, item.rows) }
        if items.isEmpty { out += "<p class=\"empty\">Nothing to decide. Run <code>shelfmirror match</code> first if you have not.</p>\n" }
        out += """
            </main>
            <footer>shelfmirror \(ShelfMirror.version) · This file works offline and loads nothing. Decide with \
            <code>shelfmirror review</code>, or <code>shelfmirror accept</code> / <code>reject --item ID --field F</code>.</footer>
            <script>\(DiffHTMLAssets.script)</script>
            </body>
            </html>

            """
        return out
    }

    /// The rows by item, items in the order they first appear.
    static func grouped(_ rows: [ChangeRow]) -> [(id: String, rows: [ChangeRow])] {
        var out: [(id: String, rows: [ChangeRow])] = []
        var index: [String: Int] = [:]
        for r in rows {
            if let n = index[r.itemId] {
                out[n].rows.append(r)
            } else {
                index[r.itemId] = out.count
                out.append((r.itemId, [r]))
            }
        }
        return out
    }

    /// How many rows have each value, the known values in their order first, then others by name.
    static func tally(_ rows: [ChangeRow], order: [String], _ key: (ChangeRow) -> String) -> [(value: String, count: Int)] {
        var counts: [String: Int] = [:]
        for r in rows { counts[key(r), default: 0] += 1 }
        let values = order.filter { counts[$0] != nil } + counts.keys.filter { !order.contains($0) }.sorted()
        return values.map { ($0, counts[$0] ?? 0) }
    }

    static func matchStatus(_ r: ChangeRow) -> String { r.matchStatus?.rawValue ?? "none" }

    static func label(_ value: String) -> String {
        value == "none" ? "no match" : value.replacingOccurrences(of: "_", with: " ")
    }

    /// Totals by status and by field; each one a link that shows only those.
    private static func summary(_ rows: [ChangeRow]) -> String {
        func chips(_ heading: String, _ key: String, _ counts: [(value: String, count: Int)]) -> String {
            "<section><h2>\(heading)</h2><ul class=\"chips\">"
                + counts.map { "<li><a href=\"#\(key)=\(escape($0.value))\">\(escape(label($0.value))) <b>\($0.count)</b></a></li>" }.joined()
                + "</ul></section>"
        }
        guard !rows.isEmpty else { return "" }
        return "<div class=\"summary\">"
            + chips("By status", "status", tally(rows, order: statusOrder, \.status.rawValue))
            + chips("By target", "target", tally(rows, order: PushTarget.allCases.map(\.rawValue), \.target.rawValue))
            + chips("By field", "field", tally(rows, order: ChangeField.allCases.map(\.rawValue), \.field.rawValue))
            + chips("By match", "match", tally(rows, order: matchOrder, matchStatus))
            + "</div>\n"
    }

    /// The filter bar, hidden until the script shows it: without the script there is nothing to filter.
    private static func filters(_ rows: [ChangeRow]) -> String {
        func select(_ name: String, _ all: String, _ counts: [(value: String, count: Int)]) -> String {
            "<label>\(name.capitalized) <select name=\"\(name)\"><option value=\"\">\(all)</option>"
                + counts.map { "<option value=\"\(escape($0.value))\">\(escape(label($0.value))) (\($0.count))</option>" }.joined()
                + "</select></label>\n"
        }
        return "<form id=\"filters\" class=\"filters\" hidden>\n"
            + select("status", "all statuses", tally(rows, order: statusOrder, \.status.rawValue))
            + select("target", "all targets", tally(rows, order: PushTarget.allCases.map(\.rawValue), \.target.rawValue))
            + select("field", "all fields", tally(rows, order: ChangeField.allCases.map(\.rawValue), \.field.rawValue))
            + select("source", "all sources", tally(rows, order: ["hardcover", "tags", "progress"], \.source.rawValue))
            + select("match", "all matches", tally(rows, order: matchOrder, matchStatus))
            + "<label class=\"q\">Title <input type=\"search\" name=\"q\" placeholder=\"Search titles\" autocomplete=\"off\"></label>\n"
            + "<button type=\"reset\">Clear</button>\n</form>\n"
    }

    private static func section(_ id: String, _ rows: [ChangeRow]) -> String {
        let title = rows[0].itemTitle ?? id
        let match = matchStatus(rows[0])
        let score = rows.lazy.compactMap(\.score).first.map { " " + String(format: "%.2f", $0) } ?? ""
        return "<section class=\"item\" data-search=\"\(escape((title + " " + id).lowercased()))\">\n"
            + "<header><h2 dir=\"auto\">\(escape(title))</h2> <span class=\"badge m-\(escape(match))\">\(escape(label(match)))\(score)</span> "
            + "<code class=\"id\">\(escape(id))</code></header>\n"
            + "<div class=\"cols\" aria-hidden=\"true\"><span>field</span><span>now</span><span>proposed</span><span>from · decision</span></div>\n"
            + rows.map(change).joined() + "</section>\n"
    }

    /// One field: name, current value, proposed value, where it comes from and its decision.
    private static func change(_ r: ChangeRow) -> String {
        let now = r.current.map { display($0, r.field) } ?? ""
        let proposed = display(r.proposed, r.field)
        let (old, new) = now.isEmpty ? ("<span class=\"none\">—</span>", escape(proposed)) : WordDiff.marked(now, proposed)
        // Clamped: values surely taller than the clamp (9em) even in the widest column.
        func isLong(_ s: String) -> Bool { s.count > 600 || s.reduce(0) { $1.isNewline ? $0 + 1 : $0 } > 6 }
        let long = isLong(now) || isLong(proposed)
        let book = r.bookId.map { " <span class=\"book\">book \($0)</span>" } ?? ""
        var out = "<div class=\"change\(long ? " long" : "")\" data-status=\"\(r.status.rawValue)\" data-field=\"\(r.field.rawValue)\" "
            + "data-target=\"\(r.target.rawValue)\" data-source=\"\(r.source.rawValue)\" data-match=\"\(escape(matchStatus(r)))\" data-action=\"\(r.action.rawValue)\">"
        if long { out += "<input type=\"checkbox\" class=\"more\" id=\"more-\(r.id)\" aria-label=\"Show the whole values\">" }
        out += "<div class=\"field\">\(r.field.rawValue) <span class=\"tgt\">\(r.target == .abs ? "AudiobookShelf" : "Hardcover")</span></div>"
            + "<div class=\"val cur\"><span class=\"lbl\">now</span><div class=\"text\(isLong(now) ? " clamp" : "")\" dir=\"auto\">\(old)</div></div>"
            + "<div class=\"val new\(now.isEmpty ? " added" : "")\"><span class=\"lbl\">proposed</span><div class=\"text\(isLong(proposed) ? " clamp" : "")\" dir=\"auto\">\(new)</div></div>"
            + "<div class=\"from\"><span class=\"src\">\(r.source.rawValue)\(book)</span> <span class=\"act a-\(r.action.rawValue)\">\(r.action.rawValue)</span> "
            + "<span class=\"badge s-\(r.status.rawValue)\">\(r.status.rawValue)</span></div>"
        if long { out += "<label class=\"expand\" for=\"more-\(r.id)\"></label>" }
        return out + "</div>\n"
    }

    private static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

    static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
