import Foundation
import MirrorCore

/// A setting refused when the settings load (a token or URL with a control character), or a
/// server's URL and token that come from different places. Names the settings and where they
/// came from, never their values.
public struct SettingsError: UserFacingError, Equatable {
    public enum Code: Sendable, Equatable {
        /// A token or a URL holding a control character: a line break, a tab, ESC, DEL…
        case controlCharacter(setting: SettingSource, character: Unicode.Scalar)
        /// A server's URL and its token from different layers: the token would go to a server
        /// that another place names.
        case mixedSources(server: Settings.Server, url: SettingSource, token: SettingSource)
    }

    public var code: Code

    public init(_ code: Code) { self.code = code }

    public var kind: FailureKind { .configuration }

    public var summary: String {
        switch code {
        case .controlCharacter(let setting, let character):
            return "\(setting.name) in \(setting.place) holds \(Self.describe(character)); shelfmirror does not use a setting with control characters"
        case .mixedSources(_, let url, let token):
            return "\(url.name) comes from \(url.place) but \(token.name) from \(token.place)"
        }
    }

    public var hint: String? {
        switch code {
        case .controlCharacter(let setting, _):
            let quoting: String = switch setting.layer {
            case .dotEnv: " (In .env, \"\\n\" inside double quotes is a line break.)"
            case .configFile: " (In config.toml, \"\\n\" and \"\\t\" inside double quotes are a line break and a tab.)"
            case .commandLine, .defaultValue: ""
            }
            return "Set \(setting.name) again, on one line of visible characters: copy it anew, without the stray character.\(quoting)"
        case .mixedSources(let server, let url, let token):
            var text = "shelfmirror sends a token only to the server named in the same place, so that a stray .env or config file cannot send it elsewhere."
            if url.layer == .dotEnv || url.layer == .configFile {
                text += " If you did not write \(url.name) in \(url.place), delete it: it names a server that would have received your token."
            }
            let urlThere = server.variable(.url, in: token.layer)
            let tokenThere = server.variable(.token, in: url.layer)
            let tokenPlace = url.layer == .commandLine ? "the environment" : url.place
            text += " Otherwise keep both in one place: \(urlThere) beside \(token.name) in \(token.place), or \(tokenThere) beside \(url.name) in \(tokenPlace);"
            text += " and remove the other (flags and the environment win over .env, which wins over config.toml). `shelfmirror config` shows where each comes from."
            return text
        }
    }

    static func describe(_ character: Unicode.Scalar) -> String {
        let hex = String(character.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let name: String = switch character.value {
        case 0x0A: "a line break"
        case 0x0D: "a carriage return"
        case 0x09: "a tab"
        case 0x1B: "an escape character (ESC,"
        case 0x7F: "a delete character (DEL,"
        case 0x85, 0x2028, 0x2029: "a line separator"
        default: "a control character"
        }
        return name.hasSuffix(",") ? "\(name) \(code))" : "\(name) (\(code))"
    }
}

extension SettingSource {
    /// Where settings come from, for the rule that a server's URL and token come from one place.
    /// Flags and the environment are one layer: both are given by whoever starts the command
    /// (there is no token flag; `--abs-url` pairs with a token from the environment).
    public enum Layer: Sendable, Equatable {
        case commandLine, dotEnv, configFile, defaultValue
    }

    public var layer: Layer {
        switch self {
        case .flag, .environment: .commandLine
        case .dotEnv: .dotEnv
        case .configFile: .configFile
        case .defaultValue: .defaultValue
        }
    }

    /// The variable, key or flag: "ABS_TOKEN", "abs_token", "--abs-url".
    public var name: String {
        switch self {
        case .flag(let name): name
        case .environment(let variable): variable
        case .dotEnv(_, let variable): variable
        case .configFile(_, let key): key
        case .defaultValue: "the default"
        }
    }

    /// "the environment", ".env in /home/me/books", "/home/me/.config/shelfmirror/config.toml".
    public var place: String {
        switch self {
        case .flag: "the command line"
        case .environment: "the environment"
        case .dotEnv(let path, _): ".env in " + (path as NSString).deletingLastPathComponent
        case .configFile(let path, _): path
        case .defaultValue: "the defaults"
        }
    }
}

extension Settings {
    /// The servers shelfmirror sends a token to.
    public enum Server: String, Sendable, Equatable {
        case audiobookshelf = "AudiobookShelf"
        case hardcover = "Hardcover"

        public enum Part: Sendable { case url, token }

