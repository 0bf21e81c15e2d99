import Foundation
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// Hardcover answering badly in the middle of a sync: a clear error of the right kind, what was
/// stored kept, and the next sync finishing the job.
struct HardcoverFaultTests {
    typealias Setup = HardcoverSyncTests.Setup

    @Test(arguments: [
        (FakeHardcoverFault.malformedJSON, FailureKind.badData, "cannot use"),
        (.emptyBody, .badData, "the body is empty"),
        (.status(408), .unavailable, "gave up on the query"),
        (.status(502, html: true), .configuration, "HTML page"),
    ])
    func aBadAnswerStopsTheSyncWithAClearErrorAndTheNextOneFinishes(_ fault: FakeHardcoverFault, _ kind: FailureKind, _ text: String) async throws {
        try await Setup.with(items: 30, seed: 61) { setup in
            // Let a few requests through, then the fault (enough times to outlast the retries).
            var client = try setup.client()
            _ = try await HardcoverSync.run(mirror: setup.mirror, client: client, options: HardcoverSyncOptions())
            try setup.mirror.startLookups(setup.derived.truth.keys.sorted().map { ($0, "changed", .identifiers) }, runId: 1)
            await setup.hardcover.inject(fault, times: 8)
            client = try setup.client()
            await #expect { try await HardcoverSync.run(mirror: setup.mirror, client: client) } throws: { error in
                guard let e = error as? RemoteError else { return false }
                return e.kind == kind && e.summary.contains(text) && e.hint != nil
            }
            #expect(try setup.rows("SELECT status FROM sync_runs WHERE source = 'hardcover' ORDER BY id DESC LIMIT 1").first?["status"] == "failed")
            await setup.hardcover.clearFaults()
            let again = try await HardcoverSync.run(mirror: setup.mirror, client: try setup.client())
            #expect(again.pending == 0)
        }
    }

    @Test func aDroppedConnectionIsRetriedAndTheSyncCompletes() async throws {
        try await Setup.with(items: 20, seed: 62) { setup in
            await setup.hardcover.inject(.connectionReset, times: 2)
            let summary = try await setup.sync()
            #expect(summary.pending == 0)
            let log = await setup.hardcover.requests()
            #expect(log.filter { $0.fault == .connectionReset }.count == 2)
            #expect(summary.httpRequests == log.count, "each dropped request was sent again")
        }
    }
}
