import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show the proposed field changes, the current value beside each, offline.",
            discussion: """
                Proposals come from each item's matched Hardcover book and edition (auto, needs \
                review or confirmed matches) and from its files' tags where AudiobookShelf and \
                Hardcover have nothing. By default only empty fields are filled; `[diff]` in \
                config.toml sets a field to "replace" (differing values too) or "ignore". Noise is \
                not a change: white space, HTML against plain text, name order and case, "1" against \
                1.0, ISBN forms. No proposal empties a field. A proposal whose base or value changed \
                since it was made supersedes the old one, and the old decision no longer applies.

                Examples:
                  shelfmirror diff
                  shelfmirror diff --field narrators --format csv -o narrators.csv
                  shelfmirror diff --status accepted --format json
                  shelfmirror diff --exit-code        # exit 1 when there is anything to decide
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv, markdown, html }

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Only this item (id or exact title); repeat for more.", valueName: "item"))
        var item: [String] = []

        @Option(help: ArgumentHelp("Only this field; repeat for more.", valueName: "field"))
        var field: [DiffField] = []

        @Option(help: ArgumentHelp("Only proposals with this status: open (pending and accepted), pending, accepted, rejected, superseded, all.", valueName: "status"))
        var status: String = "open"

        @Option(help: "Output format: table, json, csv, markdown or html (one self-contained page).")
        var format: Format = .table

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write the report to this file.", valueName: "file"))
        var output: String?

        @Flag(help: "Exit with status 1 when there are proposals to show.")
        var exitCode = false

        func validate() throws {
            guard ChangeListing.statuses(named: status) != nil else {
                let names = ChangeListing.statusNames
                throw ValidationError("--status must be \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "all").")
            }
        }

        func run() throws {
            let settings = try global.settings
            let mirror = try settings.openMirror()
            let report = try ChangeListing.run(mirror: mirror, policy: settings.diffPolicy, itemIds: ItemReference.resolve(item, mirror: mirror),
                                               fields: field.isEmpty ? nil : Set(field), statuses: ChangeListing.statuses(named: status) ?? [])
            let rows = report.rows
            let text: String = switch format {
            case .table: DiffReport.table(rows, terminal: output == nil ? Terminal.current : Terminal.plain)
            case .json: DiffReport.json(rows)
            case .csv: DiffReport.csv(rows)
            case .markdown: DiffReport.markdown(rows)
            case .html: DiffReport.html(rows, title: "Proposed changes in " + URL(fileURLWithPath: settings.database.value).lastPathComponent,
                                        generatedAt: ISO8601.now())
            }
            if let output {
                do {
                    try text.write(toFile: output, atomically: true, encoding: .utf8)
                } catch {
                    throw UsageError(summary: "cannot write \(output): \(error.localizedDescription)", hint: "Check the folder exists and is writable.")
                }
            } else {
                Console.out(text, terminator: "")
            }
            let summary = report.refresh
            Console.err("\(rows.count) proposals for \(report.items) items (\(summary.new) new, \(summary.superseded) superseded this run)."
                + (rows.isEmpty && summary.items > 0 ? " Nothing to decide; `shelfmirror match` first if you have not." : ""))
            if exitCode, !rows.isEmpty { throw ExitCode(1) }
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "accept",
            abstract: "Accept proposed changes (for push), chosen by item, field, or score.",
            discussion: """
                Replacing a value that is not empty is never accepted in bulk: name the field \
                (--field) or add --replace.

                Examples:
                  shelfmirror accept --all --min-score 0.95
                  shelfmirror accept --item "The Way of Kings" --field narrators
                  shelfmirror accept --field title --replace
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: ChangeSelectionOptions

        @Flag(help: "Also accept replacements of non-empty values among the selected proposals.")
        var replace = false

        func run() throws {
            try selection.decide(.accepted, replace: replace || !selection.field.isEmpty, global: global)
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reject",
            abstract: "Reject proposed changes; a rejected proposal is not made again while it stays the same.",
            discussion: """
                Examples:
                  shelfmirror reject --field genres --all
                  shelfmirror reject --item li_8a7f…
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: ChangeSelectionOptions

        func run() throws {
            try selection.decide(.rejected, replace: true, global: global)
        }
    }
}

/// Which proposals `accept` and `reject` act on.
struct ChangeSelectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Proposals of this item (id or exact title); repeat for more.", valueName: "item"))
    var item: [String] = []

    @Option(help: ArgumentHelp("Proposals of this field; repeat for more.", valueName: "field"))
    var field: [DiffField] = []

    @Flag(help: "Every open proposal (with the other selectors: every one they select).")
    var all = false

    @Option(help: ArgumentHelp("Only proposals from a match scoring at least this (0…1); tag proposals have no score.", valueName: "x"))
    var minScore: Double?

    func validate() throws {
        if item.isEmpty, field.isEmpty, !all {
            throw ValidationError("Say which proposals: --item, --field, or --all.")
        }
        if let minScore, !(0...1).contains(minScore) { throw ValidationError("--min-score must be between 0 and 1.") }
    }

    func decide(_ status: ChangeStatus, replace: Bool, global: GlobalOptions) throws {
        let mirror = try global.settings.openMirror()
        let selection = ChangeSelection(itemIds: try ItemReference.resolve(item, mirror: mirror), fields: field.isEmpty ? nil : Set(field),
                                        minScore: minScore, replace: replace)
        let report = try Decisions.decide(status, selection, mirror: mirror)
        Console.err("\(status == .accepted ? "Accepted" : "Rejected") \(report.decided) proposals"
            + (report.left > 0 ? "; left \(report.left) undecided (" + (replace ? "below --min-score" : "replacements need --field or --replace, or below --min-score") + ")" : "")
            + ".")
        if report.considered == 0 { Console.err("Nothing matched the selection; `shelfmirror diff` lists the open proposals.") }
    }
}
