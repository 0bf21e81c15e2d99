import Foundation
import MirrorCore
import MirrorWorkflows

/// One item: AudiobookShelf's values, its files' tags, the matched book and edition, every
/// candidate with `explain`'s penalties, and its proposals.
enum ItemPage {
    /// `coverURL`: the item's cover on the AudiobookShelf server, when the user allowed covers.
    static func render(_ v: ItemView, coverURL: String?, coversOffered: Bool, layout: Layout, flash: Flash?) -> String {
        let m = v.metadata
        let title = m.title ?? v.itemId
        var out = "<h1 data-test=\"item-title\" dir=\"auto\">\(h(title))</h1>\n<p class=\"meta\"><code class=\"id\">\(h(v.itemId))</code> · "
            + badge(match: v.stored?.status, score: v.stored?.score)
            + (v.stored?.pinned == true ? " <span class=\"muted\">decided by you</span>" : "")
            + (v.proposals.contains { $0.status == .pending } ? " · <a href=\"/review?item=\(queryValue(v.itemId))\">review its proposals</a>" : "")
            + "</p>\n"
        if let coverURL {
            out += "<img class=\"cover\" src=\"\(h(coverURL))\" alt=\"Cover of \(h(title))\" loading=\"lazy\" referrerpolicy=\"no-referrer\">\n"
        } else if coversOffered {
            out += "<p class=\"muted\"><a href=\"/item/\(segment(v.itemId))?covers=1\" data-test=\"covers-toggle\">Show the cover</a> "
                + "(your browser loads it from your AudiobookShelf server).</p>\n"
        }
        out += "<div class=\"grid2\">\n<section class=\"card\" data-test=\"abs-values\"><header><h2>AudiobookShelf</h2></header><div class=\"body\">"
            + keyValues([("Title", m.title), ("Subtitle", m.subtitle), ("Authors", list(m.authors)), ("Narrators", list(m.narrators)),
                         ("Series", m.series.isEmpty ? nil : m.series.map { $0.name + ($0.sequence.map { " #\($0)" } ?? "") }.joined(separator: "; ")),
                         ("Year", m.publishedYear), ("Publisher", m.publisher), ("ISBN", m.isbn), ("ASIN", m.asin), ("Language", m.language),
                         ("Genres", list(m.genres)), ("Description", m.descriptionPlain)])
            + "</div></section>\n"
        out += "<section class=\"card\" data-test=\"matched-book\"><header><h2>Hardcover</h2></header><div class=\"body\">"
        if let book = v.book {
            let edition = v.stored?.editionId.flatMap { id in book.editions.first { $0.id == id } }
            out += keyValues([("Book", "\(book.title) (\(book.id))"), ("Subtitle", book.subtitle), ("Authors", list(book.authors)),
                              ("Series", book.series.isEmpty ? nil : book.series.map { $0.name + ($0.position.map { String(format: " #%g", $0) } ?? "") }.joined(separator: "; ")),
                              ("Year", book.releaseYear.map(String.init)),
                              ("Edition", edition.map { e in "\(e.id)" + (e.editionFormat.map { " · \($0)" } ?? "") + (e.asin.map { " · ASIN \($0)" } ?? "")
                                  + (e.isbn13.map { " · ISBN \($0)" } ?? "") + (e.narrators.isEmpty ? "" : " · read by \(e.narrators.joined(separator: ", "))") }
                                  ?? "no audiobook edition chosen"),
                              ("Readers", String(book.usersCount))])
        } else {
            out += "<p class=\"muted\">Not linked to a Hardcover book" + (v.stored.map { " (\($0.status.rawValue.replacingOccurrences(of: "_", with: " ")))" } ?? "") + ".</p>"
        }
        out += layout.form("/link", fields: [("item", v.itemId), ("back", "/item/\(segment(v.itemId))")], inPlace: false, content: """
            <p><label for="link-book">Link to the Hardcover book with id</label> \
            <input id="link-book" type="number" name="book" min="1" required data-test="link-book-input" placeholder="book id"> \
            <button type="submit" data-test="link-submit">Link</button></p>
            """)
        out += "</div></section>\n</div>\n"
        out += files(v.files)
        out += candidates(v, layout: layout)
        out += proposals(v.proposals)
        return layout.page(title, section: nil, flash: flash, content: out)
    }

    static func keyValues(_ pairs: [(String, String?)]) -> String {
        let shown = pairs.compactMap { p in p.1.flatMap { $0.isEmpty ? nil : (p.0, $0) } }
        guard !shown.isEmpty else { return "<p class=\"muted\">Nothing.</p>" }
        return "<dl class=\"kv\">" + shown.map { "<dt>\(h($0.0))</dt><dd dir=\"auto\">\(h($0.1))</dd>" }.joined() + "</dl>"
    }

    static func list(_ values: [String]) -> String? { values.isEmpty ? nil : values.joined(separator: ", ") }

