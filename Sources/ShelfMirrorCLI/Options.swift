import ArgumentParser
import MirrorWorkflows

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The mirror file (default: $SHELFMIRROR_DB, else $XDG_DATA_HOME/shelfmirror/mirror.sqlite).",
        valueName: "path"))
    var db: String?

    var settings: Settings { Settings(databaseFlag: db) }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, jsonl, csv
}

/// The output options shared by commands that print rows.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json, jsonl or csv.")
    var format: OutputFormat = .table
}
