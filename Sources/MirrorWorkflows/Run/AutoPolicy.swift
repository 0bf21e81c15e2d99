import Foundation
import MirrorCore
import MirrorStore

/// What an unattended `run` accepts on its own (`[auto]` in config.toml), per target and field.
/// Nothing is accepted that the policy does not name; a non-empty AudiobookShelf value is never
/// replaced unless its field is named under `replace`.
///
/// ```toml
/// [auto.hardcover]
/// fields = ["status", "progress_seconds", "started_on", "finished_on", "read"]
/// matches = ["auto"]                  # default: auto and confirmed
///
/// [auto.abs]
/// fill = ["narrators", "asin", "series"]
/// replace = []                        # fields whose non-empty values may be replaced
/// min_score = 0.95                    # the match's score, at least (default 0.95)
/// matches = ["auto"]                  # default: auto and confirmed
/// tags = false                        # fills from the files' tags too (default false)
///
/// [run]
/// push = true                         # run pushes what it accepted (default false: --push)
/// ```
public struct AutoPolicy: Sendable, Equatable {
    public struct Metadata: Sendable, Equatable {
        public var fill: Set<DiffField> = []
        public var replace: Set<DiffField> = []
        public var minScore = 0.95
        public var matches: Set<MatchStatus> = [.auto, .confirmed]
        public var tags = false
    }

    public struct Listening: Sendable, Equatable {
        public var fields: Set<ListeningField> = []
        public var matches: Set<MatchStatus> = [.auto, .confirmed]
    }

    public var abs = Metadata()
    public var hardcover = Listening()
    /// `[run] push`: push what was accepted without `--push`.
    public var push = false

    public init() {}

    /// Whether the policy names anything at all.
    public var isEmpty: Bool { abs.fill.isEmpty && abs.replace.isEmpty && hardcover.fields.isEmpty }

    /// Why the policy leaves a pending proposal for a person; nil when it accepts it.
    public func reasonToLeave(_ row: ChangeRow) -> String? {
        switch row.field {
        case .abs(let field):
            let named = row.action == .fill ? abs.fill.contains(field) || abs.replace.contains(field) : abs.replace.contains(field)
            guard named else {
                return row.action == .fill ? "\(field.rawValue) is not in [auto.abs] fill" : "replacing \(field.rawValue) is not in [auto.abs] replace"
            }
            if row.source == .tags {
                return abs.tags ? nil : "from the files' tags ([auto.abs] tags = false)"
            }
            guard let status = row.matchStatus, abs.matches.contains(status) else { return "its match is \(row.matchStatus?.rawValue ?? "none")" }
            guard (row.score ?? 0) >= abs.minScore else { return "its match scores below \(abs.minScore)" }
            return nil
        case .hardcover(let field):
            guard hardcover.fields.contains(field) else { return "\(field.rawValue) is not in [auto.hardcover] fields" }
            guard let status = row.matchStatus, hardcover.matches.contains(status) else { return "its match is \(row.matchStatus?.rawValue ?? "none")" }
            return nil
        }
    }

