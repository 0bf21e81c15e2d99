import Foundation
import GRDB
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// Secrets stay in their place: a token with a control character is refused when the settings
/// load; a server's URL and its token come from the same layer; the errors a sync stores are
/// scrubbed of every configured secret, and its server URL of credentials.
struct SettingsSecretsTests {
    /// The four layers of settings, in a folder of their own: the environment, `.env` in the
    /// working folder, config.toml, and flags.
    struct Layers {
        let folder: TemporaryFolder
        var environment: [String: String]
        var flags = Settings.Flags()

        init() throws {
            folder = try TemporaryFolder()
            try FileManager.default.createDirectory(atPath: folder.file("work"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: folder.file("config/shelfmirror"), withIntermediateDirectories: true)
            environment = ["HOME": folder.path, "XDG_CONFIG_HOME": folder.file("config")]
        }

        var workingDirectory: String { folder.file("work") }
        var dotEnvPath: String { folder.file("work/.env") }
        var configPath: String { folder.file("config/shelfmirror/config.toml") }

        func dotEnv(_ text: String) throws { try text.write(toFile: dotEnvPath, atomically: true, encoding: .utf8) }
        func config(_ text: String) throws { try text.write(toFile: configPath, atomically: true, encoding: .utf8) }

        func settings() throws -> Settings {
            try Settings(flags: flags, environment: environment, workingDirectory: workingDirectory)
        }

        /// Sets a variable in one layer, by its name in the environment ("ABS_URL").
        mutating func set(_ variable: String, _ value: String, in layer: SettingSource.Layer, flag: Bool = false) throws {
            switch layer {
            case .commandLine where flag: flags.absURL = value
            case .commandLine: environment[variable] = value
            case .dotEnv: try dotEnv(((try? String(contentsOfFile: dotEnvPath, encoding: .utf8)) ?? "") + "\(variable)=\(value)\n")
            case .configFile:
                try config(((try? String(contentsOfFile: configPath, encoding: .utf8)) ?? "") + "\(variable.lowercased()) = \"\(value)\"\n")
            case .defaultValue: break
            }
        }
    }

    static let visible = "eyJ-VISIBLE-PART"
    static let hidden = "more-SECRET-TEXT"

    // MARK: - Control characters

    enum Place: String, CaseIterable, Sendable { case environment, dotEnv, configFile }

    /// Each token variable, from each layer, with a line break, a bell, DEL, a carriage return
    /// (as code points: the test log stays readable).
    static let controlCases: [(String, Place, UInt32)] = ["ABS_TOKEN", "HARDCOVER_TOKEN"].flatMap { variable in
        Place.allCases.flatMap { place in [0x0A, 0x07, 0x7F, 0x0D].map { (variable, place, UInt32($0)) } }
    }

    @Test(arguments: controlCases)
    func aTokenWithAControlCharacterIsRefusedNamingItsVariableNeverItsValue(_ variable: String, _ place: Place, _ code: UInt32) throws {
        let character = Character(Unicode.Scalar(code)!)
        var layers = try Layers()
        let token = Self.visible + String(character) + Self.hidden
        switch place {
        case .environment: layers.environment[variable] = token
        case .dotEnv:
            // A line break or carriage return reaches .env through a double-quoted escape.
            let written = character == "\n" ? #"\n"# : character == "\r" ? #"\r"# : String(character)
            try layers.dotEnv("\(variable)=\"\(Self.visible)\(written)\(Self.hidden)\"\n")
        case .configFile:
            let written = character == "\n" ? #"\n"# : String(character)
            try layers.config("\(variable.lowercased()) = \"\(Self.visible)\(written)\(Self.hidden)\"\n")
        }
        if place == .dotEnv, character == "\r" {
            // .env knows no \r escape: the value is "…\r…" as letters, a token without control characters.
            #expect(throws: Never.self) { try layers.settings() }
            return
        }
        do {
            _ = try layers.settings()
            Issue.record("a token with U+\(String(code, radix: 16)) in \(place) was accepted")
        } catch let error as SettingsError {
            #expect(error.kind == .configuration)
            let name = place == .configFile ? variable.lowercased() : variable
            #expect(error.summary.hasPrefix(name + " in "), "\(error.summary)")
            switch place {
            case .environment: #expect(error.summary.contains("in the environment"))
            case .dotEnv: #expect(error.summary.contains(".env in \(layers.workingDirectory)"))
            case .configFile: #expect(error.summary.contains(layers.configPath))
            }
            #expect(error.summary.contains("U+00"))
            let text = error.description
            #expect(!text.contains("VISIBLE") && !text.contains("SECRET"), "\(text)")
        }
    }

