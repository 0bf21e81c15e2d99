import Foundation
import MirrorFakes
import TestSupport
import Testing

/// `push`, `undo` and `history` as a user runs them.
struct PushCommandTests {
    @Test func dryRunThenPushThenHistoryThenUndo() async throws {
        try await HardcoverCommandTests.Servers.with(items: 30) { servers in
            let env = try await servers.readyToPush()
            let dry = try await Binary.run(["push", "--dry-run", "--db", servers.db], environment: env)
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.hasPrefix("POST http://"))
            #expect(dry.stdout.contains("/api/items/batch/update"))
            #expect(dry.stdout.contains("\"mediaPayload\":{\"metadata\":{"))
            #expect(!dry.stdout.contains(FakeABSState.adminToken) && !dry.stderr.contains(FakeABSState.adminToken))
            #expect(dry.stderr.contains("Nothing was sent"))

            let push = try await Binary.run(["push", "--db", servers.db], environment: env)
            #expect(push.status == 0, "\(push.stderr)")
            #expect(push.stderr.contains("Pushed "))
            #expect(push.stderr.contains("0 conflicts, 0 failed"))
            let history = try await Binary.run(["history", "--db", servers.db, "--format", "csv"])
            #expect(history.stdout.contains("1,abs,push,,"))
            let journal = try await Binary.run(["history", "1", "--db", servers.db])
            #expect(journal.stdout.contains("applied"))

            let undo = try await Binary.run(["undo", "--last", "--db", servers.db], environment: env)
            #expect(undo.status == 0, "\(undo.stderr)")
            #expect(undo.stderr.contains("Reverted "))
            let nothing = try await Binary.run(["undo", "--last", "--db", servers.db], environment: env)
            #expect(nothing.status == 64)
            #expect(nothing.stderr.contains("there is no push to undo"))
            let both = try await Binary.run(["undo", "--db", servers.db], environment: env)
            #expect(both.status == 64)

            var reader = env
            reader["ABS_TOKEN"] = FakeABSState.userToken
            #expect(try await Binary.run(["accept", "--all", "--replace", "--db", servers.db]).status == 0)
            let refused = try await Binary.run(["push", "--db", servers.db], environment: reader)
            #expect(refused.status == 77)
            #expect(refused.stderr.contains("may not update items; nothing was sent"))
        }
    }
}
