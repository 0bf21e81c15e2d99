import Foundation
import MirrorFakes
import TestSupport
import Testing

/// Listening state to Hardcover as a user runs it with the built binary against the fakes:
/// `diff --target hardcover`, `accept --target`, `push` (each target in turn), the dry run, a
/// token that may not write, `history --target`, and a second round that changes nothing.
struct ListeningCommandTests {
    typealias Servers = HardcoverCommandTests.Servers

    /// Synced and matched; the environment the steps ran with.
    static func prepared(_ servers: Servers) async throws -> [String: String] {
        let env = servers.environment()
        for step in [["sync"] + HardcoverCommandTests.fast, ["match"]] {
            let r = try await Binary.run(step + ["--db", servers.db], environment: env)
            #expect(r.status == 0, "\(step): \(r.stderr)")
        }
        return env
    }

    @Test func diffAcceptAndPushListeningStateThenNothingMore() async throws {
        try await Servers.with { servers in
            let env = try await Self.prepared(servers)
            let json = try await Binary.run(["diff", "--target", "hardcover", "--tz", "UTC", "--format", "json", "--db", servers.db], environment: env)
            #expect(json.status == 0, "\(json.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { $0["target"] as? String == "hardcover" && $0["source"] as? String == "progress" })
            #expect(rows.contains { $0["field"] as? String == "read" })
            let csv = try await Binary.run(["diff", "--target", "hardcover", "--format", "csv", "--db", servers.db], environment: env)
            #expect(csv.stdout.hasPrefix("id,item_id,item_title,field,current,proposed,source,action,status,match_status,score,book_id,target\r\n"))
            let table = try await Binary.run(["diff", "--target", "hardcover", "--db", servers.db], environment: env)
            #expect(table.stdout.contains("hardcover") && table.stdout.contains("new read"))

            let wrongField = try await Binary.run(["diff", "--target", "abs", "--field", "status", "--db", servers.db], environment: env)
            #expect(wrongField.status == 64 && wrongField.stderr.contains("--field status is a field of --target hardcover"))
            let badZone = try await Binary.run(["diff", "--tz", "Mars/Olympus", "--db", servers.db], environment: env)
            #expect(badZone.status == 64 && badZone.stderr.contains("IANA"))

            // A spreadsheet's decisions for the other target are left alone.
            let sheet = servers.folder.file("decisions.csv")
            try csv.stdout.replacingOccurrences(of: ",pending,", with: ",accepted,").write(toFile: sheet, atomically: true, encoding: .utf8)
            let imported = try await Binary.run(["import-decisions", "--target", "abs", sheet, "--db", servers.db], environment: env)
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stderr.contains("0 accepted") && imported.stderr.contains("\(rows.count) lines of other targets left as they are"))

            let accept = try await Binary.run(["accept", "--target", "hardcover", "--all", "--replace", "--db", servers.db], environment: env)
            #expect(accept.status == 0 && accept.stderr.contains("Accepted \(rows.count) proposals"), "\(accept.stderr)")

            let dry = try await Binary.run(["push", "--target", "hardcover", "--dry-run", "--db", servers.db] + HardcoverCommandTests.fast,
                                           environment: env)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.contains("mutation") && dry.stdout.contains("insert_user_book"))
            #expect(!dry.stdout.contains(FakeHardcoverState.validToken) && !dry.stderr.contains(FakeHardcoverState.validToken))
            #expect(await servers.state.library().isEmpty, "a dry run writes nothing")

            // A token that may read but not write: 77 before anything is written.
            let readOnly = servers.environment(token: FakeHardcoverState.readOnlyToken)
            let refused = try await Binary.run(["push", "--db", servers.db] + HardcoverCommandTests.fast, environment: readOnly)
            #expect(refused.status == 77, "\(refused.stderr)")
            #expect(refused.stderr.contains(FakeHardcoverState.writeScope) && refused.stderr.contains("nothing was sent"))
            #expect(await servers.state.library().isEmpty)

            // `push` alone: each target with accepted changes (here Hardcover only).
            let push = try await Binary.run(["push", "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
            #expect(push.status == 0, "\(push.stderr)")
            #expect(push.stderr.contains("Pushed (Hardcover) \(rows.count) fields") && push.stderr.contains("0 conflicts, 0 failed"))
            #expect(!push.stderr.contains("AudiobookShelf"))
            let library = await servers.state.library()
            #expect(!library.isEmpty && library.allSatisfy { $0.reads.count == 1 })
            let history = try await Binary.run(["history", "--target", "hardcover", "--format", "csv", "--db", servers.db])
            #expect(history.stdout.contains(",hardcover,push,"))
            let absHistory = try await Binary.run(["history", "--target", "abs", "--format", "csv", "--db", servers.db])
            #expect(!absHistory.stdout.contains(",hardcover,"))

            // The next round: a sync reads the library back, and nothing is proposed or sent again.
            let again = try await Binary.run(["sync", "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
            #expect(again.status == 0, "\(again.stderr)")
            let rediff = try await Binary.run(["diff", "--target", "hardcover", "--tz", "UTC", "--db", servers.db], environment: env)
            #expect(rediff.stderr.contains("0 proposals"), "\(rediff.stdout)")
            let nothing = try await Binary.run(["push", "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
            #expect(nothing.stderr.contains("Nothing to send"))
            let after = await servers.state.library()
            #expect(after.map(\.reads.count) == library.map(\.reads.count), "no duplicate reads")

            let undo = try await Binary.run(["undo", "--last", "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
            #expect(undo.status == 0 && undo.stderr.contains("Reverted (Hardcover)"), "\(undo.stderr)")
            #expect(await servers.state.library().isEmpty)
        }
    }

    @Test func withoutTheHardcoverLibraryTheDiffSaysHowToReadIt() async throws {
        try await Servers.with(items: 10) { servers in
            let env = servers.environment()
            #expect(try await Binary.run(["sync", "--only", "abs", "--db", servers.db], environment: env).status == 0)
            let diff = try await Binary.run(["diff", "--target", "hardcover", "--db", servers.db], environment: env)
            #expect(diff.status == 0)
            #expect(diff.stderr.contains("no Hardcover library yet") && diff.stderr.contains("shelfmirror sync"), "\(diff.stderr)")
            var noToken = env
            noToken["HARDCOVER_TOKEN"] = nil
            noToken["HARDCOVER_URL"] = nil
            let quiet = try await Binary.run(["diff", "--db", servers.db], environment: noToken)
            #expect(quiet.status == 0 && !quiet.stderr.contains("Hardcover"), "not said to those who do not use Hardcover")
        }
    }
}
