import Foundation
import MirrorFakes
import TestSupport
import Testing

/// `sync` says whose listening state it mirrored, and how much of it.
struct SyncProgressCommandTests {
    @Test func syncsLineNamesTheListenerAndCountsTheirBooks() async throws {
        let state = FakeABSState.generated(items: 120, seed: 5)
        try await withFakeABS(state) { server in
            let folder = try TemporaryFolder()
            let env = ["ABS_URL": server.baseURL.absoluteString, "ABS_TOKEN": FakeABSState.adminToken]
            let progress = await state.progress(userId: FakeABSState.adminUserId)
            try #require(!progress.isEmpty)
            let run = try await Binary.run(["sync", "--only", "abs", "--db", folder.file("mirror.sqlite")], environment: env)
            #expect(run.status == 0, "\(run.stderr)")
            let finished = progress.filter(\.isFinished).count
            #expect(run.stderr.contains("listening state of root: \(progress.count) books (\(finished) finished);"), "\(run.stderr)")
            #expect(!run.stderr.contains("unreadable"))
        }
    }
}
