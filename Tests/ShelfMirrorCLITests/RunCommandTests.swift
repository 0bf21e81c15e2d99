import Foundation
import MirrorFakes
import MirrorStore
import TestSupport
import Testing

/// `run`, as a timer runs it, with the built binary against the fakes: the policy decides what is
/// accepted and pushed, and nothing else; a second run changes nothing; a run while the mirror
/// is being written exits 75; a server that is down makes it 69 with the offline steps done.
struct RunCommandTests {
    typealias Servers = HardcoverCommandTests.Servers

    static let policy = """
        [auto.hardcover]
        fields = ["status", "progress_seconds", "started_on", "finished_on", "read", "edition"]

        [auto.abs]
        fill = ["narrators"]
        min_score = 0.9
        """

    /// The servers' environment with `config` as config.toml.
    static func environment(_ servers: Servers, config: String = policy) throws -> [String: String] {
        var env = servers.environment()
        let path = servers.folder.file("config.toml")
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        env["SHELFMIRROR_CONFIG"] = path
        return env
    }

    static func summary(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func thePolicyDecidesWhatIsPushedAndASecondRunChangesNothing() async throws {
        try await Servers.with(items: 60) { servers in
            // Narrators emptied on a few items, so that fills exist.
            let books = Set(await servers.absState.allLibraries().filter { $0.mediaType == "book" }.map(\.id))
            let ids = Array(await servers.absState.allItems().filter { books.contains($0.libraryId) && $0.asin != nil }.map(\.id).prefix(4))
            try #require(ids.count == 4)
            for id in ids { await servers.absState.update(itemId: id) { $0.narrators = []; $0.publisher = nil } }
            let env = try Self.environment(servers)
            let json = servers.folder.file("summary.json")
            let first = try await Binary.run(["run", "--push", "--summary-json", json, "--db", servers.db] + HardcoverCommandTests.fast,
                                             environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.hasPrefix("shelfmirror run ok: "))
            for step in ["sync-abs:", "sync-hardcover:", "scan:", "match:", "diff:", "accept:", "push-abs:", "push-hardcover:"] {
                #expect(first.stderr.contains(step), "\(step) logged")
            }
            let s1 = try Self.summary(json)
            let accepted = try #require(s1["accepted"] as? [String: Int])
            let pushedParts = try #require(s1["push"] as? [String: [String: Any]])
            let listed = (pushedParts["abs"]?["changes"] as? [String]) ?? []
            #expect(!listed.isEmpty && listed.allSatisfy { $0.hasSuffix(" — narrators") }, "what was pushed, by item and field: \(listed)")
            #expect((accepted["hardcover"] ?? 0) > 0 && (accepted["abs"] ?? 0) > 0)

            // Exactly what the policy names went out: narrators fills; every other field still waits.
            let pushed = try await servers.value("SELECT group_concat(DISTINCT field) FROM changes WHERE status = 'pushed' AND target = 'abs'")
            #expect(pushed == "narrators")
            let waiting = try await servers.value("SELECT count(*) FROM changes WHERE status = 'pending' AND target = 'abs' AND field = 'publisher'")
            #expect(Int(waiting) ?? 0 >= ids.count, "publisher fills are not named: they wait for a person")
            let filled = Set(try await servers.value("SELECT group_concat(item_id, ' ') FROM changes WHERE status = 'pushed' AND field = 'narrators'")
                .split(separator: " ").map(String.init))
            #expect(!filled.isDisjoint(with: ids))
            for id in ids {
                let item = await servers.absState.item(id: id)
                #expect(item?.publisher == nil, "\(id): publisher is not named")
                #expect((item?.narrators.isEmpty == false) == filled.contains(id), "\(id): narrators filled exactly when pushed")
            }
            let library = await servers.state.library()
            #expect(!library.isEmpty && library.allSatisfy { $0.reads.count == 1 })

            // The next hour: nothing new, nothing written, the Hardcover library read again and nothing more.
            _ = try await Binary.run(["run", "--push", "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
            await servers.state.resetLog()
            await servers.absState.resetRequestLog()
            let runsBefore = try await servers.value("SELECT count(*) FROM push_runs")
            let second = try await Binary.run(["run", "--push", "--summary-json", json, "--db", servers.db] + HardcoverCommandTests.fast,
                                              environment: env)
            #expect(second.status == 0, "\(second.stderr)")
            let s2 = try Self.summary(json)
            #expect((s2["accepted"] as? [String: Int])?.values.reduce(0, +) == 0)
            #expect((s2["push"] as? [String: Any])?.isEmpty == true, "no push run: nothing accepted")
            #expect(try await servers.value("SELECT count(*) FROM push_runs") == runsBefore)
            let hardcover = try #require(s2["sync_hardcover"] as? [String: Any])
            #expect(hardcover["looked_up"] as? Int == 0 && hardcover["books_fetched"] as? Int == 0)
            let log = await servers.state.requests()
            #expect(log.allSatisfy { $0.operationName?.hasPrefix("Library") == true }, "only the library read: \(log.map { $0.operationName ?? "?" })")
            let absLog = await servers.absState.requests()
            #expect(!absLog.isEmpty && !absLog.contains { $0.method == "PATCH" || $0.path.hasSuffix("/batch/update") }, "no write to AudiobookShelf")
            #expect(absLog.count <= 3, "authorize, libraries, one page of the listing: \(absLog.map(\.path))")
            let after = await servers.state.library()
            #expect(after.map(\.reads.count) == library.map(\.reads.count))
        }
    }

    @Test func aRunWhileTheMirrorIsBeingWrittenExits75AtOnce() async throws {
        try await Servers.with(items: 5) { servers in
            let env = try Self.environment(servers)
            let holder = try Mirror.openForWriting(path: servers.db)
            let busy = try await Binary.run(["run", "--db", servers.db], environment: env)
            #expect(busy.status == 75, "\(busy.stderr)")
            #expect(busy.stderr.contains("another shelfmirror is writing the mirror") && busy.stderr.contains("next run goes on"))
            #expect(await servers.absState.requests().isEmpty, "nothing was asked of the server")
            _ = holder
        }
    }

    @Test func aServerDownIs69AfterTheOfflineStepsAndNothingIsPushed() async throws {
        try await Servers.with(items: 10) { servers in
            var env = try Self.environment(servers)
            #expect(try await Binary.run(["run", "--db", servers.db] + HardcoverCommandTests.fast, environment: env).status == 0)
            env["ABS_URL"] = "http://127.0.0.1:9"  // discard: nothing listens
            let json = servers.folder.file("down.json")
            let down = try await Binary.run(["run", "--push", "--summary-json", json, "--db", servers.db] + HardcoverCommandTests.fast,
                                            environment: env)
            #expect(down.status == 69, "\(down.stderr)")
            #expect(down.stdout.hasPrefix("shelfmirror run failed: "))
            #expect(down.stderr.contains("sync-abs: failed") && down.stderr.contains("match:") && down.stderr.contains("push: skipped"))
            let summary = try Self.summary(json)
            #expect(summary["status"] as? String == "failed")
            #expect((summary["errors"] as? [[String: Any]])?.first?["step"] as? String == "sync-abs")
            #expect(await servers.state.library().isEmpty, "nothing sent on a stale mirror")
        }
    }

    @Test func explainPolicyShowsWhatWouldBeAcceptedAndDecidesNothing() async throws {
        try await Servers.with(items: 20) { servers in
            let env = try Self.environment(servers)
            for step in [["sync"] + HardcoverCommandTests.fast, ["match"]] {
                #expect(try await Binary.run(step + ["--db", servers.db], environment: env).status == 0)
            }
            let explain = try await Binary.run(["run", "--explain-policy", "--db", servers.db], environment: env)
            #expect(explain.status == 0, "\(explain.stderr)")
            #expect(explain.stdout.contains("hardcover") && explain.stdout.contains("read"))
            #expect(explain.stderr.contains("nothing was decided"))
            #expect(try await servers.value("SELECT count(*) FROM changes WHERE status = 'accepted'") == "0")

            let bad = try await Binary.run(["run", "--explain-policy", "--db", servers.db],
                                           environment: try Self.environment(servers, config: "[auto.abs]\nfill = [\"colour\"]\n"))
            #expect(bad.status == 78 && bad.stderr.contains("auto.abs.fill: unknown \"colour\""), "\(bad.stderr)")
        }
    }

    @Test func theNotificationCarriesTheSummaryAndABrokenOneNeverFailsTheRun() async throws {
        try await Servers.with(items: 20) { servers in
            let env = try Self.environment(servers)
            let hook = FakeWebhookState()
            try await withFakeWebhook(hook) { webhook in
                let url = webhook.baseURL.absoluteString + "/hooks/shelfmirror"
                let json = servers.folder.file("summary.json")
                let first = try await Binary.run(["run", "--push", "--notify", url, "--summary-json", json, "--db", servers.db]
                                                 + HardcoverCommandTests.fast, environment: env)
                #expect(first.status == 0, "\(first.stderr)")
                let received = await hook.received()
                #expect(received.count == 1)
                let firstBody = try #require(received.first).body
                let sent = try #require(try JSONSerialization.jsonObject(with: firstBody) as? [String: Any])
                let written = try Self.summary(json)
                #expect(sent["accepted"] as? [String: Int] == written["accepted"] as? [String: Int])
                #expect((sent["accepted"] as? [String: Int])?["hardcover"] ?? 0 > 0)
                #expect(received.first?.headers["content-type"] == "application/json" && received.first?.path == "/hooks/shelfmirror")
                #expect((written["notification"] as? [String: Any])?["sent"] as? Bool == true)

                // Nothing happened: no notification, unless asked for always; ntfy's shape.
                _ = try await Binary.run(["run", "--notify", url, "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
                let quiet = try await Binary.run(["run", "--notify", url, "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
                #expect(quiet.status == 0)
                let afterQuiet = await hook.received().count
                let always = try await Binary.run(["run", "--notify", url, "--notify-always", "--notify-format", "ntfy", "--db", servers.db]
                                                  + HardcoverCommandTests.fast, environment: env)
                #expect(always.status == 0)
                let all = await hook.received()
                #expect(all.count == afterQuiet + 1)
                let ntfy = try #require(all.last)
                #expect(ntfy.headers["title"] == "shelfmirror: run done" && ntfy.headers["priority"] == "default")
                #expect(ntfy.text.hasPrefix("shelfmirror run ok: "))
                let apprise = try await Binary.run(["run", "--notify", url, "--notify-always", "--notify-format", "apprise", "--db", servers.db]
                                                   + HardcoverCommandTests.fast, environment: env)
                #expect(apprise.status == 0)
                let lastBody = try #require(await hook.received().last).body
                let body = try #require(try JSONSerialization.jsonObject(with: lastBody) as? [String: String])
                #expect(body["type"] == "info" && body["title"] == "shelfmirror: run done" && body["body"]?.hasPrefix("shelfmirror run ok") == true)

                // A receiver that refuses, and one that is not there: reported, the run still 0.
                await hook.answer(500)
                let refused = try await Binary.run(["run", "--notify", url, "--notify-always", "--summary-json", json, "--db", servers.db]
                                                   + HardcoverCommandTests.fast, environment: env)
                #expect(refused.status == 0, "\(refused.stderr)")
                #expect(refused.stderr.contains("warning: the notification was not delivered") && refused.stderr.contains("HTTP 500"))
                #expect((try Self.summary(json)["notification"] as? [String: Any])?["sent"] as? Bool == false)
                let nowhere = try await Binary.run(["run", "--notify", "http://127.0.0.1:9/hook?token=secret-value", "--notify-always",
                                                    "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
                #expect(nowhere.status == 0)
                #expect(nowhere.stderr.contains("could not be reached") && !nowhere.stderr.contains("secret-value"))
            }
        }
    }
}