    static func files(_ files: [ItemFileTags]) -> String {
        var out = "<section class=\"card\" data-test=\"file-tags\"><header><h2>Files</h2><span class=\"muted\">\(plural(files.count, "file")) scanned</span></header>"
        guard !files.isEmpty else {
            return out + "<div class=\"body\"><p class=\"muted\">No scanned file: <code>shelfmirror scan</code> reads the tags.</p></div></section>\n"
        }
        out += "<table class=\"cards\"><thead><tr><th>File</th><th>Tags</th></tr></thead><tbody>"
        for f in files.prefix(50) {
            let name = (f.path as NSString).lastPathComponent
            let duration = f.durationMs.map { String(format: " · %.1f min", Double($0) / 60_000) } ?? ""
            let tags: String = f.error.map { "<span class=\"s-failed badge\">unreadable</span> \(h($0))" }
                ?? (f.tags.isEmpty ? "<span class=\"none\">no tags</span>" : f.tags.map { "<b>\(h($0.name))</b> \(h($0.value))" }.joined(separator: " · "))
            out += "<tr><td data-label=\"File\" dir=\"auto\">\(h(name))<div class=\"muted\">\(h(f.format ?? ""))\(duration)</div></td>"
                + "<td data-label=\"Tags\" dir=\"auto\">\(tags)</td></tr>"
        }
        if files.count > 50 { out += "<tr><td colspan=\"2\" class=\"muted\">… and \(files.count - 50) more</td></tr>" }
        return out + "</tbody></table></section>\n"
    }

    static func candidates(_ v: ItemView, layout: Layout) -> String {
        var out = "<section class=\"card\"><header><h2>Candidates</h2><span class=\"muted\">scored now, as <code>shelfmirror explain</code> does</span></header>"
        guard let e = v.explanation, !e.result.ranked.isEmpty else {
            return out + "<div class=\"body\"><p class=\"muted\">No candidates: sync found no Hardcover book for it.</p></div></section>\n"
        }
        out += "<table class=\"cards\"><thead><tr><th class=\"num\">Score</th><th>Book</th><th>Penalties</th><th></th></tr></thead><tbody>"
        for c in e.result.ranked.prefix(10) {
            let book = e.books[c.bookId]
            let found = c.methods.isEmpty ? "full-text search" : c.methods.map(\.rawValue).joined(separator: ", ")
            let penalties: String = c.penalties.map { p in
                "<tr><td>\(h(p.kind.rawValue))</td><td class=\"num\">\(String(format: "%.2f × %g", p.value, p.weight))</td><td dir=\"auto\">\(h(p.note))</td></tr>"
            }.joined()
            let chosen = v.stored?.bookId == c.bookId
            out += "<tr data-test=\"candidate\" data-book-id=\"\(c.bookId)\"><td class=\"num\" data-label=\"Score\">\(String(format: "%.3f", c.score))</td>"
                + "<td data-label=\"Book\" dir=\"auto\"><b>\(h(book?.title ?? "?"))</b> <span class=\"id\">\(c.bookId)</span>"
                + "<div class=\"muted\">\(h(book?.authors.joined(separator: ", ") ?? ""))</div>"
                + "<div class=\"muted\">\(c.editionId.map { "edition \($0)" } ?? "no audiobook edition") · found by \(h(found))</div></td>"
                + "<td data-label=\"Penalties\"><table class=\"pen\" data-test=\"candidate-penalties\">\(penalties)</table></td><td>"
                + (chosen ? "<span class=\"badge m-\(v.stored?.status.rawValue ?? "none")\">\(v.stored?.pinned == true ? "linked by you" : "current match")</span>"
                    : layout.form("/link", fields: [("item", v.itemId), ("book", String(c.bookId)), ("back", "/item/\(segment(v.itemId))")], inPlace: false,
                                  content: "<button type=\"submit\" data-test=\"other-book\" data-book-id=\"\(c.bookId)\">Link</button>"))
                + "</td></tr>"
        }
        return out + "</tbody></table></section>\n"
    }

    static func proposals(_ rows: [ChangeRow]) -> String {
        guard !rows.isEmpty else { return "" }
        var out = "<section class=\"card\"><header><h2>Proposals</h2></header><table class=\"cards\"><thead><tr><th>Field</th><th>Now</th><th>Proposed</th><th>Status</th></tr></thead><tbody>"
        for r in rows {
            out += "<tr><td data-label=\"Field\">\(r.field.rawValue)</td><td data-label=\"Now\" dir=\"auto\">\(h(r.current.map { DiffDisplay.text($0, field: r.field) } ?? "—"))</td>"
                + "<td data-label=\"Proposed\" dir=\"auto\">\(h(DiffDisplay.text(r.proposed, field: r.field)))</td>"
                + "<td data-label=\"Status\"><span class=\"badge s-\(r.status.rawValue)\">\(r.status.rawValue)</span></td></tr>"
        }
        return out + "</tbody></table></section>\n"
    }
}
