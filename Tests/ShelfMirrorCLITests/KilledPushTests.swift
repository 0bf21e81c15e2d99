import Foundation
import MirrorFakes
import MirrorStore
import TestSupport
import Testing

/// A push killed with SIGKILL — before anything was journaled, while batch/update is in flight,
/// while the result is being verified — is settled by the next push from its journal and a
/// re-read: every change ends pushed, and batch/update is sent exactly once.
struct KilledPushTests {
    enum KillPoint: String, CaseIterable, Sendable {
        case duringFirstRead, duringBatchUpdate, duringVerify
    }

    @Test(arguments: KillPoint.allCases)
    func aKilledPushIsSettledByTheNext(_ point: KillPoint) async throws {
        try await HardcoverCommandTests.Servers.with(items: 30) { servers in
            let env = try await servers.readyToPush()
            let accepted = Int(try await servers.value("SELECT count(*) FROM changes WHERE status = 'accepted'")) ?? 0
            try #require(accepted > 0)

            let abs = servers.absState
            await abs.resetRequestLog()
            // The held request is the window for the kill; on a busy 2-core machine each await of the
            // polling loop below can take a second or more.
            switch point {
            case .duringFirstRead: await abs.inject(.latency(milliseconds: 10_000), on: .batchGet, times: 1)
            case .duringBatchUpdate: await abs.inject(.latency(milliseconds: 5000), on: .batchUpdate, times: 1)
            case .duringVerify:
                await abs.inject(.latency(milliseconds: 10), on: .batchGet, times: 1)
                await abs.inject(.latency(milliseconds: 10_000), on: .batchGet, times: 1)
            }
            let (process, _, _) = try Binary.start(["push", "--db", servers.db], environment: env)
            let deadline = Date().addingTimeInterval(30)
            func journaled() async throws -> Int { Int(try await servers.value("SELECT count(*) FROM push_journal_entries")) ?? 0 }
            func updates() async -> Int { await abs.requests().filter { $0.route == .batchUpdate && $0.status == 200 }.count }
            while process.isRunning, Date() < deadline {
                let ready: Bool = switch point {
                case .duringFirstRead: await abs.heldRequests().contains(.batchGet)
                case .duringBatchUpdate: try await journaled() > 0
                case .duringVerify: await updates() == 1
                }
                if ready { break }
                try await Task.sleep(for: .milliseconds(5))
            }
            try #require(process.isRunning, "the push ended before it could be killed")
            kill(process.processIdentifier, SIGKILL)
            await process.exit()
            // A request the server had already received is still applied: wait for it, as a real server would finish it.
            if point == .duringBatchUpdate {
                while await updates() == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            }
            await abs.clearFaults()

            let again = try await Binary.run(["push", "--db", servers.db], environment: env)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try await servers.value("SELECT count(*) FROM changes WHERE status = 'pushed'") == String(accepted), "\(again.stderr)")
            #expect(await updates() == 1, "batch/update sent exactly once over both runs")
            #expect(try await servers.value("SELECT count(*) FROM push_journal_entries WHERE state IN ('planned', 'sent')") == "0")
            #expect(try await servers.value("SELECT count(*) FROM push_runs WHERE status = 'running or interrupted'") == "0")
        }
    }
}