    @Test func aURLWithAControlCharacterIsRefusedToo() throws {
        var layers = try Layers()
        layers.environment["ABS_URL"] = "http://nas:13378\u{1B}[2J"
        #expect(throws: SettingsError(.controlCharacter(setting: .environment("ABS_URL"), character: "\u{1B}"))) { try layers.settings() }
        layers.environment["ABS_URL"] = nil
        try layers.config("hardcover_url = \"https://api.hardcover.app/v1/graphql\\n/x\"\n")
        #expect(throws: SettingsError.self) { try layers.settings() }
    }

    @Test func aLineBreakAroundATokenIsTrimmedNotRefused() throws {
        var layers = try Layers()
        layers.environment["ABS_TOKEN"] = "\(Self.visible)\n"
        try layers.config("hardcover_token = \"  Bearer \(Self.hidden)\\n\"\n")
        let settings = try layers.settings()
        #expect(settings.absToken?.value == Secret(Self.visible))
        #expect(settings.hardcoverToken?.value == Secret("Bearer \(Self.hidden)"))
    }

    // MARK: - One layer per server

    /// (where the URL is, where the token is, refused?). The flag `--abs-url` is given with the
    /// environment: there is no token flag.
    static let pairs: [(SettingSource.Layer, Bool, SettingSource.Layer, Bool)] = [
        (.commandLine, true, .commandLine, false), (.commandLine, true, .dotEnv, true), (.commandLine, true, .configFile, true),
        (.commandLine, false, .commandLine, false), (.commandLine, false, .dotEnv, true), (.commandLine, false, .configFile, true),
        (.dotEnv, false, .commandLine, true), (.dotEnv, false, .dotEnv, false), (.dotEnv, false, .configFile, true),
        (.configFile, false, .commandLine, true), (.configFile, false, .dotEnv, true), (.configFile, false, .configFile, false),
    ]

    @Test(arguments: pairs)
    func anAudiobookShelfURLAndTokenFromDifferentLayersAreRefused(_ urlLayer: SettingSource.Layer, _ flag: Bool,
                                                                   _ tokenLayer: SettingSource.Layer, _ refused: Bool) throws {
        var layers = try Layers()
        try layers.set("ABS_URL", "http://elsewhere:13378", in: urlLayer, flag: flag)
        try layers.set("ABS_TOKEN", Self.visible, in: tokenLayer)
        let settings = try layers.settings()
        #expect(settings.absURL?.source.layer == urlLayer)
        #expect(settings.absToken?.source.layer == tokenLayer)
        if refused {
            do {
                _ = try Connections.audiobookshelf(settings)
                Issue.record("a URL from \(urlLayer) was used with a token from \(tokenLayer)")
            } catch let error as SettingsError {
                #expect(error.kind == .configuration)
                #expect(error.summary == "\(settings.absURL!.source.name) comes from \(settings.absURL!.source.place) but \(settings.absToken!.source.name) from \(settings.absToken!.source.place)")
                #expect(error.hint?.contains("one place") == true)
                #expect(!error.description.contains(Self.visible))
            }
            #expect(settings.mixedSources.count == 1)
        } else {
            let client = try Connections.audiobookshelf(settings)
            #expect(client.connection.baseURL.absoluteString == "http://elsewhere:13378")
            #expect(settings.mixedSources.isEmpty)
        }
    }

