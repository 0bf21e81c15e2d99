import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "push",
            abstract: "Send the accepted changes to AudiobookShelf: conflict-checked, journaled, verified, undoable.",
            discussion: """
                The only command besides sync that talks to AudiobookShelf, and the only one that \
                writes. First the token's user must have the update permission. Then, for each chunk \
                of items: a re-read; a field whose value on the server is no longer the one the \
                proposal was made against is a conflict — reported, never overwritten; the rest is \
                written to the journal, sent (batch/update, every entry with its mediaPayload; PATCH \
                on servers without it), re-read and verified; each change is marked pushed or failed \
                with the reason, and the mirror refreshed. A push that was killed is settled by the \
                next one from its journal: nothing is applied twice.

                Examples:
                  shelfmirror push --dry-run           # the exact requests, no token, nothing sent
                  shelfmirror push
                  shelfmirror push --item "The Way of Kings"
                  shelfmirror undo --last
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions

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
            let summary = try await PushWorkflow.run(mirror: mirror, settings: settings, options: PushOptions(dryRun: dryRun, itemIds: ids, limit: limit))
            PushReport.print(summary, dryRun: dryRun, verb: "Pushed")
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

        func validate() throws {
            if (runNumber == nil) == !last { throw ValidationError("Give a run number (see `shelfmirror history`) or --last.") }
        }

        func run() async throws {
            let settings = try Settings(flags: .init(database: global.db, absURL: server.absURL))
            let mirror = try settings.openMirror()
            let summary = try await UndoWorkflow.run(mirror: mirror, settings: settings, runId: last ? nil : runNumber, dryRun: dryRun)
            PushReport.print(summary, dryRun: dryRun, verb: "Reverted")
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
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

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
                    let before = e.beforeValue.map(DiffDisplay.text) ?? ""
                    let after = e.afterValue.map(DiffDisplay.text) ?? ""
                    writer.row([.text(e.itemId), .text(e.field), .text(before), .text(after), .text(e.state.rawValue), e.reason.map { .text($0) } ?? .null])
                }
            } else {
                let runs = try PushHistory.runs(mirror: mirror)
                writer.begin(columns: ["run", "kind", "undoes", "started_at", "status", "items", "pushed", "conflicts", "failed", "requests"])
                for r in runs {
                    // A run still `running` without an end: running now, or killed (the next push settles it).
                    let status = r.status == .running && r.finishedAt == nil ? "running or interrupted" : r.status.rawValue
                    let counts: [Int] = [r.items, r.pushed, r.conflicts, r.failed, r.requests]
                    writer.row([.integer(r.id ?? 0), .text(r.kind.rawValue), r.undoesRun.map { .integer($0) } ?? .null, .text(r.startedAt),
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
    static func print(_ s: PushSummary, dryRun: Bool, verb: String) {
        if dryRun {
            for r in s.planned {
                Console.out("\(r.method) \(r.path)")
                Console.out(r.body)
                Console.out("")
            }
            Console.err("Dry run: \(s.planned.count) requests would change \(s.pushed) fields of \(s.items) items; \(s.conflicts) conflicts. Nothing was sent.")
        } else if s.runId == nil {
            Console.err("Nothing to send: no accepted changes. `shelfmirror diff` and `accept` first." + (s.reconciled > 0 ? " (Settled \(s.reconciled) fields of an interrupted push.)" : ""))
        } else {
            Console.err("\(verb) \(s.pushed) fields of \(s.items) items in \(s.requests) requests (run \(s.runId ?? 0)); "
                + "\(s.conflicts) conflicts, \(s.failed) failed." + (s.reconciled > 0 ? " Settled \(s.reconciled) fields of an interrupted push." : ""))
        }
        // Titles and values come from the server: shown escaped, one line each.
        for p in s.problems.prefix(50) { Console.err("  \(TerminalText.line(p.item)) — \(p.field): \(TerminalText.line(p.reason))") }
        for n in s.notices { Console.err("  \(TerminalText.line(n.item)) — \(n.field): \(TerminalText.line(n.note))") }
        if s.problems.count > 50 { Console.err("  … and \(s.problems.count - 50) more (`shelfmirror diff --status conflict`).") }
    }
}
