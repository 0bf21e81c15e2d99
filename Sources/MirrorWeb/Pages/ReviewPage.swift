import Foundation
import MirrorCore
import MirrorWorkflows

/// The review queue: proposals by item, each value beside its proposal with the changed words
/// marked, and every decision `review` offers: accept, reject, edit, another book, a book by id.
enum ReviewPage {
    static let pageSize = 20

    static func render(items: [ReviewItem], total: Int, page: Int, query: [String: String], layout: Layout, flash: Flash?) -> String {
        let back = "/review" + (query.isEmpty ? "" : "?" + queryString(query))
        var out = "<h1>Review</h1>\n<p class=\"meta\">\(plural(total, "item")) with proposals waiting"
        if let target = query["target"] { out += " for \(target == "hardcover" ? "Hardcover" : "AudiobookShelf")" }
        out += ". Needs-review matches first.</p>\n"
        out += "<p class=\"keys\"><kbd>j</kbd>/<kbd>k</kbd> next/previous proposal · <kbd>a</kbd> accept · <kbd>r</kbd> reject · "
            + "<kbd>e</kbd> edit · then <code>shelfmirror push</code> or the <a href=\"/push\">push page</a>.</p>\n"
        if items.isEmpty {
            out += "<p class=\"card body\">Nothing to decide. New proposals come from <code>shelfmirror match</code> and <code>diff</code>.</p>\n"
        }
        for item in items { out += section(item, back: back, layout: layout) }
        out += pager(path: "/review", query: query, page: page, pages: (total + pageSize - 1) / pageSize)
        return layout.page("Review", section: .review, flash: flash, content: out)
    }

    static func section(_ item: ReviewItem, back: String, layout: Layout) -> String {
        let book: String = item.bookId.map { id in
            " <span class=\"muted\">→ <span dir=\"auto\">\(h(item.bookTitle ?? "book"))</span> <span class=\"id\">\(id)</span></span>"
        } ?? ""
        var out = "<section class=\"card\" data-test=\"review-item\" data-item-id=\"\(h(item.itemId))\" id=\"item-\(h(item.itemId))\">\n"
            + "<header><h2 dir=\"auto\"><a href=\"/item/\(segment(item.itemId))\">\(h(item.title ?? item.itemId))</a></h2> "
            + badge(match: item.matchStatus, score: item.score) + book + " <code class=\"id\">\(h(item.itemId))</code></header>\n"
        for row in item.proposals { out += proposal(row, back: back, layout: layout) }
        let pending = item.proposals.filter { $0.status == .pending }
        let versions: String = pending.map { "\($0.id):\($0.version)" }.joined(separator: ",")
        out += "<div class=\"item-acts\">"
        if !pending.isEmpty {
            out += layout.form("/item-decide", fields: [("item", item.itemId), ("decision", "accept-all"), ("versions", versions), ("back", back)],
                               content: "<button type=\"submit\" class=\"ok\" data-test=\"accept-all\">Accept all \(pending.count)</button>")
            out += layout.form("/item-decide", fields: [("item", item.itemId), ("decision", "reject-all"), ("versions", versions), ("back", back)],
                               content: "<button type=\"submit\" class=\"bad\" data-test=\"reject-all\">Reject all</button>")
        }
        if !item.alternatives.isEmpty {
            out += "<div class=\"alts\"><span class=\"muted\">Another book:</span>"
            for alt in item.alternatives {
                let label = "\(h(alt.title))" + (alt.authors.isEmpty ? "" : " — \(h(alt.authors.joined(separator: ", ")))") + String(format: " (%.2f)", alt.score)
                out += layout.form("/link", fields: [("item", item.itemId), ("book", String(alt.bookId)), ("back", back)],
                                   content: "<button type=\"submit\" data-test=\"other-book\" data-book-id=\"\(alt.bookId)\" dir=\"auto\">\(label)</button>")
            }
            out += "</div>"
        }
        out += layout.form("/link", fields: [("item", item.itemId), ("back", back)], content: """
            <label class="muted" for="link-\(h(item.itemId))">Hardcover id</label>\
            <input id="link-\(h(item.itemId))" type="number" name="book" min="1" required data-test="link-book-input" placeholder="book id">\
            <button type="submit" data-test="link-submit">Link</button>
            """)
        return out + "</div>\n</section>\n"
    }

    static func proposal(_ r: ChangeRow, back: String, layout: Layout) -> String {
        let now = r.current.map { DiffDisplay.text($0, field: r.field) } ?? ""
        let proposed = DiffDisplay.text(r.proposed, field: r.field)
        let (old, new) = now.isEmpty ? ("<span class=\"none\">—</span>", h(proposed)) : WordDiff.marked(now, proposed)
        let fields = [("change", String(r.id)), ("version", r.version), ("back", back)]
        return "<div class=\"change\" data-test=\"proposal\" data-change-id=\"\(r.id)\" data-field=\"\(r.field.rawValue)\" "
            + "data-status=\"\(r.status.rawValue)\" data-version=\"\(r.version)\">"
            + "<div class=\"field\">\(r.field.rawValue) <span class=\"tgt\">\(r.target == .abs ? "AudiobookShelf" : "Hardcover")</span></div>"
            + "<div class=\"val cur\"><span class=\"lbl\">now</span><div class=\"text\" dir=\"auto\">\(old)</div></div>"
            + "<div class=\"val new\"><span class=\"lbl\">proposed</span><div class=\"text\" dir=\"auto\">\(new)</div></div>"
            + "<div class=\"acts\"><span class=\"badge s-\(r.status.rawValue)\" data-test=\"proposal-status\">\(r.status.rawValue)</span>"
            + "<span class=\"muted\">\(r.source.rawValue) \(r.action.rawValue)</span><span class=\"btns\">"
            + layout.form("/decide", fields: fields + [("decision", "accept")],
                          content: "<button type=\"submit\" class=\"ok\" data-test=\"accept\" title=\"Accept (a)\">Accept</button>")
            + layout.form("/decide", fields: fields + [("decision", "reject")],
                          content: "<button type=\"submit\" class=\"bad\" data-test=\"reject\" title=\"Reject (r)\">Reject</button>")
            + "</span></div><div class=\"edit\"><details><summary>Edit</summary>"
            + layout.form("/edit", fields: fields, content: "<input name=\"value\" value=\"\(h(proposed))\" data-test=\"edit-input\" "
                + "aria-label=\"Your value for \(r.field.rawValue)\" autocomplete=\"off\"><button type=\"submit\" data-test=\"edit-save\">Save</button>")
            + "</details></div></div>\n"
    }
}
