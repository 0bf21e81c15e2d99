import Foundation
import MirrorCore
import MirrorWorkflows

/// Buffered standard output (or another file).
final class OutputBuffer {
    private var buffer = Data()
    private let handle: FileHandle

    init(_ handle: FileHandle = .standardOutput) {
        self.handle = handle
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

/// Writes rows in one of the output formats. JSON, JSON lines and CSV carry the values as they
/// are; a table shows them escaped for the terminal (`TerminalText`), on one line, cut.
///
/// A table streams: each value is cut as its row arrives (never more than `cellLimit`
/// characters of it are kept), the columns are sized on the first `sampleRows` rows, and the
/// rows after those are written as they come, cut to those widths.
final class RowWriter {
    /// How many rows size the table's columns.
    static let sampleRows = 500

    private let format: OutputFormat
    private let out: OutputBuffer
    private let terminal: Terminal
    private let marks: (open: String, close: String)?
    private var columns: [String] = []
    private var count = 0
    // Table output.
    private(set) var cellLimit = 200
    private var header: [TableCell] = []
    private var sample: [[TableCell]] = []
    private var widths: [Int]?

    /// `marks`: in table output, the text between them is shown in bold (search hits); they
    /// must not occur in the data (search makes them of random characters).
    init(format: OutputFormat, terminal: Terminal = .current, marks: (open: String, close: String)? = nil,
         to handle: FileHandle = .standardOutput) {
        self.format = format
        out = OutputBuffer(handle)
        self.terminal = terminal
        self.marks = marks
    }

    func begin(columns: [String]) {
        self.columns = columns
        switch format {
        case .json: out.write("[")
        case .csv: out.write(columns.map(csvField).joined(separator: ",") + "\r\n")
        case .table:
            // Each column gets at most its share of the terminal, and never less than 8 characters.
            let share = (terminal.width - 3 * (columns.count - 1)) / max(1, columns.count)
            cellLimit = terminal.stdoutIsTTY ? max(8, min(60, share)) : 200
            header = columns.map { TableCell(TerminalText.line($0, limit: cellLimit)) }
        case .jsonl: break
        }
    }

    func row(_ values: [QueryValue]) {
        switch format {
        case .json:
            out.write((count == 0 ? "\n" : ",\n") + jsonObject(values))
        case .jsonl:
            out.write(jsonObject(values) + "\n")
        case .csv:
            out.write(values.map { csvField(plain($0)) }.joined(separator: ",") + "\r\n")
        case .table:
            let cells = values.map(tableCell)
            if let widths {
                out.write(line(cells, widths))
            } else {
                sample.append(cells)
                if sample.count == Self.sampleRows { writeSample() }
            }
        }
        count += 1
    }

    /// Ends the output; returns how many rows were written.
    @discardableResult
    func end() -> Int {
        switch format {
        case .json: out.write(count == 0 ? "]\n" : "\n]\n")
        case .table: if widths == nil { writeSample() }
        case .csv, .jsonl: break
        }
        out.flush()
        return count
    }

    /// What the table holds of one value: at most `cellLimit` characters, escaped.
    func tableCell(_ value: QueryValue) -> TableCell {
        guard case .text(let text) = value else { return TableCell(TerminalText.line(plain(value), limit: cellLimit)) }
        guard let marks, text.contains(marks.open) else { return TableCell(TerminalText.line(text, limit: cellLimit)) }
        var parts: [TableCell.Part] = []
        for (n, piece) in text.components(separatedBy: marks.open).enumerated() {
            let marked = piece.components(separatedBy: marks.close)
            for (m, text) in marked.enumerated() where !text.isEmpty {
                parts.append(.init(text: TerminalText.line(text, limit: cellLimit), marked: n > 0 && m == 0))
            }
        }
        return TableCell(parts: parts).cut(to: cellLimit)
    }

    // MARK: - Formats

    private func jsonObject(_ values: [QueryValue]) -> String {
        var parts: [String] = []
        parts.reserveCapacity(values.count)
        for (column, value) in zip(columns, values) {
            parts.append(JSONText.string(column) + ": " + json(value))
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    private func json(_ value: QueryValue) -> String {
        switch value {
        case .null: "null"
        case .integer(let v): String(v)
        case .real(let v): v.isFinite ? String(v) : "null"
        case .text(let v): JSONText.string(v)
        case .blob(let v): JSONText.string(v.base64EncodedString())
        }
    }

    private func plain(_ value: QueryValue) -> String {
        switch value {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        case .blob(let v): "<\(v.count) bytes>"
        }
    }

    private func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Sizes the columns on the rows held so far, and writes the header and those rows.
    private func writeSample() {
        guard !columns.isEmpty else { return }
        var widths = header.map(\.count)
        for row in sample { for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        self.widths = widths
        out.write(terminal.bold(line(header, widths, newline: false)) + "\n")
        out.write(widths.map { String(repeating: "─", count: $0) }.joined(separator: "   ") + "\n")
        for row in sample { out.write(line(row, widths)) }
        sample = []
    }

    private func line(_ cells: [TableCell], _ widths: [Int], newline: Bool = true) -> String {
        var text = ""
        for (i, (cell, width)) in zip(cells, widths).enumerated() {
            if i > 0 { text += "   " }
            let cut = cell.cut(to: width)
            text += cut.rendered(terminal) + String(repeating: " ", count: width - cut.count)
        }
        return text.trailingSpacesRemoved + (newline ? "\n" : "")
    }
}

/// A value as a table shows it: escaped text on one line, parts of it marked (bold).
struct TableCell: Equatable {
    struct Part: Equatable {
        var text: String
        var marked = false
    }

    var parts: [Part]
    /// Characters shown.
    var count: Int

    init(_ text: String) {
        self.init(parts: [Part(text: text)])
    }

    init(parts: [Part]) {
        self.parts = parts
        count = parts.reduce(0) { $0 + $1.text.count }
    }

    /// At most `width` characters; a longer value ends in "…".
    func cut(to width: Int) -> TableCell {
        guard count > width else { return self }
        var left = max(0, width - 1)
        var kept: [Part] = []
        for part in parts where left > 0 {
            let text = part.text.count <= left ? part.text : String(part.text.prefix(left))
            left -= text.count
            kept.append(Part(text: text, marked: part.marked))
        }
        return TableCell(parts: kept + [Part(text: "…")])
    }

    func rendered(_ terminal: Terminal) -> String {
        parts.map { $0.marked ? terminal.bold($0.text) : $0.text }.joined()
    }
}

extension String {
    var trailingSpacesRemoved: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
