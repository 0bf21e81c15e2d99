import Foundation
import MirrorFakes
import MirrorStore
import TestSupport
import Testing

/// `sync` with Hardcover, and `doctor`'s Hardcover checks, as a user runs them: exit statuses,
/// messages that say what to do, a stopped or killed run that the next one completes, tokens
/// never printed.
struct HardcoverCommandTests {
    struct Servers {
        let abs: FakeABSServer
        let hardcover: FakeHardcoverServer
        let state: FakeHardcoverState
        let folder: TemporaryFolder

        var absState: FakeABSState { abs.state }

        /// Runs `body` with a fake AudiobookShelf of `items` and a fake Hardcover derived from it,
        /// and an empty folder for the mirror and the config; both servers are stopped after.
        static func with<T>(items: Int = 80, limits: FakeHardcoverLimits = .unlimited,
                            _ body: (Servers) async throws -> T) async throws -> T {
            let absState = FakeABSState.generated(items: items, seed: 5)
            return try await withFakeABS(absState) { abs in
                let books = Set(await absState.allLibraries().filter { $0.mediaType == "book" }.map(\.id))
                let derived = FakeHardcoverCatalog.derived(from: await absState.allItems().filter { books.contains($0.libraryId) },
                                                           extraBooks: 20, seed: 5)
                let state = FakeHardcoverState(catalog: derived.catalog, limits: limits)
                return try await withFakeHardcover(state) { hardcover in
                    try await body(Servers(abs: abs, hardcover: hardcover, state: state, folder: try TemporaryFolder()))
                }
            }
        }

        var db: String { folder.file("mirror.sqlite") }

        /// Synced, matched, diffed with the replace policy and every proposal accepted, as a user
        /// gets ready to push; returns the environment the steps ran with.
        func readyToPush() async throws -> [String: String] {
            let config = folder.file("config.toml")
            try "[diff]\npolicy = \"replace\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            var env = environment()
            env["SHELFMIRROR_CONFIG"] = config
            for step in [["sync"] + HardcoverCommandTests.fast, ["match"], ["diff"], ["accept", "--all", "--replace", "--target", "abs"]] {
                let r = try await Binary.run(step + ["--db", db], environment: env)
                #expect(r.status == 0, "\(step): \(r.stderr)")
            }
            return env
        }

        func environment(token: String = FakeHardcoverState.validToken, url: String? = nil) -> [String: String] {
            ["ABS_URL": abs.baseURL.absoluteString, "ABS_TOKEN": FakeABSState.adminToken,
             "HARDCOVER_URL": url ?? hardcover.graphqlURL.absoluteString, "HARDCOVER_TOKEN": token,
             "XDG_CONFIG_HOME": folder.file("config"), "XDG_DATA_HOME": folder.file("data")]
        }

        func value(_ sql: String) async throws -> String {
            try await Binary.run(["query", sql, "--db", db, "--format", "csv"]).stdout
                .split(whereSeparator: \.isNewline).dropFirst().first.map(String.init) ?? ""
        }
    }

    /// Fast pacing: the fake answers without limits, and the tests measure requests, not time.
    static let fast = ["--hardcover-rate", "100000", "--hardcover-reserve", "0"]

