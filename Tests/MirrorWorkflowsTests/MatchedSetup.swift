import Foundation
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport

/// A mirror synced from both fakes and matched, for the tests of diff, review and push.
extension HardcoverSyncTests.Setup {
    /// Runs `body` with a setup synced and matched, with the narrators and publisher of `blank`
    /// identifier-findable items emptied in AudiobookShelf first (so that fills exist), and
    /// those items' ids; the servers are stopped after.
    static func withMatched<T>(items: Int, seed: UInt64, blank: Int, _ body: (Self, [String]) async throws -> T) async throws -> T {
        try await with(items: items, seed: seed) { setup in
            let ids = Array(setup.derived.truth.filter { $0.value.findableBy == .identifier }.keys.sorted().prefix(blank))
            for id in ids {
                await setup.abs.update(itemId: id) {
                    $0.narrators = []
                    $0.publisher = nil
                }
            }
            try await setup.resyncABS()
            _ = try await setup.sync()
            _ = try MatchWorkflow.run(mirror: setup.mirror)
            return try await body(setup, ids)
        }
    }

    /// A client of the fake AudiobookShelf that never sleeps between retries.
    func absClient(token: String = FakeABSState.adminToken, timeout: Duration = TestLimits.request) throws -> ABSClient {
        var policy = RetryPolicy()
        policy.sleep = { _ in }
        policy.random = { 0.5 }
        policy.timeout = timeout
        return ABSClient(connection: try ABSConnection(url: absServer.baseURL.absoluteString, token: token, tokenSource: "ABS_TOKEN"),
                         httpClient: .mirror, policy: policy)
    }

    /// An AudiobookShelf sync into the setup's mirror.
    func resyncABS() async throws {
        _ = try await ABSSync.run(mirror: mirror, client: absClient())
    }
}