    @Test func theMessageNamesBothSourcesAndWhatToDo() throws {
        var layers = try Layers()
        try layers.dotEnv("ABS_URL=http://attacker:13378\n")
        layers.environment["AUDIOBOOKSHELF_API_KEY"] = Self.visible
        let error = try #require(try layers.settings().mixedSources.first)
        #expect(error.summary == "ABS_URL comes from .env in \(layers.workingDirectory) but AUDIOBOOKSHELF_API_KEY from the environment")
        let hint = try #require(error.hint)
        #expect(hint.contains("If you did not write ABS_URL in .env in \(layers.workingDirectory), delete it"))
        #expect(hint.contains("ABS_URL beside AUDIOBOOKSHELF_API_KEY in the environment"))
        #expect(hint.contains("ABS_TOKEN beside ABS_URL in .env in \(layers.workingDirectory)"))
    }

    @Test(arguments: [SettingSource.Layer.commandLine, .dotEnv, .configFile])
    func hardcoversDefaultURLGoesWithATokenFromAnyLayer(_ tokenLayer: SettingSource.Layer) throws {
        var layers = try Layers()
        try layers.set("HARDCOVER_TOKEN", Self.visible, in: tokenLayer)
        let settings = try layers.settings()
        #expect(settings.hardcoverURL.source == .defaultValue)
        #expect(throws: Never.self) { try Connections.hardcover(settings) }
        // The default URL written out in another layer is the default all the same.
        try layers.set("HARDCOVER_URL", "https://api.hardcover.app/v1/graphql/", in: tokenLayer == .dotEnv ? .configFile : .dotEnv)
        #expect(throws: Never.self) { try Connections.hardcover(try layers.settings()) }
    }

    @Test(arguments: [(SettingSource.Layer.dotEnv, SettingSource.Layer.commandLine), (.configFile, .commandLine),
                      (.commandLine, .configFile), (.dotEnv, .configFile)])
    func aHardcoverURLSetInOneLayerWithTheTokenFromAnotherIsRefused(_ urlLayer: SettingSource.Layer, _ tokenLayer: SettingSource.Layer) throws {
        var layers = try Layers()
        try layers.set("HARDCOVER_URL", "http://elsewhere/v1/graphql", in: urlLayer)
        try layers.set("HARDCOVER_TOKEN", Self.visible, in: tokenLayer)
        let settings = try layers.settings()
        #expect(throws: SettingsError.self) { try Connections.hardcover(settings) }
        #expect(settings.mixedSources.map(\.code) == [.mixedSources(server: .hardcover, url: settings.hardcoverURL.source,
                                                                     token: settings.hardcoverToken!.source)])
        // Both in the URL's layer: used.
        var together = try Layers()
        try together.set("HARDCOVER_URL", "http://elsewhere/v1/graphql", in: urlLayer)
        try together.set("HARDCOVER_TOKEN", Self.visible, in: urlLayer)
        let client = try Connections.hardcover(try together.settings())
        #expect(client.connection.url.absoluteString == "http://elsewhere/v1/graphql")
    }

    // MARK: - The redactor of the settings

    @Test func theRedactorKnowsEveryLayersSecretsUsedOrShadowed() throws {
        var layers = try Layers()
        layers.environment["ABS_TOKEN"] = "env-token-1"
        layers.environment["HARDCOVER_TOKEN"] = "Bearer hc-token-4"
        try layers.dotEnv("ABS_TOKEN=dotenv-token-2\nABS_URL=http://me:proxy-pass-5@nas:13378/?api_key=query-key-6\n")
        try layers.config("abs_token = \"config-token-3\"\n")
        let settings = try layers.settings()
        let text = "env-token-1 dotenv-token-2 config-token-3 hc-token-4 proxy-pass-5 query-key-6 http://me:proxy-pass-5@nas:13378"
        #expect(settings.redactor.scrub(text) == (Array(repeating: "‹redacted›", count: 6) + ["http://***@nas:13378"]).joined(separator: " "))
        #expect(Settings.redactor(environment: layers.environment, workingDirectory: layers.workingDirectory) == settings.redactor)
    }

    @Test func theReportersRedactorReadsAConfigFileThatDoesNotLoad() throws {
        let layers = try Layers()
        try layers.config("abs_token = \"config-token-3\"\nabs_tokn = \"typo\"\n")
        #expect(throws: ConfigFile.ParseError.self) { try layers.settings() }
        let redactor = Settings.redactor(environment: layers.environment, workingDirectory: layers.workingDirectory)
        #expect(redactor.scrub("x config-token-3") == "x ‹redacted›")
    }
}

