import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show the proposed changes for AudiobookShelf and Hardcover, the current value beside each, offline.",
            discussion: """
                Target abs: AudiobookShelf's item metadata. Proposals come from each item's matched \
                Hardcover book and edition (auto, needs review or confirmed matches) and from its \
                files' tags where AudiobookShelf and Hardcover have nothing. By default only empty \
                fields are filled; `[diff]` in config.toml sets a field to "replace" (differing values \
                too) or "ignore". Noise is not a change: white space, HTML against plain text, name \
                order and case, "1" against 1.0, ISBN forms. No proposal empties a field.

                Target hardcover: your listening state on Hardcover (status, progress_seconds, \
                started_on, finished_on, edition, a new read; owned with `[hardcover] owned = true`), \
                from your AudiobookShelf progress, for items matched auto or confirmed, on the \
                audiobook edition. Nothing moves backwards; Paused, Did Not Finish and Ignored set on \
                Hardcover are kept; dates are days in your time zone (--tz, else TZ); a re-listen \
                is a new read, never a duplicate. Items that cannot go: `shelfmirror gaps`.

                A proposal whose base or value changed since it was made supersedes the old one, \
                and the old decision no longer applies.

                Examples:
                  shelfmirror diff
                  shelfmirror diff --target hardcover --tz Europe/Berlin
                  shelfmirror diff --field narrators --format csv -o narrators.csv
                  shelfmirror diff --status accepted --format json
                  shelfmirror diff --exit-code        # exit 1 when there is anything to decide
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv, markdown, html }

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Only this item (id or exact title); repeat for more.", valueName: "item"))
        var item: [String] = []

        @Option(help: ArgumentHelp("Only this target: abs (AudiobookShelf metadata) or hardcover (listening state); both by default.",
                                   valueName: "target"))
        var target: PushTarget?

        @Option(help: ArgumentHelp("Only this field; repeat for more.", valueName: "field"))
        var field: [ChangeField] = []

        @OptionGroup var timeZone: TimeZoneOption

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
            if let target, let other = field.first(where: { $0.target != target }) {
                throw ValidationError("--field \(other.rawValue) is a field of --target \(other.target.rawValue), not \(target.rawValue).")
            }
        }

        func run() throws {
            let settings = try global.settings
            let mirror = try settings.openMirror()
            let listening = timeZone.listening(settings)
            let report = try ChangeListing.run(mirror: mirror, policy: settings.diffPolicy, listening: listening,
                                               targets: target.map { [$0] } ?? Set(PushTarget.allCases),
                                               itemIds: ItemReference.resolve(item, mirror: mirror),
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
            Console.err("\(rows.count) proposals for \(report.items) items (\(report.new) new, \(report.superseded) superseded this run)."
                + (rows.isEmpty && (report.refresh?.items ?? 0) > 0 ? " Nothing to decide; `shelfmirror match` first if you have not." : ""))
            // Said when Hardcover was asked for, or is set up; not to those who do not use it.
            if let listening = report.listening, target == .hardcover || settings.hardcoverToken != nil {
                if listening.hardcoverUserId == nil {
                    Console.err("Hardcover: no listening state compared: the mirror holds no Hardcover library yet; "
                        + "`shelfmirror sync` with HARDCOVER_TOKEN reads it.")
                } else if listening.absUserId == nil {
                    Console.err("Hardcover: no listening state compared: the mirror holds no AudiobookShelf progress yet; "
                        + "`shelfmirror sync` reads it.")
                }
            }
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
                  shelfmirror accept --target hardcover --replace   # your listening state, as diff shows it
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
    var field: [ChangeField] = []

    @Option(help: ArgumentHelp("Only this target's proposals: abs (AudiobookShelf metadata) or hardcover (listening state).",
                               valueName: "target"))
    var target: PushTarget?

    @Flag(help: "Every open proposal (with the other selectors: every one they select).")
    var all = false

    @Option(help: ArgumentHelp("Only proposals from a match scoring at least this (0…1); tag proposals have no score.", valueName: "x"))
    var minScore: Double?

    func validate() throws {
        if item.isEmpty, field.isEmpty, target == nil, !all {
            throw ValidationError("Say which proposals: --item, --field, --target, or --all.")
        }
        if let target, let other = field.first(where: { $0.target != target }) {
            throw ValidationError("--field \(other.rawValue) is a field of --target \(other.target.rawValue), not \(target.rawValue).")
        }
        if let minScore, !(0...1).contains(minScore) { throw ValidationError("--min-score must be between 0 and 1.") }
    }

    func decide(_ status: ChangeStatus, replace: Bool, global: GlobalOptions) throws {
        let mirror = try global.settings.openMirror()
        let selection = ChangeSelection(itemIds: try ItemReference.resolve(item, mirror: mirror), fields: field.isEmpty ? nil : Set(field),
                                        targets: target.map { [$0] },
                                        minScore: minScore, replace: replace)
        let report = try Decisions.decide(status, selection, mirror: mirror)
        Console.err("\(status == .accepted ? "Accepted" : "Rejected") \(report.decided) proposals"
            + (report.left > 0 ? "; left \(report.left) undecided (" + (replace ? "below --min-score" : "replacements need --field or --replace, or below --min-score") + ")" : "")
            + ".")
        if report.considered == 0 { Console.err("Nothing matched the selection; `shelfmirror diff` lists the open proposals.") }
    }
}
