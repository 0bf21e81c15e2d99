import ArgumentParser
import Foundation
import MirrorCore

/// The root command: configuration only.
public struct ShelfMirror: AsyncParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "shelfmirror",
        abstract: "An offline-first metadata mirror for AudiobookShelf libraries.",
        discussion: """
            shelfmirror keeps a local SQLite mirror of your audiobooks' metadata — the AudiobookShelf \
            library, the matching Hardcover records, and the tags embedded in the audio files — and \
            fixes it field by field: offline matching and proposals you review, then a push that is \
            conflict-checked, journaled and undoable.

            The workflow: sync → scan → match → diff → review (or accept) → push → undo.

            Examples:
              shelfmirror demo          # the whole pipeline on a built-in sample
              shelfmirror sync          # needs ABS_URL, ABS_TOKEN, HARDCOVER_TOKEN
              shelfmirror scan
              shelfmirror match && shelfmirror diff
              shelfmirror review        # or: shelfmirror serve --open (in the browser)
              shelfmirror push --dry-run && shelfmirror push
              shelfmirror undo --last
              shelfmirror query "SELECT title FROM items WHERE narrators = '[]'"

            The mirror is $SHELFMIRROR_DB, else $XDG_DATA_HOME/shelfmirror/mirror.sqlite; --db overrides.
            The public SQL views are documented in schema/README.md.
            """,
        version: version,
        subcommands: [Sync.self, Scan.self, Match.self, Explain.self, Link.self, Unlink.self, Ignore.self, Diff.self, Accept.self, Reject.self, Review.self, ImportDecisions.self, Push.self, Undo.self, History.self, Gaps.self, Run.self, Serve.self, Query.self, Search.self,
                      Status.self, Config.self, Doctor.self, Schema.self, Demo.self, FakeABS.self, Eval.self]
    )

    public init() {}
}

/// Entry point of the `shelfmirror` executable.
public enum CLI {
    public static func main(_ arguments: [String]? = nil) async -> Never {
        do {
            let arguments = globalOptionsMoved(arguments ?? Array(CommandLine.arguments.dropFirst()))
            var command = try ShelfMirror.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch let error as UserFacingError {
            exit(ErrorReporter.report(error).rawValue)
        } catch {
            exit(ErrorReporter.reportOther(error).rawValue)
        }
    }

    /// `shelfmirror --db X scan ...` means `shelfmirror scan --db X ...`: global options given
    /// before the subcommand are moved after it, where the parser expects them.
    static func globalOptionsMoved(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--db", index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else if argument.hasPrefix("--db=") {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        return [arguments[index]] + leading + arguments[(index + 1)...]
    }
}
