import Foundation
import MirrorCore
import MirrorWorkflows

/// The library: every item with its match, filtered and searched (full text, as you type).
enum LibraryPage {
    static let pageSize = 100
    /// A search counts its hits up to this many past the page: "more than 1,000 found" says
    /// enough while typing, and counting a whole library for a letter or two does not pay.
    static let countAhead = 900

    /// The filter a request's query asks for: `q`, `match`, `pending=1`, `page`.
    static func filter(_ query: [String: String]) -> (filter: LibraryFilter, page: Int) {
        let page = max(1, Int(query["page"] ?? "") ?? 1)
        let text = query["q"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        let match = query["match"].flatMap { $0 == "none" ? .unmatched : MatchStatus(rawValue: $0) }
        return (LibraryFilter(text: text, match: match, pendingOnly: query["pending"] == "1", offset: (page - 1) * pageSize, limit: pageSize,
                              countAhead: text == nil ? nil : countAhead), page)
    }

    static func render(_ query: [String: String], rows: [LibraryRow], total: Int, layout: Layout, flash: Flash?) -> String {
        let (filter, page) = self.filter(query)
        let matchOptions: [(String, String)] = [("", "any match"), ("auto", "auto"), ("needs_review", "needs review"), ("confirmed", "confirmed"),
                                                ("rejected", "rejected"), ("ignored", "ignored"), ("none", "not matched")]
        let chosen = query["match"] ?? ""
        var out = """
            <h1>Library</h1>
            <form id="library-filters" class="filters" method="get" action="/" role="search">
            <label class="q">Search <input type="search" name="q" value="\(h(filter.text ?? ""))" data-test="search-input" autocomplete="off" \
            placeholder="Title, author, narrator, series, tag…" autofocus></label>
            <label>Match <select name="match" data-test="filter-match">\(matchOptions.map {
                "<option value=\"\($0.0)\"\($0.0 == chosen ? " selected" : "")>\($0.1)</option>" }.joined())</select></label>
            <label><span>Proposals</span><span><input type="checkbox" name="pending" value="1"\(filter.pendingOnly ? " checked" : "")> pending only</span></label>
            <noscript><button type="submit">Search</button></noscript>
            </form>
            <p class="meta" data-test="result-count" aria-live="polite">\(summary(total: total, filter: filter))</p>
            <table class="cards" data-test="library-table">
            <thead><tr><th>Item</th><th>Match</th><th>Hardcover book</th><th class="num">Pending</th></tr></thead>
            <tbody id="library-rows">\(self.rows(rows))</tbody>
            </table>

            """
        out += pager(path: "/", query: query, page: page, pages: (total + pageSize - 1) / pageSize)
        return layout.page("Library", section: .library, flash: flash, content: out)
    }

    static func summary(total: Int, filter: LibraryFilter) -> String {
        if let ahead = filter.countAhead, total > filter.offset + filter.limit + ahead {
            return "more than \(thousands(filter.offset + filter.limit + ahead)) items found: type more to narrow"
        }
        return filter.text == nil && filter.match == nil && !filter.pendingOnly ? plural(total, "item") : "\(plural(total, "item")) found"
    }

    /// The table's rows: what the page holds and what search as you type replaces.
    static func rows(_ rows: [LibraryRow]) -> String {
        guard !rows.isEmpty else {
            return "<tr><td colspan=\"4\" class=\"muted\">No item. Another search, or `shelfmirror sync` first.</td></tr>"
        }
        return rows.map { r in
            let people = [r.authors, r.series].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: " · ")
            let book: String = r.bookId.map { id in "\(h(r.bookTitle ?? "book \(id)")) <span class=\"id\">\(id)</span>" } ?? "<span class=\"none\">—</span>"
            return "<tr data-test=\"library-row\" data-item-id=\"\(h(r.itemId))\">"
                + "<td data-label=\"Item\"><a href=\"/item/\(segment(r.itemId))\" dir=\"auto\">\(h(r.title ?? r.itemId))</a>"
                + (people.isEmpty ? "" : "<div class=\"muted\" dir=\"auto\">\(h(people))</div>") + "</td>"
                + "<td data-label=\"Match\">\(badge(match: r.matchStatus, score: r.score))</td>"
                + "<td data-label=\"Hardcover\" dir=\"auto\">\(book)</td>"
                + "<td class=\"num\" data-label=\"Pending\">\(r.pending > 0 ? "<a href=\"/review?item=\(queryValue(r.itemId))\">\(r.pending)</a>" : "0")</td></tr>\n"
        }.joined()
    }
}
