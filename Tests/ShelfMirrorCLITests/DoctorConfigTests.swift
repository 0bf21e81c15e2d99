import Foundation
import MirrorFakes
import TestSupport
import Testing

/// `doctor` and `config`, as a user runs them: each classic failure with its exit status and fix,
/// and tokens never printed.
struct DoctorConfigTests {
    private func isolated(_ folder: TemporaryFolder, _ extra: [String: String]) -> [String: String] {
        // No real config file or data folder of the machine leaks in.
        ["XDG_CONFIG_HOME": folder.file("config"), "XDG_DATA_HOME": folder.file("data"), "ABS_URL": "", "ABS_TOKEN": "",
         "AUDIOBOOKSHELF_URL": "", "AUDIOBOOKSHELF_API_KEY": "", "AUDIOBOOKSHELF_TOKEN": ""].merging(extra) { $1 }
    }

    @Test func aMissingTokenNamesEveryVariable() async throws {
        let folder = try TemporaryFolder()
        let result = try await Binary.run(["doctor"], environment: isolated(folder, ["ABS_URL": "http://127.0.0.1:9"]))
        #expect(result.status == 78)
        #expect(result.stdout.contains("ABS_TOKEN, AUDIOBOOKSHELF_API_KEY, AUDIOBOOKSHELF_TOKEN"))
        let sync = try await Binary.run(["sync", "--db", folder.file("m.sqlite")], environment: isolated(folder, ["ABS_URL": "http://127.0.0.1:9"]))
        #expect(sync.status == 78)
        #expect(sync.stderr.contains("AUDIOBOOKSHELF_API_KEY"))
    }

    @Test func aHealthyServerAndAUserWhoCannotUpdate() async throws {
        let state = FakeABSState.generated(items: 20)
        try await withFakeABS(state) { server in
            let folder = try TemporaryFolder()
            let admin = try await Binary.run(["doctor"], environment: isolated(folder, ["ABS_URL": server.baseURL.absoluteString, "ABS_TOKEN": FakeABSState.adminToken]))
            #expect(admin.status == 0, "\(admin.stdout)")
            #expect(admin.stdout.contains("AudiobookShelf 2.36.0 answers"))
            #expect(admin.stdout.contains("push will work"))

            let user = try await Binary.run(["doctor"], environment: isolated(folder, ["ABS_URL": server.baseURL.absoluteString, "AUDIOBOOKSHELF_API_KEY": FakeABSState.userToken]))
            #expect(user.status == 0)
            #expect(user.stdout.contains("token of AUDIOBOOKSHELF_API_KEY accepted"))
            #expect(user.stdout.contains("push will be refused"))
            #expect(!user.stdout.contains(FakeABSState.userToken))

            let rejected = try await Binary.run(["doctor"], environment: isolated(folder, ["ABS_URL": server.baseURL.absoluteString, "ABS_TOKEN": "wrong"]))
            #expect(rejected.status == 77)
            #expect(rejected.stdout.contains("rejected the token"))
            #expect(rejected.stdout.contains("ABS_TOKEN"))
        }
    }

    @Test func aWrongPathOrServerIsExplained() async throws {
        let state = FakeABSState.generated(items: 5)
        try await withFakeABS(state) { server in
            let folder = try TemporaryFolder()
            // A subpath the server does not serve answers Express's HTML 404.
            let wrongPath = try await Binary.run(["doctor"], environment: isolated(folder, ["ABS_URL": server.baseURL.absoluteString + "/books", "ABS_TOKEN": FakeABSState.adminToken]))
            #expect(wrongPath.status == 78)
            #expect(wrongPath.stdout.contains("subpath"))
            let refused = try await Binary.run(["doctor"], environment: isolated(folder, ["ABS_URL": "http://127.0.0.1:9", "ABS_TOKEN": "x"]))
            #expect(refused.status == 69)
            #expect(refused.stdout.contains("connection refused"))
        }
    }

    @Test func configShowsSourcesAndRedactsTokens() async throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.file("config/shelfmirror"), withIntermediateDirectories: true)
        try "abs_url = \"http://from-file:13378\"\n".write(toFile: folder.file("config/shelfmirror/config.toml"), atomically: true, encoding: .utf8)
        let result = try await Binary.run(["config", "--format", "csv"], environment: isolated(folder, ["AUDIOBOOKSHELF_TOKEN": "s3cret-token-value"]))
        #expect(result.status == 0)
        #expect(result.stdout.contains("abs_url,http://from-file:13378,"))
        #expect(result.stdout.contains("config.toml (abs_url)"))
        #expect(result.stdout.contains("abs_token,"))
        #expect(result.stdout.contains("environment AUDIOBOOKSHELF_TOKEN"))
        #expect(!result.stdout.contains("s3cret"))

        try "abs_url = http://unquoted\n".write(toFile: folder.file("config/shelfmirror/config.toml"), atomically: true, encoding: .utf8)
        let broken = try await Binary.run(["config"], environment: isolated(folder, [:]))
        #expect(broken.status == 78)
        #expect(broken.stderr.contains("config.toml, line 1"))
    }
}
