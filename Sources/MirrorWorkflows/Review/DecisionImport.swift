import Foundation
import MirrorCore
import MirrorStore
import SwiftCSV

/// Decisions made in a spreadsheet: the CSV or JSON of `diff` with its `status` column set to
/// accepted, rejected or pending, and `proposed` edited where the user wants another value.
/// A CSV cell that begins with `'` is read without it (`SpreadsheetText.restored`): `diff`
/// puts one before a value that a spreadsheet would run as a formula, or that begins with `'`.
/// Every line is checked against the mirror first; nothing is applied unless all are valid.
public enum DecisionImport {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public struct Summary: Sendable, Equatable {
        public var accepted = 0
        public var rejected = 0
        public var pending = 0
        public var edited = 0
        public var unchanged = 0
        /// Lines of proposals for a target not asked for (`--target`): left as they are.
        public var otherTarget = 0
    }

    struct Line {
        var number: Int
        var id: String?
        var field: String?
        var status: String?
        var proposed: String?
    }

    /// Applies the file's decisions; with `targets`, only those of proposals for these targets.
    public static func apply(file: URL, mirror: Mirror, targets: Set<PushTarget>? = nil) throws -> Summary {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw WorkflowError(summary: "cannot read \(file.path): \(error.localizedDescription)", hint: "Give the path of a file written by `shelfmirror diff --format csv` or `--format json`.", kind: .noInput)
        }
        let lines = try file.pathExtension.lowercased() == "json" || text.drop(while: \.isWhitespace).first == "[" ? json(text) : csv(text)
        return try apply(lines, mirror: mirror, targets: targets)
    }

    static func csv(_ text: String) throws -> [Line] {
        let parsed: CSV<Named>
        do {
            parsed = try CSV<Named>(string: text)
        } catch {
            throw WorkflowError(summary: "the file is not readable CSV: \(error)", hint: "Export it again with `shelfmirror diff --format csv -o FILE`.", kind: .badData)
        }
        for column in ["id", "field", "status"] where !parsed.header.contains(column) {
            throw WorkflowError(summary: "the CSV has no \"\(column)\" column", hint: "Keep the columns `shelfmirror diff --format csv` writes; edit `status` (and `proposed`).", kind: .badData)
        }
        // `diff` wrote each cell through SpreadsheetText.neutralised: one leading ' comes off.
        func cell(_ row: [String: String], _ column: String) -> String? { row[column].map(SpreadsheetText.restored) }
        return parsed.rows.enumerated().map { n, row in
            Line(number: n + 2, id: cell(row, "id"), field: cell(row, "field"), status: cell(row, "status"),
                 proposed: parsed.header.contains("proposed") ? cell(row, "proposed") : nil)
        }
    }

    static func json(_ text: String) throws -> [Line] {
        guard let objects = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw WorkflowError(summary: "the file is not a JSON array of proposals", hint: "Export it again with `shelfmirror diff --format json -o FILE`.", kind: .badData)
        }
        return objects.enumerated().map { n, o in
            let proposed: String? = {
                guard let value = o["proposed"] else { return nil }
                return (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])).map { String(decoding: $0, as: UTF8.self) }
            }()
            return Line(number: n + 1, id: (o["id"] as? Int).map(String.init) ?? o["id"] as? String, field: o["field"] as? String,
                        status: o["status"] as? String, proposed: proposed.map { "json:" + $0 })
        }
    }

    static func apply(_ lines: [Line], mirror: Mirror, targets: Set<PushTarget>? = nil) throws -> Summary {
        var problems: [Problem] = []
        var decisions: [ChangeDecision] = []
        var summary = Summary()
        let open = Dictionary(try mirror.changeRows(statuses: Set(ChangeStatus.allCases))
            .map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for line in lines {
            func problem(_ reason: String) { problems.append(Problem(line: line.number, reason: reason)) }
            guard let idText = line.id, let id = Int64(idText.trimmingCharacters(in: .whitespaces)) else { problem("no proposal id"); continue }
            guard let row = open[id] else { problem("proposal \(id) is not in this mirror"); continue }
            if let targets, !targets.contains(row.target) {
                summary.otherTarget += 1
                continue
            }
            guard line.field?.trimmingCharacters(in: .whitespaces) == row.field.rawValue else {
                problem("proposal \(id) is for \(row.field.rawValue), not \(line.field ?? "nothing")")
                continue
            }
            guard ChangeStatus.decidable.contains(row.status) else {
                problem("proposal \(id) is \(row.status.rawValue) now (it changed since the export): export again")
                continue
            }
            let status = (line.status ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            let normalized: ChangeStatus? = ["accept": .accepted, "accepted": .accepted, "reject": .rejected, "rejected": .rejected, "pending": .pending][status]
            guard let normalized else { problem("status \"\(line.status ?? "")\" must be accepted, rejected or pending"); continue }
            var edited: String? = nil
            if let proposed = line.proposed {
                if proposed.hasPrefix("json:") {
                    let json = String(proposed.dropFirst(5))
                    if DiffDisplay.text(json, field: row.field) != DiffDisplay.text(row.proposed, field: row.field) {
                        edited = validJSON(json, field: row.field, line: line.number, into: &problems)
                        if edited == nil { continue }
                    }
                } else if proposed != DiffDisplay.text(row.proposed, field: row.field) {
                    edited = FieldText.json(row.field, text: proposed)
                    if edited == nil { problem("\"\(proposed)\" is not a usable \(row.field.rawValue): give \(FieldText.rule(row.field))"); continue }
                }
            }
            if edited != nil, normalized == .rejected { problem("an edited value must be accepted or pending, not rejected"); continue }
            if edited == nil, normalized == row.status { summary.unchanged += 1; continue }
            let decided: ChangeStatus = edited != nil ? .accepted : normalized
            decisions.append(ChangeDecision(changeId: id, status: decided, editedJSON: edited))
            if edited != nil { summary.edited += 1 }
            switch decided {
            case .accepted: summary.accepted += 1
            case .rejected: summary.rejected += 1
            default: summary.pending += 1
            }
        }
        guard problems.isEmpty else {
            throw WorkflowError(summary: "\(problems.count) lines cannot be applied; nothing was changed:\n  "
                                    + problems.prefix(20).map(\.description).joined(separator: "\n  "),
                                hint: "Fix those lines (or export again with `shelfmirror diff`) and import again.", kind: .badData)
        }
        try mirror.applyDecisions(decisions)
        return summary
    }

    /// An edited JSON value: the right shape for the field, and not empty.
    static func validJSON(_ json: String, field: ChangeField, line: Int, into problems: inout [Problem]) -> String? {
        // A string, a list of strings, or series entries: read back as `diff` shows them.
        let value = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
        let text: String? = field.listening != nil ? (value is NSNull ? nil : DiffDisplay.text(json, field: field))
            : value is String || value is [String] || value is [[String: Any]] ? DiffDisplay.text(json) : nil
        guard let text, let canonical = FieldText.json(field, text: text) else {
            problems.append(Problem(line: line, reason: "the proposed \(field.rawValue) is not usable: give \(FieldText.rule(field))"))
            return nil
        }
        return canonical
    }
}

/// Stored JSON values as one line (the same as `diff` shows them).
public enum DiffDisplay {
    /// A value of `field`: listening values as `ListeningValue.display` shows them.
    public static func text(_ json: String, field: ChangeField) -> String {
        if let listening = field.listening { return ListeningValue.display(listening, json) }
        return text(json)
    }

    public static func text(_ json: String) -> String {
        guard let data = json.data(using: .utf8),
              let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return json }
        switch value {
        case let s as String: return s
        case let list as [String]: return list.joined(separator: ", ")
        case let entries as [[String: Any]]:
            return entries.map { e in
                let name = e["name"] as? String ?? ""
                return (e["sequence"] as? String).map { "\(name) #\($0)" } ?? name
            }.joined(separator: "; ")
        default: return json
        }
    }
}
