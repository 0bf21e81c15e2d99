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

/// How `sync`, `push` and `undo` spend Hardcover's quota: 60 requests a minute after a burst, at
/// most a number for the run, the daily reserve kept.
struct HardcoverPacingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Spend at most this many Hardcover requests in this run.", valueName: "n"))
    var maxHardcoverRequests: Int?

    @Option(help: ArgumentHelp("Hardcover requests to leave unspent of today's quota.", valueName: "n"))
    var hardcoverReserve: Int = 250

    @Option(help: ArgumentHelp("Hardcover requests sent in a burst before pacing to 60 a minute.", valueName: "n"))
    var hardcoverBurst: Int = 10

    /// Pacing, requests a minute: only for the fake Hardcover of tests and benchmarks.
    @Option(help: .hidden)
    var hardcoverRate: Int = 60

    func validate() throws {
        if let n = maxHardcoverRequests, n < 1 { throw ValidationError("--max-hardcover-requests must be 1 or more.") }
        if hardcoverReserve < 0 { throw ValidationError("--hardcover-reserve must be 0 or more.") }
        if hardcoverRate < 1 { throw ValidationError("--hardcover-rate must be 1 or more.") }
        if !(1...60).contains(hardcoverBurst) { throw ValidationError("--hardcover-burst must be between 1 and 60.") }
    }

    var pacing: HardcoverPacing {
        HardcoverPacing(perMinute: hardcoverRate, burst: hardcoverBurst, dailyReserve: hardcoverReserve, maxRequests: maxHardcoverRequests)
    }
}

/// `--tz`: the time zone Hardcover's dates are days in, over the settings' (`TZ`, else the system's).
struct TimeZoneOption: ParsableArguments {
    @Option(help: ArgumentHelp("The time zone Hardcover dates are days in (IANA name); default: TZ, else the system's.",
                               valueName: "zone"))
    var tz: String?

    func validate() throws {
        if let tz, Settings.timeZone(named: tz) == nil {
            throw ValidationError("--tz \(tz) is not a time zone; give an IANA name such as Europe/Berlin, America/New_York or UTC.")
        }
    }

    /// The settings' listening policy, in this time zone when one was given.
    func listening(_ settings: Settings) -> ListeningPolicy {
        var policy = settings.listeningPolicy
        if let zone = tz.flatMap(Settings.timeZone(named:)) { policy.timeZone = zone }
        return policy
    }
}
