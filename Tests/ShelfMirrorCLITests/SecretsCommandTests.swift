import Foundation
import MirrorFakes
import TestSupport
import Testing

/// Secrets never leave their place, as a user runs shelfmirror: a token with a control character
/// is refused (exit 78) naming its variable and never its value; a token a server echoes reaches
/// neither the terminal nor the mirror; credentials in a URL are shown and stored as ***; and a
/// token is sent only to the server named in the same place.
struct SecretsCommandTests {
    static let visible = "eyJ-VISIBLE-PART"
    static let hidden = "more-SECRET-TEXT"

    /// A folder with the working folder (for `.env`), the config folder and the data folder.
    struct Place {
        let folder: TemporaryFolder

        init() throws {
            folder = try TemporaryFolder()
            for name in ["work", "config/shelfmirror", "data"] {
                try FileManager.default.createDirectory(atPath: folder.file(name), withIntermediateDirectories: true)
            }
        }

        var work: String { folder.file("work") }
        var db: String { folder.file("mirror.sqlite") }
        var configPath: String { folder.file("config/shelfmirror/config.toml") }

        func dotEnv(_ text: String) throws { try text.write(toFile: folder.file("work/.env"), atomically: true, encoding: .utf8) }
        func config(_ text: String) throws { try text.write(toFile: configPath, atomically: true, encoding: .utf8) }

        /// No real config file or data folder of the machine leaks in.
        func environment(_ extra: [String: String] = [:]) -> [String: String] {
            ["XDG_CONFIG_HOME": folder.file("config"), "XDG_DATA_HOME": folder.file("data")].merging(extra) { $1 }
        }

        func run(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> RunResult {
            try await Binary.run(arguments, environment: environment(extra), workingDirectory: work)
        }

        func query(_ sql: String) async throws -> String {
            try await Binary.run(["query", sql, "--db", db, "--format", "jsonl"]).stdout
        }
    }

    private func expectNoSecret(_ result: RunResult, _ secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in secrets {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(result.stdout)\n\(result.stderr)",
                    sourceLocation: sourceLocation)
        }
    }

    // MARK: - Control characters

    enum Layer: String, CaseIterable, Sendable { case environment, dotEnv, configFile }

    /// A line break, a bell, DEL (as code points: the test log stays readable).
    static let controlCases: [(String, Layer, UInt32)] = ["ABS_TOKEN", "HARDCOVER_TOKEN"].flatMap { variable in
        Layer.allCases.flatMap { layer in [0x0A, 0x07, 0x7F].map { (variable, layer, UInt32($0)) } }
    }

    @Test(arguments: controlCases)
    func aTokenWithAControlCharacterIsRefusedNamingItsVariableNeverItsValue(_ variable: String, _ layer: Layer, _ code: UInt32) async throws {
        let character = String(Unicode.Scalar(code)!)
        let place = try Place()
        var extra = ["ABS_URL": "http://127.0.0.1:9"]
        let written = character == "\n" ? #"\n"# : character
        switch layer {
        case .environment: extra[variable] = Self.visible + character + Self.hidden
        case .dotEnv: try place.dotEnv("\(variable)=\"\(Self.visible)\(written)\(Self.hidden)\"\n")
        case .configFile: try place.config("\(variable.lowercased()) = \"\(Self.visible)\(written)\(Self.hidden)\"\n")
        }
        for command in [["sync", "--db", place.db], ["doctor", "--db", place.db]] {
            let result = try await place.run(command, extra)
            #expect(result.status == 78, "\(command[0]): \(result.stderr)")
            let name = layer == .configFile ? variable.lowercased() : variable
            #expect(result.stderr.contains("error: \(name) in "), "\(result.stderr)")
            #expect(result.stderr.contains("control characters"))
            expectNoSecret(result, ["VISIBLE", "SECRET"])
        }
    }

    // MARK: - A token the server echoes