    @Test func syncRunsAudiobookShelfThenHardcoverAndReportsBoth() async throws {
        try await Servers.with { servers in
            let result = try await Binary.run(["sync", "--db", servers.db] + Self.fast, environment: servers.environment())
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("from AudiobookShelf"))
            #expect(result.stderr.contains("Hardcover: 80 items, 80 looked up"))
            #expect(!result.stderr.contains(FakeHardcoverState.validToken) && !result.stdout.contains(FakeHardcoverState.validToken))
            #expect(try await servers.value("SELECT count(*) FROM hardcover_lookups WHERE stage = 'done'") == "80")
            #expect(try await servers.value("SELECT count(*) FROM sync_runs WHERE source = 'hardcover' AND status = 'finished'") == "1")
            let status = try await Binary.run(["status", "--db", servers.db])
            #expect(status.stdout.contains("hardcover lookups"))
            #expect(status.stdout.contains("0 waiting"))

            // Without a token, sync does AudiobookShelf and says why Hardcover was skipped.
            var env = servers.environment()
            env["HARDCOVER_TOKEN"] = ""
            let skipped = try await Binary.run(["sync", "--db", servers.db], environment: env)
            #expect(skipped.status == 0)
            #expect(skipped.stderr.contains("Hardcover skipped: HARDCOVER_TOKEN is not set"))
            let only = try await Binary.run(["sync", "--only", "hardcover", "--db", servers.db], environment: env)
            #expect(only.status == 78)
            #expect(only.stderr.contains("HARDCOVER_TOKEN"))
        }
    }

    @Test func syncSaysWhoseHardcoverLibraryItStoredAndOnlyWarnsWhenTheTokenCannotReadIt() async throws {
        try await Servers.with(items: 10) { servers in
            let audio = servers.state.catalog.books.prefix(3).map { book in
                FakeHardcoverUserBook(bookId: book.id, status: .currentlyReading, reads: [FakeHardcoverUserBookRead(progressSeconds: 600)])
            }
            await servers.state.seed(audio)
            #expect(try await Binary.run(["sync", "--only", "abs", "--db", servers.db], environment: servers.environment()).status == 0)
            let result = try await Binary.run(["sync", "--only", "hardcover", "--db", servers.db] + Self.fast, environment: servers.environment())
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("Hardcover library of user 1: 3 books, 3 reads."), "\(result.stderr)")
            #expect(try await servers.value("SELECT count(*) FROM hardcover_reads WHERE progress_seconds = 600") == "3")

            let catalogOnly = try await Binary.run(["sync", "--only", "hardcover", "--full", "--db", servers.db] + Self.fast,
                                                   environment: servers.environment(token: FakeHardcoverState.catalogOnlyToken))
            #expect(catalogOnly.status == 0, "\(catalogOnly.stderr)")
            #expect(catalogOnly.stderr.contains("warning: Hardcover library not read:"), "\(catalogOnly.stderr)")
            #expect(catalogOnly.stderr.contains("read:library"))
            #expect(catalogOnly.stderr.contains("Hardcover: 10 items, 10 looked up"))
            #expect(!catalogOnly.stderr.contains("Hardcover library of user"))
            #expect(!catalogOnly.stderr.contains(FakeHardcoverState.catalogOnlyToken))
            #expect(try await servers.value("SELECT count(*) FROM hardcover_user_books") == "3", "the library stored before stays")
        }
    }

    @Test func theRunLimitStopsCleanlyAndTheNextRunGoesOn() async throws {
        try await Servers.with { servers in
            let env = servers.environment()
            #expect(try await Binary.run(["sync", "--only", "abs", "--db", servers.db], environment: env).status == 0)
            let first = try await Binary.run(["sync", "--only", "hardcover", "--max-hardcover-requests", "3", "--db", servers.db] + Self.fast,
                                                  environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stderr.contains("Stopped: the limit of 3 requests for this run (--max-hardcover-requests) was reached"))
            #expect(first.stderr.contains("`shelfmirror sync --only hardcover` goes on from here"))
            #expect(try await servers.value("SELECT status FROM sync_runs WHERE source = 'hardcover'") == "stopped")
            let second = try await Binary.run(["sync", "--only", "hardcover", "--db", servers.db] + Self.fast, environment: env)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(try await servers.value("SELECT count(*) FROM hardcover_lookups WHERE stage <> 'done'") == "0")
        }
    }

    @Test func theDailyReserveStopsWithExit75AndWhenToComeBack() async throws {
        try await Servers.with(items: 40, limits: FakeHardcoverLimits(perMinute: 6000, burst: 100, daily: 254)) { servers in
            let env = servers.environment()
            #expect(try await Binary.run(["sync", "--only", "abs", "--db", servers.db], environment: env).status == 0)
            let result = try await Binary.run(["sync", "--only", "hardcover", "--db", servers.db, "--hardcover-rate", "100000"], environment: env)
            #expect(result.status == 75, "\(result.stderr)")
            #expect(result.stderr.contains("Hardcover sync stopped"))
            #expect(result.stderr.contains("kept in reserve"))
            #expect(result.stderr.contains("UTC (in "))
        }
    }

    @Test func hardcoverFailuresHaveTheirExitStatusAndFix() async throws {
        try await Servers.with(items: 10) { servers in
            #expect(try await Binary.run(["sync", "--only", "abs", "--db", servers.db], environment: servers.environment()).status == 0)

            let expired = try await Binary.run(["sync", "--only", "hardcover", "--db", servers.db] + Self.fast,
                                                    environment: servers.environment(token: FakeHardcoverState.expiredToken))
            #expect(expired.status == 77)
            #expect(expired.stderr.contains("Hardcover rejected the token (HTTP 401"))
            #expect(expired.stderr.contains("hardcover.app/account/api"))
            #expect(!expired.stderr.contains(FakeHardcoverState.expiredToken))

            let wrongPath = try await Binary.run(["sync", "--only", "hardcover", "--db", servers.db] + Self.fast,
                                                      environment: servers.environment(url: servers.hardcover.baseURL.absoluteString + "/graphql"))
            #expect(wrongPath.status == 78)
            #expect(wrongPath.stderr.contains("404"))
            #expect(wrongPath.stderr.contains("Hardcover answers 404 to a GET"))

            await servers.state.inject(.status(503, html: true), times: 10)
            let down = try await Binary.run(["sync", "--only", "hardcover", "--db", servers.db] + Self.fast, environment: servers.environment())
            #expect(down.status == 78 || down.status == 69, "\(down.stderr)")
            #expect(down.stderr.contains("HTML page") || down.stderr.contains("503"))
        }
    }

    @Test func doctorChecksTheHardcoverTokenAndShowsTheQuota() async throws {
        try await Servers.with(items: 5, limits: .free) { servers in
            let healthy = try await Binary.run(["doctor", "--db", servers.db], environment: servers.environment(token: "Bearer " + FakeHardcoverState.validToken))
            #expect(healthy.status == 0, "\(healthy.stdout)")
            #expect(healthy.stdout.contains("Hardcover token of HARDCOVER_TOKEN accepted: user fake-reader"))
            #expect(healthy.stdout.contains("left today"))
            #expect(!healthy.stdout.contains(FakeHardcoverState.validToken))
            #expect(healthy.stdout.contains("the Hardcover token may write your library"))
            #expect(await servers.state.library().isEmpty, "the write check changes nothing")

            let readOnly = try await Binary.run(["doctor", "--db", servers.db], environment: servers.environment(token: FakeHardcoverState.readOnlyToken))
            #expect(readOnly.stdout.contains("may not write your library") && readOnly.stdout.contains(FakeHardcoverState.writeScope),
                    "\(readOnly.stdout)")

            let catalogOnly = try await Binary.run(["doctor", "--db", servers.db], environment: servers.environment(token: FakeHardcoverState.catalogOnlyToken))
            #expect(catalogOnly.status == 0, "\(catalogOnly.stdout)")
            #expect(catalogOnly.stdout.contains("no read:me scope"))

            let expired = try await Binary.run(["doctor", "--db", servers.db], environment: servers.environment(token: FakeHardcoverState.expiredToken))
            #expect(expired.status == 77)
            #expect(expired.stdout.contains("FAIL  Hardcover rejected the token"))
        }
    }

    @Test func aKilledHardcoverSyncIsCompletedByTheNext() async throws {
        try await Servers.with(items: 200) { servers in
            let env = servers.environment()
            #expect(try await Binary.run(["sync", "--only", "abs", "--db", servers.db], environment: env).status == 0)
            // Slow Hardcover down so the run can be caught halfway.
            await servers.state.inject(.latency(milliseconds: 60), times: 1000)
            let (process, _, _) = try Binary.start(["sync", "--only", "hardcover", "--db", servers.db] + Self.fast, environment: env)
            let deadline = Date().addingTimeInterval(60)
            var done = 0
            while process.isRunning, Date() < deadline {
                done = Int(try await servers.value("SELECT count(*) FROM hardcover_lookups WHERE stage = 'done'")) ?? 0
                if done >= 20 { break }
                try await Task.sleep(for: .milliseconds(5))
            }
            try #require(process.isRunning, "the sync ended before it could be killed")
            kill(process.processIdentifier, SIGKILL)
            await process.exit()
            let finishedBefore = Int(try await servers.value("SELECT count(*) FROM hardcover_lookups WHERE stage = 'done'")) ?? 0
            #expect(finishedBefore > 0 && finishedBefore < 200)
            #expect(try await servers.value("SELECT status FROM sync_runs WHERE source = 'hardcover'") == "running or interrupted")

            await servers.state.clearFaults()
            await servers.state.resetLog()
            let again = try await Binary.run(["sync", "--only", "hardcover", "--db", servers.db] + Self.fast, environment: env)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try await servers.value("SELECT count(*) FROM hardcover_lookups WHERE stage = 'done'") == "200")
            #expect(try await servers.value("SELECT items_new + items_changed FROM sync_runs WHERE source = 'hardcover' ORDER BY id DESC LIMIT 1") == "0",
                    "no finished lookup starts over")
            #expect(try await servers.value("""
                SELECT count(*) FROM hardcover_candidates c LEFT JOIN hardcover_books b ON b.id = c.book_id WHERE b.id IS NULL
                """) == "0")
        }
    }
}