    /// `[auto.abs]`, `[auto.hardcover]` and `[run]` of config.toml; unknown keys and bad values
    /// are errors that name the line.
    static func parse(_ config: [String: ConfigFile.Value], path: String, line: (String) -> Int) throws -> AutoPolicy {
        var policy = AutoPolicy()
        for (key, value) in config.sorted(by: { $0.key < $1.key }) where key.hasPrefix("auto.") || key.hasPrefix("run.") {
            func fail(_ reason: String) -> ConfigFile.ParseError {
                ConfigFile.ParseError(path: path, line: line(key), reason: reason)
            }
            func names<T>(_ make: (String) -> T?, _ all: [String]) throws -> Set<T> {
                let list: [String]
                switch value {
                case .strings(let l): list = l
                case .string(let s): list = [s]
                default: throw fail("\(key) must be a list of names, e.g. [\"\(all[0])\"]")
                }
                return try Set(list.map { name in
                    guard let v = make(name) else { throw fail("\(key): unknown \"\(name)\" (known: \(all.joined(separator: ", ")))") }
                    return v
                })
            }
            let matchNames = MatchStatus.allCases.map(\.rawValue)
            switch key {
            case "auto.abs.fill": policy.abs.fill = try names(DiffField.init(rawValue:), DiffField.allCases.map(\.rawValue))
            case "auto.abs.replace": policy.abs.replace = try names(DiffField.init(rawValue:), DiffField.allCases.map(\.rawValue))
            case "auto.abs.matches": policy.abs.matches = try names(MatchStatus.init(rawValue:), matchNames)
            case "auto.abs.min_score":
                guard let n = value.double, (0...1).contains(n) else { throw fail("\(key) must be a number between 0 and 1") }
                policy.abs.minScore = n
            case "auto.abs.tags":
                guard case .bool(let b) = value else { throw fail("\(key) must be true or false") }
                policy.abs.tags = b
            case "auto.hardcover.fields":
                policy.hardcover.fields = try names(ListeningField.init(rawValue:), ListeningField.allCases.map(\.rawValue))
            case "auto.hardcover.matches": policy.hardcover.matches = try names(MatchStatus.init(rawValue:), matchNames)
            case "run.push":
                guard case .bool(let b) = value else { throw fail("\(key) must be true or false") }
                policy.push = b
            default:
                throw fail("unknown key \(key) (known: auto.abs.fill, auto.abs.replace, auto.abs.min_score, auto.abs.matches, "
                    + "auto.abs.tags, auto.hardcover.fields, auto.hardcover.matches, run.push)")
            }
        }
        return policy
    }
}

/// What the policy accepts of the pending proposals, field by field.
public struct AutoAcceptReport: Sendable {
    public struct Line: Sendable, Equatable {
        public var target: PushTarget
        public var field: ChangeField
        public var accepted: Int
        public var left: Int
        /// Why some were left, the most frequent reason first.
        public var reasons: [String]
    }

    public var lines: [Line]
    public var accepted: Int { lines.reduce(0) { $0 + $1.accepted } }
    public var left: Int { lines.reduce(0) { $0 + $1.left } }
    public func accepted(_ target: PushTarget) -> Int { lines.filter { $0.target == target }.reduce(0) { $0 + $1.accepted } }
    public func left(_ target: PushTarget) -> Int { lines.filter { $0.target == target }.reduce(0) { $0 + $1.left } }
}

/// The policy's decisions: `explain` says what it would accept now, `apply` accepts it.
public enum AutoAccept {
    public static func explain(mirror: Mirror, policy: AutoPolicy) throws -> (report: AutoAcceptReport, chosen: [Int64]) {
        let rows = try mirror.changeRows(statuses: [.pending])
        var tally: [ChangeField: (accepted: Int, left: Int, reasons: [String: Int])] = [:]
        var chosen: [Int64] = []
        for row in rows {
            var line = tally[row.field] ?? (0, 0, [:])
            if let reason = policy.reasonToLeave(row) {
                line.left += 1
                line.reasons[reason, default: 0] += 1
            } else {
                line.accepted += 1
                chosen.append(row.id)
            }
            tally[row.field] = line
        }
        let lines = ChangeField.allCases.compactMap { field -> AutoAcceptReport.Line? in
            guard let t = tally[field] else { return nil }
            let reasons = t.reasons.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
            return AutoAcceptReport.Line(target: field.target, field: field, accepted: t.accepted, left: t.left, reasons: reasons)
        }
        return (AutoAcceptReport(lines: lines), chosen)
    }

    public static func apply(mirror: Mirror, policy: AutoPolicy) throws -> AutoAcceptReport {
        let (report, chosen) = try explain(mirror: mirror, policy: policy)
        try mirror.decide(changeIds: chosen, status: .accepted)
        return report
    }
}