    @Test func aTokenEchoedByAServerReachesNeitherTheTerminalNorTheMirror() async throws {
        let place = try Place()
        let token = "hc_pat_echo_" + Self.hidden
        try await withFakeABS(.generated(items: 12, seed: 9)) { abs in
            try await EchoingServer.with(status: 401) { hardcover in
                let environment = ["ABS_URL": abs.baseURL.absoluteString, "ABS_TOKEN": FakeABSState.adminToken,
                                   "HARDCOVER_URL": hardcover.url + "/v1/graphql", "HARDCOVER_TOKEN": "Bearer " + token]
                let sync = try await place.run(["sync", "--db", place.db, "--hardcover-rate", "100000", "--hardcover-reserve", "0"], environment)
                #expect(sync.status == 77, "\(sync.stderr)")
                #expect(sync.stderr.contains("invalid_token: the token ‹redacted› is not valid"), "\(sync.stderr)")
                let doctor = try await place.run(["doctor", "--db", place.db], environment)
                #expect(doctor.status == 77)
                #expect(doctor.stdout.contains("FAIL  Hardcover rejected the token"), "\(doctor.stdout)")
                for result in [sync, doctor] { expectNoSecret(result, [Self.hidden, FakeABSState.adminToken]) }
                // The server did receive the token: what it said was scrubbed, not what was sent.
                #expect(hardcover.authorizations.allSatisfy { $0 == "Bearer " + token } && !hardcover.authorizations.isEmpty)
            }
        }
        let runs = try await place.query("SELECT source, status, error FROM sync_runs ORDER BY id")
        #expect(runs.contains(#""source": "hardcover", "status": "failed""#), "\(runs)")
        #expect(runs.contains("‹redacted›"))
        #expect(!runs.contains(Self.hidden))
    }

    // MARK: - Credentials in URLs

    @Test func credentialsInAURLAreRedactedByConfigSyncAndDoctor() async throws {
        let place = try Place()
        try await withFakeABS(.generated(items: 12, seed: 9)) { abs in
            let url = "http://reader:pa55-word@127.0.0.1:\(abs.port)/?token=query-token-1"
            let environment = ["ABS_URL": url, "ABS_TOKEN": FakeABSState.adminToken]
            let config = try await place.run(["config", "--format", "csv"], environment)
            #expect(config.status == 0)
            #expect(config.stdout.contains("abs_url,http://***@127.0.0.1:\(abs.port)/?token=***,environment ABS_URL"), "\(config.stdout)")
            let sync = try await place.run(["sync", "--db", place.db, "--only", "abs"], environment)
            #expect(sync.status == 0, "\(sync.stderr)")
            let doctor = try await place.run(["doctor", "--db", place.db], environment)
            #expect(doctor.stdout.contains("answers at http://***@127.0.0.1:\(abs.port)/?token=***"), "\(doctor.stdout)")
            for result in [config, sync, doctor] { expectNoSecret(result, ["pa55-word", "query-token-1", FakeABSState.adminToken]) }
        }
        let runs = try await place.query("SELECT server FROM sync_runs")
        #expect(runs.contains("http://***@127.0.0.1:"), "\(runs)")
        #expect(!runs.contains("pa55-word") && !runs.contains("query-token-1"))
    }

    // MARK: - One place per server

    @Test func aDotEnvThatNamesAnotherServerGetsNoToken() async throws {
        let place = try Place()
        try await EchoingServer.with(status: 200) { attacker in
            try place.dotEnv("ABS_URL=\(attacker.url)\n")
            let environment = ["ABS_TOKEN": FakeABSState.adminToken]
            let expected = "ABS_URL comes from .env in \(place.work) but ABS_TOKEN from the environment"
            let sync = try await place.run(["sync", "--db", place.db], environment)
            #expect(sync.status == 78)
            #expect(sync.stderr.contains("error: \(expected)"), "\(sync.stderr)")
            #expect(sync.stderr.contains("If you did not write ABS_URL in .env in \(place.work), delete it"))
            let doctor = try await place.run(["doctor", "--db", place.db], environment)
            #expect(doctor.status == 78)
            #expect(doctor.stdout.contains("FAIL  \(expected)"), "\(doctor.stdout)")
            #expect(doctor.stdout.contains("      fix: shelfmirror sends a token only to the server named in the same place"))
            let config = try await place.run(["config"], environment)
            #expect(config.status == 0)
            #expect(config.stderr.contains("warning: \(expected)"))
            for result in [sync, doctor, config] { expectNoSecret(result, [FakeABSState.adminToken]) }
            #expect(attacker.authorizations.isEmpty, "a request reached the server of .env")
        }
    }