// MARK: - What a sync stores

extension SettingsSecretsTests {
    private func mirrorWithItems(_ folder: TemporaryFolder, absURL: (FakeABSServer) -> String) async throws -> Mirror {
        try await withFakeABS(.generated(items: 12, seed: 3)) { server in
            let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
            var policy = RetryPolicy()
            policy.timeout = TestLimits.request
            let client = ABSClient(connection: try ABSConnection(url: absURL(server), token: FakeABSState.adminToken),
                                   httpClient: .mirror, policy: policy)
            _ = try await ABSSync.run(mirror: mirror, client: client)
            return mirror
        }
    }

    private func rows(_ folder: TemporaryFolder, _ sql: String) throws -> [Row] {
        try DatabaseQueue(path: folder.file("mirror.sqlite")).read { try Row.fetchAll($0, sql: sql) }
    }

    @Test func aSyncStoresItsServerWithoutCredentials() async throws {
        let folder = try TemporaryFolder()
        _ = try await mirrorWithItems(folder) { "http://reader:pa55-word@127.0.0.1:\($0.port)/?token=query-token" }
        let servers = try rows(folder, "SELECT server FROM sync_runs").map { $0["server"] as String }
        #expect(servers.count == 1)
        #expect(servers.allSatisfy { $0.hasPrefix("http://***@127.0.0.1:") && $0.hasSuffix("/?token=***") }, "\(servers)")
    }

    @Test func aTokenEchoedByTheServerNeverReachesTheMirror() async throws {
        let folder = try TemporaryFolder()
        let mirror = try await mirrorWithItems(folder) { $0.baseURL.absoluteString }
        let token = "hc_pat_echoed_" + Self.hidden
        try await EchoingServer.with(status: 401) { echo in
            var policy = RetryPolicy()
            policy.sleep = { _ in }
            policy.timeout = TestLimits.request
            let connection = try HardcoverConnection(url: "http://user:basic-pass@127.0.0.1:\(echo.port)/v1/graphql", token: "Bearer " + token,
                                                     tokenSource: "HARDCOVER_TOKEN")
            let client = HardcoverClient(connection: connection, httpClient: .mirror,
                                         limiter: RateLimiter(configuration: .init(perMinute: 1_000_000, dailyReserve: 0)), policy: policy)
            var options = HardcoverSyncOptions()
            options.redactor = Redactor(secrets: ["basic-pass"])
            do {
                _ = try await HardcoverSync.run(mirror: mirror, client: client, options: options)
                Issue.record("the sync went through")
            } catch let error as RemoteError {
                // The error itself quotes the server (the reporter scrubs it when printing).
                #expect(error.code == .unauthorized)
            }
            #expect(echo.authorizations.first == "Bearer " + token)
        }
        let run = try #require(try rows(folder, "SELECT server, error FROM sync_runs WHERE source = 'hardcover'").first)
        let error: String = run["error"]
        #expect(error.contains("invalid_token: the token Bearer ‹redacted› is not valid"), "\(error)")
        #expect(!error.contains(Self.hidden) && !error.contains("basic-pass"))
        let server: String = run["server"]
        #expect(server.hasPrefix("http://***@127.0.0.1:") && server.hasSuffix("/v1/graphql"), "\(server)")
    }
}
