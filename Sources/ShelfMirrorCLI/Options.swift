import ArgumentParser
import MirrorCore
import MirrorWorkflows

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The mirror file (default: $SHELFMIRROR_DB, else $XDG_DATA_HOME/shelfmirror/mirror.sqlite).",
        valueName: "path"))
    var db: String?

    var settings: Settings { get throws { try Settings(databaseFlag: db) } }
}

/// Options of the commands that talk to AudiobookShelf.
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("abs-url"), help: ArgumentHelp(
        "AudiobookShelf's address (default: $ABS_URL or $AUDIOBOOKSHELF_URL).", valueName: "url"))
    var absURL: String?
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, jsonl, csv
}

/// The output options shared by commands that print rows.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json, jsonl or csv.")
    var format: OutputFormat = .table
}

extension ChangeField: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument.replacingOccurrences(of: "-", with: "_"))
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension PushTarget: ExpressibleByArgument {}

extension DiffField: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument.replacingOccurrences(of: "-", with: "_"))
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