    /// (where ABS_URL is, where ABS_TOKEN is): every pair of different layers is refused.
    @Test(arguments: [(Layer.configFile, Layer.environment), (.environment, .configFile), (.dotEnv, .configFile), (.configFile, .dotEnv)])
    func aServerURLAndATokenFromDifferentLayersAreRefused(_ urlLayer: Layer, _ tokenLayer: Layer) async throws {
        let place = try Place()
        try await withFakeABS(.generated(items: 12, seed: 9)) { abs in
            var environment: [String: String] = [:]
            var dotEnv = "", config = ""
            for (layer, variable, value) in [(urlLayer, "ABS_URL", abs.baseURL.absoluteString), (tokenLayer, "ABS_TOKEN", FakeABSState.adminToken)] {
                switch layer {
                case .environment: environment[variable] = value
                case .dotEnv: dotEnv += "\(variable)=\(value)\n"
                case .configFile: config += "\(variable.lowercased()) = \"\(value)\"\n"
                }
            }
            try place.dotEnv(dotEnv)
            try place.config(config)
            let sync = try await place.run(["sync", "--db", place.db], environment)
            #expect(sync.status == 78, "\(sync.stderr)")
            #expect(sync.stderr.contains(" comes from ") && sync.stderr.contains(" but "), "\(sync.stderr)")
            expectNoSecret(sync, [FakeABSState.adminToken])
            #expect(await abs.state.requests().isEmpty)
        }
    }

    @Test func theFlagGoesWithATokenFromTheEnvironmentOnly() async throws {
        let place = try Place()
        try await withFakeABS(.generated(items: 12, seed: 9)) { abs in
            let flag = ["doctor", "--db", place.db, "--abs-url", abs.baseURL.absoluteString]
            let withEnvironment = try await place.run(flag, ["ABS_TOKEN": FakeABSState.adminToken])
            #expect(withEnvironment.status == 0, "\(withEnvironment.stdout)")
            try place.dotEnv("ABS_TOKEN=\(FakeABSState.adminToken)\n")
            let withDotEnv = try await place.run(flag)
            #expect(withDotEnv.status == 78)
            #expect(withDotEnv.stdout.contains("FAIL  --abs-url comes from the command line but ABS_TOKEN from .env in \(place.work)"),
                    "\(withDotEnv.stdout)")
        }
    }

    @Test(arguments: [Layer.environment, .dotEnv, .configFile])
    func aServerURLAndATokenFromOneLayerAreUsed(_ layer: Layer) async throws {
        let place = try Place()
        try await withFakeABS(.generated(items: 12, seed: 9)) { abs in
            let url = abs.baseURL.absoluteString
            var environment: [String: String] = [:]
            switch layer {
            case .environment: environment = ["AUDIOBOOKSHELF_URL": url, "ABS_TOKEN": FakeABSState.adminToken]
            case .dotEnv: try place.dotEnv("ABS_URL=\(url)\nAUDIOBOOKSHELF_API_KEY=\(FakeABSState.adminToken)\n")
            case .configFile: try place.config("abs_url = \"\(url)\"\nabs_token = \"\(FakeABSState.adminToken)\"\n")
            }
            let doctor = try await place.run(["doctor", "--db", place.db], environment)
            #expect(doctor.status == 0, "\(doctor.stdout)")
            #expect(doctor.stdout.contains("push will work"))
        }
    }

    @Test func aHardcoverURLFromDotEnvGetsNoTokenFromTheEnvironment() async throws {
        let place = try Place()
        try await EchoingServer.with(status: 200) { attacker in
            try place.dotEnv("HARDCOVER_URL=\(attacker.url)/v1/graphql\n")
            let sync = try await place.run(["sync", "--db", place.db, "--only", "hardcover"], ["HARDCOVER_TOKEN": "hc_pat_" + Self.hidden])
            #expect(sync.status == 78)
            #expect(sync.stderr.contains("error: HARDCOVER_URL comes from .env in \(place.work) but HARDCOVER_TOKEN from the environment"),
                    "\(sync.stderr)")
            expectNoSecret(sync, [Self.hidden])
            #expect(attacker.authorizations.isEmpty)
        }
    }

    // MARK: - The last-resort error output

    /// An error that is not shelfmirror's own (here the argument parser's, quoting the value it
    /// refused) is scrubbed too: of a configured secret, and of a URL's credentials.
    @Test func anErrorThatIsNotShelfmirrorsOwnIsScrubbedToo() async throws {
        let place = try Place()
        let token = "hc_pat_" + Self.hidden
        let secret = try await place.run(["query", "SELECT 1", "--db", place.db, "--timeout", token], ["HARDCOVER_TOKEN": token])
        #expect(secret.status == 64, "\(secret.stderr)")
        #expect(secret.stderr.contains("is invalid for '--timeout"), "\(secret.stderr)")
        expectNoSecret(secret, [Self.hidden])
        let url = try await place.run(["query", "SELECT 1", "--db", place.db, "--timeout", "http://reader:pa55-word@127.0.0.1:9/"])
        #expect(url.status == 64, "\(url.stderr)")
        expectNoSecret(url, ["pa55-word"])
    }
}
