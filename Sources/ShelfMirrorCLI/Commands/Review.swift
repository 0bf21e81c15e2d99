import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "review",
            abstract: "Decide the proposals item by item, on a terminal.",
            discussion: """
                Shows each item with pending proposals — needs-review matches first — with its \
                current and proposed values, and the other books it could be. Keys: a accept all, \
                p pick fields (the others are rejected), r reject all, s skip, e edit a value, \
                o choose another book (its proposals are made again), q quit. Every decision is \
                stored at once: quit any time, and `review` goes on later with what is left.

                Without a terminal, use `accept`/`reject`, or edit `diff --format csv` in a \
                spreadsheet and `import-decisions` it.

                Examples:
                  shelfmirror review
                  shelfmirror review --target hardcover
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Only this target's proposals: abs or hardcover; both by default.", valueName: "target"))
        var target: PushTarget?

        @OptionGroup var timeZone: TimeZoneOption

        func run() throws {
            guard isatty(STDIN_FILENO) == 1 else {
                throw UsageError(summary: "review needs a terminal to ask on",
                                 hint: "Use `shelfmirror accept`/`reject`, or `shelfmirror diff --format csv -o d.csv`, edit its status column, and `shelfmirror import-decisions d.csv`.")
            }
            let settings = try global.settings
            let mirror = try settings.openMirror()
            var decider = TerminalDecider(terminal: Terminal.current)
            let listening = timeZone.listening(settings)
            let s = try ReviewSession.run(mirror: mirror, decider: &decider, policy: settings.diffPolicy, listening: listening,
                                          targets: target.map { [$0] } ?? Set(PushTarget.allCases), config: settings.matchConfig)
            Console.err("Reviewed \(s.items) items: \(s.accepted) accepted, \(s.rejected) rejected, \(s.edited) edited, "
                + "\(s.relinked) linked to another book, \(s.skipped) skipped." + (s.quit ? " Run `shelfmirror review` again to go on." : ""))
        }
    }

    struct ImportDecisions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-decisions",
            abstract: "Apply decisions made in a spreadsheet: an edited `diff --format csv` or `json`.",
            discussion: """
                Set each line's status to accepted, rejected or pending, and change `proposed` to \
                accept a value of your own. Every line is checked against the mirror first (the \
                proposal exists, is for that field, has not changed since the export, the value \
                is usable); nothing is applied unless every line is.

                Examples:
                  shelfmirror diff --format csv -o decisions.csv
                  # edit decisions.csv
                  shelfmirror import-decisions decisions.csv
                  shelfmirror import-decisions --target hardcover decisions.csv
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Apply only the lines of this target's proposals: abs or hardcover.", valueName: "target"))
        var target: PushTarget?

        @Argument(help: ArgumentHelp("The edited CSV or JSON file.", valueName: "file"))
        var file: String

        func run() throws {
            let mirror = try global.settings.openMirror()
            let s = try Decisions.importFile(URL(fileURLWithPath: file), mirror: mirror, targets: target.map { [$0] })
            Console.err("Imported: \(s.accepted) accepted (\(s.edited) with your own value), \(s.rejected) rejected, "
                + "\(s.pending) back to pending; \(s.unchanged) unchanged."
                + (s.otherTarget > 0 ? " \(s.otherTarget) lines of other targets left as they are." : ""))
        }
    }
}

/// Asks on the terminal.
struct TerminalDecider: Decider {
    let terminal: Terminal

    mutating func tell(_ message: String) {
        Console.err(terminal.red("! ") + TerminalText.escaped(message))
    }

    mutating func decide(_ item: ReviewItem) throws -> ReviewChoice {
        show(item)
        while true {
            guard let answer = ask("[a]ccept all  [p]ick fields  [r]eject all  [s]kip  [e]dit  [o]ther book  [q]uit > ") else { return .quit }
            switch answer.lowercased() {
            case "a": return .acceptAll
            case "r": return .rejectAll
            case "s", "": return .skip
            case "q": return .quit
            case "p":
                guard let text = ask("fields to accept (numbers or names, space-separated) > ") else { return .quit }
                let fields = Set(text.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { token -> ChangeField? in
                    if let n = Int(token), (1...item.proposals.count).contains(n) { return item.proposals[n - 1].field }
                    return ChangeField(argument: String(token))
                })
                if fields.isEmpty { tell("no such field"); continue }
                return .pick(fields)
            case "e":
                guard let which = ask("field (number or name) > ") else { return .quit }
                let field = Int(which).flatMap { (1...item.proposals.count).contains($0) ? item.proposals[$0 - 1].field : nil }
                    ?? ChangeField(argument: which)
                guard let field else { tell("no such field"); continue }
                guard let value = ask("new \(field.rawValue) (\(FieldText.rule(field))) > ") else { return .quit }
                return .edit(field, value)
            case "o":
                guard let which = ask("book (number in the list, or a Hardcover book id) > ") else { return .quit }
                if let n = Int(which), (1...max(1, item.alternatives.count)).contains(n), n <= item.alternatives.count {
                    return .otherBook(item.alternatives[n - 1].bookId)
                }
                guard let id = Int(which) else { tell("give a number"); continue }
                return .otherBook(id)
            default:
                tell("unknown key \"\(answer)\"")
            }
        }
    }

    private func show(_ item: ReviewItem) {
        Console.out("")
        for line in Self.lines(item, terminal: terminal) { Console.out(line) }
    }

    /// What `review` shows of an item: its title and match, each proposal beside the current
    /// value, the other books. Every value from the mirror is escaped for the terminal.
    static func lines(_ item: ReviewItem, terminal: Terminal) -> [String] {
        func text(_ s: String) -> String { TerminalText.line(s) }
        let match = item.matchStatus.map { status in
            "\(status.rawValue)" + (item.score.map { String(format: " %.2f", $0) } ?? "") + (item.bookTitle.map { " → \"\(text($0))\"" } ?? "")
                + (item.bookId.map { " (book \($0))" } ?? "")
        } ?? "no match (tags only)"
        var lines = [terminal.bold("[\(item.position)/\(item.total)] \(text(item.title ?? item.itemId))") + "  " + terminal.dim(match)]
        let width = max(20, (terminal.width - 22) / 2)
        for (n, p) in item.proposals.enumerated() {
            let now = p.current.map(DiffDisplay.text) ?? "—"
            lines.append(String(format: "%2d ", n + 1) + Terminal.column(p.field.rawValue, width: 15)
                + terminal.red(Terminal.column(now, width: width)) + "  " + terminal.green(Terminal.column(DiffDisplay.text(p.proposed), width: width))
                + terminal.dim(p.action == .replace ? " replace" : ""))
        }
        if !item.alternatives.isEmpty {
            lines.append(terminal.dim("other books: ") + item.alternatives.enumerated().map { n, a in
                "\(n + 1)) \"\(text(a.title))\"" + (a.authors.isEmpty ? "" : " by \(text(a.authors.joined(separator: ", ")))") + String(format: " %.2f", a.score)
            }.joined(separator: "   "))
        }
        return lines
    }

    private func ask(_ prompt: String) -> String? {
        FileHandle.standardOutput.write(Data(prompt.utf8))
        return readLine()?.trimmingCharacters(in: .whitespaces)
    }
}
