import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push",
            abstract: "Send the accepted changes to AudiobookShelf and Hardcover: conflict-checked, journaled, verified, undoable.",
            discussion: """
                The only command that writes to a server. With no --target, each target with \
                accepted changes in turn: AudiobookShelf's item metadata, then your Hardcover \
                listening state.

                AudiobookShelf: the token's user must have the update permission. Then, for each \
                chunk of items: a re-read; a field whose value on the server is no longer the one the \
                proposal was made against is a conflict — reported, never overwritten; the rest is \
                written to the journal, sent (batch/update; PATCH on servers without it), re-read \
                and verified; each change is marked pushed or failed with the reason, and the mirror \
                refreshed.

                Hardcover: the token must be allowed to write your library (exit 77 before anything \
                is sent if not). Your user books of the books are read again (500 books a request), \
                conflicts are kept, and the mutations go five a request (Hardcover's limit), paced \
                like sync (60 a minute, the daily reserve kept); each is verified by its answer. A \
                spent budget stops the push with the rest still accepted: the next push sends it.

                A push that was killed is settled by the next one from its journal: nothing is \
                applied twice.

                Examples:
                  shelfmirror push --dry-run           # the exact requests, no token, nothing sent
                  shelfmirror push
                  shelfmirror push --target hardcover --dry-run
                  shelfmirror push --item "The Way of Kings"
                  shelfmirror undo --last
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions

        @Option(help: ArgumentHelp("Only this target: abs (AudiobookShelf metadata) or hardcover (listening state); each with accepted changes by default.",
                                   valueName: "target"))
        var target: PushTarget?

        @OptionGroup var hardcover: HardcoverPacingOptions

        @Flag(help: "Print the requests that would be sent (method, path, JSON body); send nothing.")
        var dryRun = false

        @Option(help: ArgumentHelp("Only this item (id or exact title); repeat for more.", valueName: "item"))
        var item: [String] = []

        @Option(help: ArgumentHelp("At most this many items.", valueName: "n"))
        var limit: Int?

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more.") }
        }

        func run() async throws {
            let settings = try Settings(flags: .init(database: global.db, absURL: server.absURL))
            let mirror = try settings.openMirror()
            let ids = try ItemReference.resolve(item, mirror: mirror)
            let options = PushOptions(dryRun: dryRun, itemIds: ids, limit: limit)
            let targets = try target.map { [$0] } ?? PushHistory.targetsWithAcceptedChanges(mirror: mirror)
            guard !targets.isEmpty else {
                PushReport.print(PushSummary(), dryRun: dryRun, verb: "Pushed")
                return
            }
            for t in targets {
                let summary: PushSummary
                switch t {
                case .abs:
                    summary = try await PushWorkflow.run(mirror: mirror, settings: settings, options: options)
                case .hardcover:
                    summary = try await HardcoverPushWorkflow.run(mirror: mirror, settings: settings, pacing: hardcover.pacing, options: options)
                }
                PushReport.print(summary, dryRun: dryRun, verb: "Pushed", target: t)
            }
        }

    }

    struct Undo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "undo",
            abstract: "Revert a push run: its before-values sent back, with the same conflict check.",
            discussion: """
                A field changed on the server since the push is a conflict — reported, not \
                overwritten. The reverted changes go back to pending.

                Examples:
                  shelfmirror undo --last
                  shelfmirror undo 12 --dry-run
                  shelfmirror history
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions

        @Argument(help: ArgumentHelp("The push run to revert (see `history`).", valueName: "run"))
        var runNumber: Int64?

        @Flag(help: "The last push run that changed something.")
        var last = false

        @Flag(help: "Print the requests that would be sent; send nothing.")
        var dryRun = false

        @OptionGroup var hardcover: HardcoverPacingOptions

        func validate() throws {
            if (runNumber == nil) == !last { throw ValidationError("Give a run number (see `shelfmirror history`) or --last.") }
        }

        func run() async throws {
            let settings = try Settings(flags: .init(database: global.db, absURL: server.absURL))
            let mirror = try settings.openMirror()
            let runId = last ? nil : runNumber
            let summary: PushSummary
            guard let target = try PushHistory.target(ofRun: runId, mirror: mirror) else {
                throw UsageError(summary: runId.map { "push run \($0) does not exist" } ?? "there is no push to undo",
                                 hint: "`shelfmirror history` lists the push runs.")
            }
            switch target {
            case .abs: summary = try await UndoWorkflow.run(mirror: mirror, settings: settings, runId: runId, dryRun: dryRun)
            case .hardcover:
                summary = try await HardcoverPushWorkflow.undo(mirror: mirror, settings: settings, runId: runId, dryRun: dryRun,
                                                               pacing: hardcover.pacing)
            }
            PushReport.print(summary, dryRun: dryRun, verb: "Reverted", target: target)
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "List push and undo runs; with a run number, what it changed.",
            discussion: """
                Examples:
                  shelfmirror history
                  shelfmirror history 12 --format csv
                  shelfmirror history --target hardcover
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Option(help: ArgumentHelp("Only the runs that wrote this target: abs or hardcover.", valueName: "target"))
        var target: PushTarget?

        @Argument(help: ArgumentHelp("A run: show its journal, field by field.", valueName: "run"))
        var runNumber: Int64?

        func run() throws {
            let mirror = try global.settings.openMirrorReadOnly()
            let writer = RowWriter(format: output.format)
            if let run = runNumber {
                let entries = try PushHistory.journal(runId: run, mirror: mirror)
                guard !entries.isEmpty else {
                    throw UsageError(summary: "push run \(run) changed nothing, or does not exist", hint: "`shelfmirror history` lists the runs.")
                }
                writer.begin(columns: ["item_id", "field", "before", "after", "state", "reason"])
                for e in entries {
                    func text(_ json: String) -> String { ChangeField(rawValue: e.field).map { DiffDisplay.text(json, field: $0) } ?? DiffDisplay.text(json) }
                    let before = e.beforeValue.map(text) ?? ""
                    let after = e.afterValue.map(text) ?? ""
                    writer.row([.text(e.itemId), .text(e.field), .text(before), .text(after), .text(e.state.rawValue), e.reason.map { .text($0) } ?? .null])
                }
            } else {
                let runs = try PushHistory.runs(mirror: mirror).filter { r in target.map { r.target == $0 } ?? true }
                writer.begin(columns: ["run", "target", "kind", "undoes", "started_at", "status", "items", "pushed", "conflicts", "failed", "requests"])
                for r in runs {
                    // A run still `running` without an end: running now, or killed (the next push settles it).
                    let status = r.status == .running && r.finishedAt == nil ? "running or interrupted" : r.status.rawValue
                    let counts: [Int] = [r.items, r.pushed, r.conflicts, r.failed, r.requests]
                    writer.row([.integer(r.id ?? 0), .text(r.target.rawValue), .text(r.kind.rawValue), r.undoesRun.map { .integer($0) } ?? .null, .text(r.startedAt),
                                .text(status)] + counts.map { .integer(Int64($0)) })
                }
                if runs.isEmpty, output.format == .table { Console.err("No push yet.") }
            }
            writer.end()
        }
    }
}

/// What push and undo print: for a dry run, the requests; else the outcome and the problems.
enum PushReport {
    static func print(_ s: PushSummary, dryRun: Bool, verb: String, target: PushTarget? = nil) {
        let to = target.map { " (\($0.serverName))" } ?? ""
        if dryRun {
            for r in s.planned {
                Console.out("\(r.method) \(r.path)")
                Console.out(r.body)
                Console.out("")
            }
            Console.err("Dry run\(to): \(s.planned.count) requests would change \(s.pushed) fields of \(s.items) items; \(s.conflicts) conflicts. Nothing was sent.")
        } else if s.runId == nil {
            Console.err("Nothing to send\(to): no accepted changes. `shelfmirror diff` and `accept` first." + (s.reconciled > 0 ? " (Settled \(s.reconciled) fields of an interrupted push.)" : ""))
        } else {
            Console.err("\(verb)\(to) \(s.pushed) fields of \(s.items) items in \(s.requests) requests (run \(s.runId ?? 0)); "
                + "\(s.conflicts) conflicts, \(s.failed) failed." + (s.reconciled > 0 ? " Settled \(s.reconciled) fields of an interrupted push." : "")
                + (s.deferred > 0 ? " \(s.deferred) not sent (a request budget is spent): still accepted, `shelfmirror push` again later sends them." : ""))
        }
        // Titles and values come from the server: shown escaped, one line each.
        for p in s.problems.prefix(50) { Console.err("  \(TerminalText.line(p.item)) — \(p.field): \(TerminalText.line(p.reason))") }
        for n in s.notices { Console.err("  \(TerminalText.line(n.item)) — \(n.field): \(TerminalText.line(n.note))") }
        if s.problems.count > 50 { Console.err("  … and \(s.problems.count - 50) more (`shelfmirror diff --status conflict`).") }
    }
}
