import Foundation
import MirrorFakes
import TestSupport
import Testing

/// A push to Hardcover killed with SIGKILL while its first request of mutations is in flight
/// (journaled, sent, the answer not yet back) is settled by the next push from its journal and
/// Hardcover's user books read again: nothing is written twice — no second user book, no
/// duplicate read — and every change ends pushed.
struct KilledHardcoverPushTests {
    typealias Servers = HardcoverCommandTests.Servers

    @Test func aPushKilledMidMutationIsSettledWithoutDuplicateReads() async throws {
        try await Servers.with(items: 30) { servers in
            let env = try await ListeningCommandTests.prepared(servers)
            for step in [["diff", "--target", "hardcover", "--tz", "UTC"], ["accept", "--target", "hardcover", "--all", "--replace"]] {
                let r = try await Binary.run(step + ["--db", servers.db], environment: env)
                #expect(r.status == 0, "\(step): \(r.stderr)")
            }
            let accepted = Int(try await servers.value("SELECT count(*) FROM changes WHERE status = 'accepted'")) ?? 0
            try #require(accepted > 0)

            let state = servers.state
            await state.resetLog()
            // The write check and the read of the user books answer at once; the first request of
            // mutations is held: the window for the kill.
            await state.inject(.latency(milliseconds: 1), times: 2)
            await state.inject(.latency(milliseconds: 8000), times: 1)
            let (process, _, _) = try Binary.start(["push", "--target", "hardcover", "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
            func sent() async throws -> Int {
                Int(try await servers.value("SELECT count(*) FROM push_journal_entries WHERE state IN ('planned', 'sent')")) ?? 0
            }
            let deadline = Date().addingTimeInterval(60)
            while process.isRunning, Date() < deadline, try await sent() == 0 { try await Task.sleep(for: .milliseconds(5)) }
            try #require(process.isRunning, "the push ended before it could be killed")
            kill(process.processIdentifier, SIGKILL)
            await process.exit()
            // The held request reached Hardcover: it is applied when its latency is over, as a
            // real server finishes what it received.
            func mutationsAnswered() async -> Int {
                await state.requests().filter { $0.status == 200 && $0.topLevelFields.contains { $0.hasPrefix("insert_") || $0.hasPrefix("update_") } }.count
            }
            while await mutationsAnswered() == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            try #require(await mutationsAnswered() == 1, "the held request was the first of mutations")
            let applied = await state.library()
            try #require(!applied.isEmpty)

            await state.clearFaults()
            let again = try await Binary.run(["push", "--target", "hardcover", "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stderr.contains("Settled"), "\(again.stderr)")
            let journal = try await Binary.run(["query", "SELECT run_id, item_id, field, state, reason, before_value, after_value FROM push_journal_entries", "--db", servers.db, "--format", "csv"]).stdout
            #expect(try await servers.value("SELECT count(*) FROM changes WHERE status = 'pushed' AND target = 'hardcover'") == String(accepted),
                    "\(again.stderr) \(journal)")
            #expect(try await sent() == 0)
            // One user book per book, one read each: nothing of the killed request was sent again.
            let library = await state.library()
            #expect(Set(library.map(\.bookId)).count == library.count)
            #expect(library.allSatisfy { $0.reads.count <= 1 }, "\(library.filter { $0.reads.count > 1 }.map(\.bookId))")
            // And the next round proposes nothing.
            let sync = try await Binary.run(["sync", "--db", servers.db] + HardcoverCommandTests.fast, environment: env)
            #expect(sync.status == 0, "\(sync.stderr)")
            let rediff = try await Binary.run(["diff", "--target", "hardcover", "--tz", "UTC", "--format", "csv", "--db", servers.db], environment: env)
            #expect(rediff.stdout.split(whereSeparator: \.isNewline).count == 1, "\(rediff.stdout)")
        }
    }
}
