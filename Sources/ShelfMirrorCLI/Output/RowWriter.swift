import Foundation
import MirrorCore
import MirrorStore

/// Buffered standard output.
final class OutputBuffer {
    private var buffer = Data()

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

/// Writes rows in one of the output formats. Table output is buffered to size its columns;
/// the others stream.
final class RowWriter {
    private let format: OutputFormat
    private let out = OutputBuffer()
    private let terminal: Terminal
    private var columns: [String] = []
    private var tableRows: [[String]] = []
    private var count = 0

    init(format: OutputFormat, terminal: Terminal = .current) {
        self.format = format
        self.terminal = terminal
    }

    func begin(columns: [String]) {
        self.columns = columns
        switch format {
        case .json: out.write("[")
        case .csv: out.write(columns.map(csvField).joined(separator: ",") + "\r\n")
        case .table, .jsonl: break
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
            tableRows.append(values.map { plain($0) })
        }
        count += 1
    }

    /// Ends the output; returns how many rows were written.
    @discardableResult
    func end() -> Int {
        switch format {
        case .json: out.write(count == 0 ? "]\n" : "\n]\n")
        case .table: writeTable()
        case .csv, .jsonl: break
        }
        out.flush()
        return count
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

    private func writeTable() {
        guard !columns.isEmpty else { return }
        // Each column gets at most its share of the terminal, and never less than 8 characters.
        let maxCell = max(8, min(60, (terminal.width - 3 * (columns.count - 1)) / max(1, columns.count)))
        let cells = tableRows.map { $0.map { cell(String($0), limit: terminal.stdoutIsTTY ? maxCell : 200) } }
        var widths = columns.map(\.count)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
                .joined(separator: "   ").trailingSpacesRemoved
        }
        out.write(terminal.bold(line(columns)) + "\n")
        out.write(widths.map { String(repeating: "─", count: $0) }.joined(separator: "   ") + "\n")
        for row in cells { out.write(line(row) + "\n") }
    }

    private func cell(_ text: String, limit: Int) -> String {
        let flat = text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\t", with: " ")
        guard flat.count > limit else { return flat }
        return String(flat.prefix(limit - 1)) + "…"
    }
}

extension String {
    var trailingSpacesRemoved: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
