import Foundation
import MirrorCore

/// Where a setting's value came from, highest priority first.
public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    case flag(String)
    case environment(String)
    case dotEnv(path: String, variable: String)
    case configFile(path: String, key: String)
    case defaultValue

    public var description: String {
        switch self {
        case .flag(let name): "flag \(name)"
        case .environment(let variable): "environment \(variable)"
        case .dotEnv(let path, let variable): "\(path) (\(variable))"
        case .configFile(let path, let key): "\(path) (\(key))"
        case .defaultValue: "default"
        }
    }
}

public struct Setting<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var source: SettingSource

    public init(value: Value, source: SettingSource) {
        self.value = value
        self.source = source
    }
}

/// A secret (a token). Printing it shows nothing of it.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "‹redacted›" }
    public var debugDescription: String { "‹redacted›" }
}

/// A server path prefix and where the same files are on this machine: "/audiobooks=/mnt/books".
public struct PathMap: Sendable, Equatable, CustomStringConvertible {
    public var server: String
    public var local: String

    public init(server: String, local: String) {
        self.server = server
        self.local = local
    }

    /// Parses "SERVER=LOCAL"; nil when either side is missing.
    public init?(_ text: String) {
        guard let eq = text.firstIndex(of: "=") else { return nil }
        let server = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
        let local = String(text[text.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        guard !server.isEmpty, !local.isEmpty else { return nil }
        self.init(server: server, local: local)
    }

    public var description: String { "\(server)=\(local)" }

    /// The local path of a server path, when the prefix matches at a path boundary.
    public func local(for path: String) -> String? {
        let prefix = server.hasSuffix("/") ? String(server.dropLast()) : server
        guard path == prefix || path.hasPrefix(prefix + "/") else { return nil }
        let base = local.hasSuffix("/") ? String(local.dropLast()) : local
        return base + path.dropFirst(prefix.count)
    }
}

/// The resolved configuration: flags, then the environment, then `.env` in the working folder.
public struct Settings: Sendable {
    public var database: Setting<String>
    public var absURL: Setting<String>?
    public var absToken: Setting<Secret>?
    public var hardcoverURL: Setting<String>
    public var hardcoverToken: Setting<Secret>?
    public var pathMaps: Setting<[PathMap]>
    /// Matching weights and thresholds: the defaults, with `[match]` of config.toml over them.
    public var matchConfig = MatchConfig()
    /// What `diff` may do per field: `[diff]` of config.toml (`policy = "fill"`, and one key per field).
    public var diffPolicy = DiffPolicy()
    /// What `diff --target hardcover` may propose beyond listening state (`[hardcover]` in
    /// config.toml: `owned`, `want_to_read`), and the listener's time zone (`TZ`, else the system's;
    /// `--tz` overrides it).
    public var listeningPolicy = ListeningPolicy()
    /// What an unattended `run` accepts on its own: `[auto.abs]`, `[auto.hardcover]`, `[run]`.
    public var autoPolicy = AutoPolicy()
    /// Every secret of every layer (tokens, the credentials of URLs), used or shadowed: what
    /// error texts are scrubbed of before they are printed or stored.
    public var redactor = Redactor()

    /// The variables a setting may be given by, first one wins.
    public static let databaseVariables = ["SHELFMIRROR_DB"]
    public static let absURLVariables = ["ABS_URL", "AUDIOBOOKSHELF_URL"]
    public static let absTokenVariables = ["ABS_TOKEN", "AUDIOBOOKSHELF_API_KEY", "AUDIOBOOKSHELF_TOKEN"]
    public static let hardcoverURLVariables = ["HARDCOVER_URL"]
    public static let hardcoverTokenVariables = ["HARDCOVER_TOKEN"]
    public static let pathMapVariables = ["SHELFMIRROR_PATH_MAP"]
    public static let defaultHardcoverURL = "https://api.hardcover.app/v1/graphql"

    /// Flags given on the command line (nil when not given).
    public struct Flags: Sendable {
        public var database: String?
        public var absURL: String?
        public var pathMaps: [String] = []
        public init(database: String? = nil, absURL: String? = nil, pathMaps: [String] = []) {
            self.database = database
            self.absURL = absURL
            self.pathMaps = pathMaps
        }
    }

    /// The keys config.toml may hold, each standing for the first variable of a setting.
    public static let configKeys: [String: [String]] = [
        "db": databaseVariables, "abs_url": absURLVariables, "abs_token": absTokenVariables,
        "hardcover_url": hardcoverURLVariables, "hardcover_token": hardcoverTokenVariables, "path_map": pathMapVariables,
    ]

    /// `.env` in the working folder.
    static func dotEnvPath(_ workingDirectory: String) -> String {
        (workingDirectory as NSString).appendingPathComponent(".env")
    }

    /// `$SHELFMIRROR_CONFIG`, else the default path.
    static func configPath(_ environment: [String: String]) -> String {
        environment["SHELFMIRROR_CONFIG"] ?? defaultConfigPath(environment)
    }

    /// `$XDG_CONFIG_HOME/shelfmirror/config.toml`, or `~/.config/shelfmirror/config.toml`.
    public static func defaultConfigPath(_ environment: [String: String]) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        return (base as NSString).appendingPathComponent("shelfmirror/config.toml")
    }

    public init(
        databaseFlag: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws {
        try self.init(flags: Flags(database: databaseFlag), environment: environment, workingDirectory: workingDirectory)
    }

    public init(
        flags: Flags,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws {
        let dotEnvPath = Self.dotEnvPath(workingDirectory)
        let dotEnv = (try? String(contentsOfFile: dotEnvPath, encoding: .utf8)).map(DotEnv.parse) ?? [:]
        let configPath = Self.configPath(environment)
        var config: [String: ConfigFile.Value] = [:]
        if let text = try? String(contentsOfFile: configPath, encoding: .utf8) {
            config = try ConfigFile.parse(text, path: configPath)
            matchConfig = try Self.matchConfig(config, path: configPath, text: text)
            diffPolicy = try Self.diffPolicy(config, path: configPath, text: text)
            listeningPolicy = try Self.listeningPolicy(config, path: configPath, text: text)
            autoPolicy = try AutoPolicy.parse(config, path: configPath) { Self.line(of: $0, in: text) }
            if let unknown = config.keys.sorted().first(where: { key in
                Self.configKeys[key] == nil && !["match.", "diff.", "hardcover.", "auto.", "run."].contains(where: key.hasPrefix)
            }) {
                throw ConfigFile.ParseError(path: configPath, line: Self.line(of: unknown, in: text),
                                            reason: "unknown key \(unknown) (known: \(Self.configKeys.keys.sorted().joined(separator: ", ")))")
            }
        }

        func lookup(_ variables: [String]) -> (String, SettingSource)? {
            for v in variables { if let value = environment[v], !value.isEmpty { return (value, .environment(v)) } }
            for v in variables { if let value = dotEnv[v], !value.isEmpty { return (value, .dotEnv(path: dotEnvPath, variable: v)) } }
            if let key = Self.configKeys.first(where: { $0.value == variables })?.key, let value = config[key] {
                switch value {
                case .string(let text) where !text.isEmpty: return (text, .configFile(path: configPath, key: key))
                case .strings(let list) where !list.isEmpty: return (list.joined(separator: ";"), .configFile(path: configPath, key: key))
                default: return nil
                }
            }
            return nil
        }

        if let flag = flags.database, !flag.isEmpty {
            database = Setting(value: Self.expand(flag, environment), source: .flag("--db"))
        } else if let (value, source) = lookup(Self.databaseVariables) {
            database = Setting(value: Self.expand(value, environment), source: source)
        } else {
            database = Setting(value: Self.defaultDatabasePath(environment), source: .defaultValue)
        }

        if let flag = flags.absURL, !flag.isEmpty {
            absURL = Setting(value: flag, source: .flag("--abs-url"))
        } else {
            absURL = lookup(Self.absURLVariables).map { Setting(value: $0.0, source: $0.1) }
        }
        absToken = lookup(Self.absTokenVariables).map { Setting(value: Secret($0.0.trimmingCharacters(in: .whitespacesAndNewlines)), source: $0.1) }
        hardcoverURL = lookup(Self.hardcoverURLVariables).map { Setting(value: $0.0, source: $0.1) }
            ?? Setting(value: Self.defaultHardcoverURL, source: .defaultValue)
        hardcoverToken = lookup(Self.hardcoverTokenVariables).map { Setting(value: Secret($0.0.trimmingCharacters(in: .whitespacesAndNewlines)), source: $0.1) }
        redactor = Redactor(secrets: Self.secrets(environment: environment, dotEnv: dotEnv, config: config, flags: flags))

        if !flags.pathMaps.isEmpty {
            pathMaps = Setting(value: flags.pathMaps.compactMap(PathMap.init), source: .flag("--path-map"))
        } else if let (value, source) = lookup(Self.pathMapVariables) {
            pathMaps = Setting(value: value.split(separator: ";").compactMap { PathMap(String($0)) }, source: source)
        } else {
            pathMaps = Setting(value: [], source: .defaultValue)
        }
        if let name = environment["TZ"], let zone = Self.timeZone(named: name) { listeningPolicy.timeZone = zone }
        try refuseControlCharacters()
    }

    /// `[match]` keys: `strong`, `weak`, `close_second`, `duration_tolerance`, `identifier_mismatch`
    /// (0…1), and `[match.weights]` with one weight (≥ 0) per penalty (`title = 3`, …).
    static func matchConfig(_ config: [String: ConfigFile.Value], path: String, text: String) throws -> MatchConfig {
        var match = MatchConfig()
        let thresholds: [String: WritableKeyPath<MatchConfig, Double>] = [
            "strong": \.strong, "weak": \.weak, "close_second": \.closeSecond,
            "duration_tolerance": \.durationTolerance, "identifier_mismatch": \.identifierMismatch,
        ]
        for (key, value) in config.sorted(by: { $0.key < $1.key }) where key.hasPrefix("match.") {
            let name = String(key.dropFirst("match.".count))
            func fail(_ reason: String) -> ConfigFile.ParseError {
                ConfigFile.ParseError(path: path, line: line(of: key, in: text), reason: reason)
            }
            guard let number = value.double else { throw fail("\(key) must be a number") }
            if let field = thresholds[name] {
                guard (0...1).contains(number) else { throw fail("\(key) must be between 0 and 1") }
                match[keyPath: field] = number
            } else if name.hasPrefix("weights."), let kind = PenaltyKind(rawValue: String(name.dropFirst("weights.".count))) {
                guard number >= 0 else { throw fail("\(key) must be 0 or more") }
                match.weights[kind] = number
            } else {
                let known = thresholds.keys.sorted().map { "match.\($0)" } + PenaltyKind.allCases.map { "match.weights.\($0.rawValue)" }
                throw fail("unknown key \(key) (known: \(known.joined(separator: ", ")))")
            }
        }
        guard match.weak <= match.strong else {
            throw ConfigFile.ParseError(path: path, line: line(of: "match.weak", in: text), reason: "match.weak must not be above match.strong")
        }
        return match
    }

    /// `[diff]`: `policy` (the default for every field) and one key per field, each `fill`
    /// (only empty fields, the default), `replace` or `ignore`.
    static func diffPolicy(_ config: [String: ConfigFile.Value], path: String, text: String) throws -> DiffPolicy {
        var policy = DiffPolicy()
        for (key, value) in config.sorted(by: { $0.key < $1.key }) where key.hasPrefix("diff.") {
            let name = String(key.dropFirst("diff.".count))
            func fail(_ reason: String) -> ConfigFile.ParseError {
                ConfigFile.ParseError(path: path, line: line(of: key, in: text), reason: reason)
            }
            guard case .string(let text) = value, let rule = FieldPolicy(rawValue: text) else {
                throw fail("\(key) must be \"fill\", \"replace\" or \"ignore\"")
            }
            if name == "policy" {
                policy.defaultPolicy = rule
            } else if let field = DiffField(rawValue: name) {
                policy.fields[field] = rule
            } else {
                throw fail("unknown key \(key) (known: diff.policy, " + DiffField.allCases.map { "diff.\($0.rawValue)" }.joined(separator: ", ") + ")")
            }
        }
        return policy
    }

    /// `[hardcover]`: `owned` and `want_to_read`, each true or false (false by default).
    static func listeningPolicy(_ config: [String: ConfigFile.Value], path: String, text: String) throws -> ListeningPolicy {
        var policy = ListeningPolicy()
        for (key, value) in config.sorted(by: { $0.key < $1.key }) where key.hasPrefix("hardcover.") {
            func fail(_ reason: String) -> ConfigFile.ParseError {
                ConfigFile.ParseError(path: path, line: line(of: key, in: text), reason: reason)
            }
            guard case .bool(let on) = value else { throw fail("\(key) must be true or false") }
            switch key {
            case "hardcover.owned": policy.owned = on
            case "hardcover.want_to_read": policy.wantToRead = on
            default: throw fail("unknown key \(key) (known: hardcover.owned, hardcover.want_to_read)")
            }
        }
        return policy
    }

    /// A time zone by its IANA name ("Europe/Berlin", "UTC"; `TZ`'s leading ":" allowed).
    public static func timeZone(named name: String) -> TimeZone? {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        return TimeZone(identifier: trimmed.hasPrefix(":") ? String(trimmed.dropFirst()) : trimmed)
    }

    /// The variable (or flag) a setting came from, for messages.
    public static func origin(_ source: SettingSource) -> String {
        switch source {
        case .flag(let name): name
        case .environment(let variable): variable
        case .dotEnv(_, let variable): variable + " (.env)"
        case .configFile(_, let key): key + " (config.toml)"
        case .defaultValue: "the default"
        }
    }

    private static func line(of key: String, in text: String) -> Int {
        let name = key.split(separator: ".").last.map(String.init) ?? key
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.trimmingCharacters(in: .whitespaces).hasPrefix(name) {
            return i + 1
        }
        return 1
    }

    /// `$XDG_DATA_HOME/shelfmirror/mirror.sqlite`, or `~/.local/share/shelfmirror/mirror.sqlite`.
    public static func defaultDatabasePath(_ environment: [String: String]) -> String {
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            base = (home as NSString).appendingPathComponent(".local/share")
        }
        return (base as NSString).appendingPathComponent("shelfmirror/mirror.sqlite")
    }

    /// Expands a leading `~/` and makes the path absolute.
    static func expand(_ path: String, _ environment: [String: String]) -> String {
        var p = path
        if p == "~" || p.hasPrefix("~/") {
            p = (environment["HOME"] ?? NSHomeDirectory()) + p.dropFirst()
        }
        return URL(fileURLWithPath: p).standardizedFileURL.path
    }
}
