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

/// The resolved configuration: flags, then the environment, then `.env` in the working folder.
public struct Settings: Sendable {
    public var database: Setting<String>

    /// The variables a setting may be given by, first one wins.
    public static let databaseVariables = ["SHELFMIRROR_DB"]

    public init(
        databaseFlag: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        let dotEnvPath = (workingDirectory as NSString).appendingPathComponent(".env")
        let dotEnv = (try? String(contentsOfFile: dotEnvPath, encoding: .utf8)).map(DotEnv.parse) ?? [:]

        func lookup(_ variables: [String]) -> (String, SettingSource)? {
            for v in variables { if let value = environment[v], !value.isEmpty { return (value, .environment(v)) } }
            for v in variables { if let value = dotEnv[v], !value.isEmpty { return (value, .dotEnv(path: dotEnvPath, variable: v)) } }
            return nil
        }

        if let flag = databaseFlag, !flag.isEmpty {
            database = Setting(value: Self.expand(flag, environment), source: .flag("--db"))
        } else if let (value, source) = lookup(Self.databaseVariables) {
            database = Setting(value: Self.expand(value, environment), source: source)
        } else {
            database = Setting(value: Self.defaultDatabasePath(environment), source: .defaultValue)
        }
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
