import Foundation
import MirrorCore
import MirrorWorkflows

/// The reports of `gaps`: a listing grouped by reason for the terminal; JSON, JSON lines and CSV
/// through `RowWriter` (the columns of the view `hardcover_gaps`); Markdown with `diff`'s cell
/// escaping; one self-contained HTML page with `diff`'s escaping and content policy.
enum GapsReport {
    /// A reason as a heading: "No match", "Needs review", ….
    static func label(_ reason: HardcoverGap.Reason) -> String {
        switch reason {
        case .noMatch: "No match"
        case .needsReview: "Needs review"
        case .bookNotMirrored: "Book not in the mirror"
        case .noAudiobookEdition: "No audiobook edition on Hardcover"
        }
    }

    /// "45%", or "finished".
    static func state(_ gap: HardcoverGap) -> String {
        gap.finished ? "finished" : "\(Int((gap.progress * 100).rounded()))%"
    }

    /// The values of one row, in `HardcoverGap.columnNames`' order.
    static func values(_ gap: HardcoverGap) -> [QueryValue] {
        [.text(gap.itemId), gap.title.map(QueryValue.text) ?? .null, .text(gap.authors), .text(gap.reason.rawValue),
         .text(gap.nextStep), gap.bookId.map { .integer(Int64($0)) } ?? .null, gap.matchStatus.map { .text($0.rawValue) } ?? .null,
         .real(gap.progress), .integer(gap.finished ? 1 : 0), gap.lastUpdate.map(QueryValue.text) ?? .null]
    }

    /// Rows as `query` writes them (json, jsonl, csv).
    static func write(_ gaps: [HardcoverGap], format: OutputFormat) {
        let writer = RowWriter(format: format)
        writer.begin(columns: HardcoverGap.columnNames)
        for gap in gaps { writer.row(values(gap)) }
        writer.end()
    }

    /// For the terminal: by reason, each item on one line and its next step under it.
    static func text(_ gaps: [HardcoverGap], terminal: Terminal) -> String {
        var out = ""
        for reason in HardcoverGap.Reason.allCases {
            let rows = gaps.filter { $0.reason == reason }
            guard !rows.isEmpty else { continue }
            out += (out.isEmpty ? "" : "\n") + terminal.bold("\(label(reason)) (\(rows.count))") + "\n"
            for gap in rows {
                let authors = DiffDisplay.text(gap.authors)
                out += "  " + TerminalText.line(gap.title ?? gap.itemId) + (authors.isEmpty ? "" : " — " + TerminalText.line(authors))
                    + terminal.dim("  (\(TerminalText.line(gap.itemId)), \(state(gap)))") + "\n"
                out += "    → " + TerminalText.line(gap.nextStep) + "\n"
            }
        }
        return out
    }

    static func markdown(_ gaps: [HardcoverGap]) -> String {
        let cell = DiffReport.markdownCell
        var out = "| item | authors | listened | reason | next step |\n|---|---|---|---|---|\n"
        for gap in gaps {
            out += "| \(cell(gap.title ?? gap.itemId)) | \(cell(DiffDisplay.text(gap.authors))) | \(state(gap)) | "
                + "\(cell(label(gap.reason))) | \(cell(gap.nextStep)) |\n"
        }
        return out
    }

    /// The page's only style; the content policy allows nothing else (no script at all).
    static let css = """
        :root{color-scheme:light dark}
        body{margin:0 auto;max-width:1100px;padding:16px;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        table{border-collapse:collapse;width:100%}
        th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #8884}
        code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em;overflow-wrap:anywhere}
        .meta,footer{color:#777}
        """

    static func html(_ gaps: [HardcoverGap], title: String, generatedAt: String) -> String {
        let e = DiffReport.escape
        let policy = "default-src 'none'; style-src '\(DiffHTMLAssets.hash(css))'; base-uri 'none'; form-action 'none'"
        var out = DiffHTMLAssets.head(title: title, policy: policy, css: css) + """
            <body>
            <h1 dir="auto">\(e(title))</h1>
            <p class="meta">Generated <time datetime="\(e(generatedAt))">\(e(generatedAt))</time> · \(gaps.count) \
            item\(gaps.count == 1 ? "" : "s") with listening state that cannot reach Hardcover</p>

            """
        if gaps.isEmpty {
            out += "<p>Every item with listening state can reach Hardcover.</p>\n"
        } else {
            out += "<table>\n<thead><tr><th>item</th><th>authors</th><th>listened</th><th>reason</th><th>next step</th></tr></thead>\n<tbody>\n"
            for gap in gaps {
                out += "<tr data-reason=\"\(gap.reason.rawValue)\"><td dir=\"auto\">\(e(gap.title ?? gap.itemId))<br><code>\(e(gap.itemId))</code></td>"
                    + "<td dir=\"auto\">\(e(DiffDisplay.text(gap.authors)))</td><td>\(state(gap))</td><td>\(e(label(gap.reason)))</td>"
                    + "<td><code>\(e(gap.nextStep))</code></td></tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }
        out += "<footer>shelfmirror \(ShelfMirror.version) · This file works offline and loads nothing.</footer>\n</body>\n</html>\n"
        return out
    }
}