        /// The name a part has in a layer: "ABS_URL", or "abs_url" in config.toml.
        func variable(_ part: Part, in layer: SettingSource.Layer) -> String {
            let name = switch (self, part) {
            case (.audiobookshelf, .url): "ABS_URL"
            case (.audiobookshelf, .token): "ABS_TOKEN"
            case (.hardcover, .url): "HARDCOVER_URL"
            case (.hardcover, .token): "HARDCOVER_TOKEN"
            }
            return layer == .configFile ? name.lowercased() : name
        }
    }

    /// Refuses a server's URL and token from different places (see `SettingsError.Code.mixedSources`).
    /// A URL or token not set is left to the connection to report. Hardcover's default URL, or
    /// a URL equal to it, goes with a token from anywhere.
    public func requireOneSource(for server: Server) throws {
        if let error = mixedSources(server) { throw error }
    }

    /// Every server whose URL and token come from different places: `config` and `doctor` show
    /// them; the commands that connect refuse them.
    public var mixedSources: [SettingsError] {
        [Server.audiobookshelf, .hardcover].compactMap(mixedSources)
    }

    private func mixedSources(_ server: Server) -> SettingsError? {
        let url: Setting<String>?
        let token: Setting<Secret>?
        switch server {
        case .audiobookshelf:
            (url, token) = (absURL, absToken)
        case .hardcover:
            let standard = Self.tidyURL(hardcoverURL.value) == Self.tidyURL(Self.defaultHardcoverURL)
            (url, token) = (hardcoverURL.source == .defaultValue || standard ? nil : hardcoverURL, hardcoverToken)
        }
        guard let url, let token, url.source.layer != token.source.layer else { return nil }
        return SettingsError(.mixedSources(server: server, url: url.source, token: token.source))
    }

    private static func tidyURL(_ text: String) -> String {
        var url = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Refuses a token or a server URL that holds a control character: a token never does, and
    /// the HTTP client would echo the whole header (token included) in its error.
    func refuseControlCharacters() throws {
        let settings: [(String, SettingSource)?] = [
            absToken.map { ($0.value.value, $0.source) },
            hardcoverToken.map { ($0.value.value, $0.source) },
            absURL.map { ($0.value, $0.source) },
            (hardcoverURL.value, hardcoverURL.source),
        ]
        for case let (value, source)? in settings {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if let character = trimmed.unicodeScalars.first(where: Self.isControl) {
                throw SettingsError(.controlCharacter(setting: source, character: character))
            }
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// The secrets of every layer, whether they won or not: each token as given and without a
    /// "Bearer " prefix, and the credentials of each server URL.
    static func secrets(environment: [String: String], dotEnv: [String: String], config: [String: ConfigFile.Value],
                        flags: Flags) -> [String] {
        var tokens: [String] = []
        var urls: [String] = flags.absURL.map { [$0] } ?? []
        for variable in absTokenVariables + hardcoverTokenVariables {
            tokens += [environment[variable], dotEnv[variable]].compactMap { $0 }
        }
        for variable in absURLVariables + hardcoverURLVariables {
            urls += [environment[variable], dotEnv[variable]].compactMap { $0 }
        }
        for (key, value) in config {
            guard case .string(let text) = value else { continue }
            if key == "abs_token" || key == "hardcover_token" { tokens.append(text) }
            if key == "abs_url" || key == "hardcover_url" { urls.append(text) }
        }
        var secrets: [String] = []
        for token in tokens {
            var value = token.trimmingCharacters(in: .whitespacesAndNewlines)
            secrets.append(value)
            while value.lowercased().hasPrefix("bearer"), value.dropFirst(6).first?.isWhitespace == true {
                value = String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)
                secrets.append(value)
            }
        }
        return secrets + urls.flatMap(Redactor.secrets(inURL:))
    }

    /// The redactor of the settings found in this environment and working folder, read leniently:
    /// for the error reporter, which must scrub a message even when the settings did not load.
    public static func redactor(environment: [String: String] = ProcessInfo.processInfo.environment,
                                workingDirectory: String = FileManager.default.currentDirectoryPath) -> Redactor {
        let dotEnv = (try? String(contentsOfFile: dotEnvPath(workingDirectory), encoding: .utf8)).map(DotEnv.parse) ?? [:]
        let path = configPath(environment)
        let config = (try? String(contentsOfFile: path, encoding: .utf8)).map { lenientConfig($0, path: path) } ?? [:]
        return Redactor(secrets: secrets(environment: environment, dotEnv: dotEnv, config: config, flags: Flags()))
    }

    /// config.toml's values; when the file does not parse, those of the lines that do.
    static func lenientConfig(_ text: String, path: String) -> [String: ConfigFile.Value] {
        if let values = try? ConfigFile.parse(text, path: path) { return values }
        var values: [String: ConfigFile.Value] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let parsed = try? ConfigFile.parse(String(line), path: path) else { continue }
            values.merge(parsed) { old, _ in old }
        }
        return values
    }
}
