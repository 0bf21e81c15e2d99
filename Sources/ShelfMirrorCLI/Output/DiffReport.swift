import Foundation
import MirrorCore
import MirrorWorkflows

/// The reports of `diff`: a side-by-side table that fits the terminal, JSON, CSV and Markdown.
/// Values come from servers and files: the table escapes control characters (`TerminalText`),
/// the CSV keeps cells from being read as formulas (`SpreadsheetText`), the Markdown escapes
/// HTML and Markdown's own marks; JSON carries the values as they are.
enum DiffReport {
    /// A stored JSON value as one line: "A, B", "Series #2", the text itself.
    static func display(_ json: String, _ field: ChangeField) -> String {
        DiffDisplay.text(json, field: field)
    }

    static func table(_ rows: [ChangeRow], terminal: Terminal) -> String {
        guard !rows.isEmpty else { return "" }
        // item  target(9)  field(16)  now  proposed  from(16)  score(5), two spaces between columns.
        let fixed = 9 + 16 + 16 + 5 + 6 * 2
        let free = max(40, terminal.width - fixed)
        let titleWidth = min(28, max(10, free / 5))
        let valueWidth = max(12, (free - titleWidth) / 2)
        func cut(_ s: String, _ width: Int) -> String { Terminal.column(s, width: width) }
        var lines: [String] = []
        let header = cut("item", titleWidth) + "  " + cut("target", 9) + "  " + cut("field", 16) + "  " + cut("now", valueWidth) + "  "
            + cut("proposed", valueWidth)
            + "  " + cut("from", 16) + "  score"
        lines.append(terminal.bold(header))
        var lastItem = ""
        for r in rows {
            let item = r.itemId == lastItem ? "" : (r.itemTitle ?? r.itemId)
            lastItem = r.itemId
            let now = r.current.map { DiffDisplay.text($0, field: r.field) } ?? "—"
            let proposed = DiffDisplay.text(r.proposed, field: r.field)
            let from = "\(r.source.rawValue) \(r.action.rawValue)" + (r.status == .pending ? "" : " (\(r.status.rawValue))")
            lines.append(cut(item, titleWidth) + "  " + cut(r.target.rawValue, 9) + "  " + cut(r.field.rawValue, 16) + "  "
                + terminal.red(cut(now, valueWidth)) + "  "
                + terminal.green(cut(proposed, valueWidth)) + "  " + cut(from, 16) + "  " + (r.score.map { String(format: "%.2f", $0) } ?? "—"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON shape documented in the README.
    static func json(_ rows: [ChangeRow]) -> String {
        let objects = rows.map { r -> String in
            "{\"id\":\(r.id),\"item_id\":\(JSONText.string(r.itemId)),\"item_title\":\(r.itemTitle.map(JSONText.string) ?? "null"),"
                + "\"field\":\"\(r.field.rawValue)\",\"current\":\(r.current ?? "null"),\"proposed\":\(r.proposed),"
                + "\"source\":\"\(r.source.rawValue)\",\"action\":\"\(r.action.rawValue)\",\"status\":\"\(r.status.rawValue)\","
                + "\"match_status\":\(r.matchStatus.map { JSONText.string($0.rawValue) } ?? "null"),\"score\":\(r.score.map { String($0) } ?? "null"),"
                + "\"book_id\":\(r.bookId.map(String.init) ?? "null"),\"target\":\"\(r.target.rawValue)\"}"
        }
        return "[" + (objects.isEmpty ? "" : "\n  " + objects.joined(separator: ",\n  ") + "\n") + "]\n"
    }

    /// For a spreadsheet: every cell through `SpreadsheetText.neutralised`, which
    /// `import-decisions` reverses.
    static func csv(_ rows: [ChangeRow]) -> String {
        func field(_ value: String) -> String {
            let s = SpreadsheetText.neutralised(value)
            return s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = "id,item_id,item_title,field,current,proposed,source,action,status,match_status,score,book_id,target\r\n"
        for r in rows {
            out += [String(r.id), r.itemId, r.itemTitle ?? "", r.field.rawValue, r.current.map { display($0, r.field) } ?? "",
                    display(r.proposed, r.field), r.source.rawValue, r.action.rawValue, r.status.rawValue, r.matchStatus?.rawValue ?? "",
                    r.score.map { String($0) } ?? "", r.bookId.map(String.init) ?? "", r.target.rawValue].map(field).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func markdown(_ rows: [ChangeRow]) -> String {
        func cell(_ s: String) -> String { markdownCell(s) }
        var out = "| item | target | field | now | proposed | from | status | score |\n|---|---|---|---|---|---|---|---:|\n"
        for r in rows {
            out += "| \(cell(r.itemTitle ?? r.itemId)) | \(r.target.rawValue) | \(r.field.rawValue) | \(cell(r.current.map { display($0, r.field) } ?? "—")) | "
                + "**\(cell(display(r.proposed, r.field)))** | \(r.source.rawValue) \(r.action.rawValue) | \(r.status.rawValue) | "
                + (r.score.map { String(format: "%.2f", $0) } ?? "—") + " |\n"
        }
        return out
    }

    /// A value in a Markdown table cell, shown as it is wherever the file is read: on one line,
    /// control characters escaped (`TerminalText`), `& < >` as HTML entities (no markup gets
    /// through: `<script>` is text), and Markdown's own marks (backslash, pipe, `*`, `_`, `~`,
    /// backquote, brackets) behind a backslash, so a value makes no link, image, emphasis or
    /// extra column.
    static func markdownCell(_ text: String) -> String {
        var out = ""
        for c in TerminalText.line(text).unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "|", "*", "_", "~", "`", "[", "]": out += "\\" + String(c)
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
