import Foundation
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// Sync a library, put its files on disk under another root, scan with --path-map: every file
/// is read and linked to its item.
struct ItemFilesScanTests {
    @Test func filesAreFoundThroughThePathMapAndLinked() async throws {
        let state = FakeABSState.generated(items: 40, seed: 11)
        try await withFakeABS(state) { server in
            let folder = try TemporaryFolder()
            let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
            var policy = RetryPolicy()
            policy.sleep = { _ in }
            let client = ABSClient(connection: try ABSConnection(url: server.baseURL.absoluteString, token: FakeABSState.adminToken),
                                   httpClient: .mirror, policy: policy)
            let summary = try await ABSSync.run(mirror: mirror, client: client)
            let library = try #require(summary.libraryIds.first)
            let books = await state.allItems().filter { $0.libraryId == library }

            // The server keeps files under /audiobooks; here they are under <tmp>/nas. Leave one
            // book's files out to see it reported as unreachable, not as broken files.
            let local = folder.url.appendingPathComponent("nas")
            var expected: [String: String] = [:]
            let missing = books[3]
            for book in books where book.id != missing.id {
                for file in book.audioFiles {
                    let path = local.path + file.path.dropFirst("/audiobooks".count)
                    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try FileManager.default.copyItem(at: Fixtures.audio.appendingPathComponent(file.path.hasSuffix(".m4b") ? "tagged.m4b" : "tagged.mp3"),
                                                     to: URL(fileURLWithPath: path))
                    expected[path] = book.id
                }
            }

            let result = try ScanWorkflow.runForItems(mirror: mirror, pathMaps: [PathMap(server: "/audiobooks", local: local.path)])
            #expect(result.files == expected.count + missing.audioFiles.count)
            #expect(result.unreachable == missing.audioFiles.count)
            #expect(result.itemsUnreachable == 1)
            #expect(result.example?.server == missing.audioFiles.first?.path)
            #expect(result.scan?.counts.new == expected.count)
            #expect(result.scan?.counts.errors == 0)
        #expect(result.skipped.total == 0, "every file inside the mapped folder is read")
        #expect(result.roots == [local.path])

            var linked: [String: String] = [:]
            try mirror.query("SELECT path, item_id FROM file_tags", timeout: 5, columns: { _ in }) { row in
                if case .text(let path) = row[0], case .text(let item) = row[1] { linked[path] = item }
            }
            #expect(linked == expected)
        }
    }

    @Test func withoutAMapNothingIsReachableAndTheHintSaysSo() async throws {
        let state = FakeABSState.generated(items: 5, seed: 12)
        try await withFakeABS(state) { server in
            let folder = try TemporaryFolder()
            let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
            let client = ABSClient(connection: try ABSConnection(url: server.baseURL.absoluteString, token: FakeABSState.adminToken), httpClient: .mirror)
            _ = try await ABSSync.run(mirror: mirror, client: client)
            do {
                _ = try ScanWorkflow.runForItems(mirror: mirror, pathMaps: [])
                Issue.record("scanned")
            } catch let error as WorkflowError {
                #expect(error.kind == .noInput)
                #expect(error.hint?.contains("--path-map /audiobooks=") == true)
            }
        }
    }

    @Test func pathMapsMatchWholeFolders() {
        let map = PathMap(server: "/audiobooks/", local: "/mnt/nas/")
        #expect(map.local(for: "/audiobooks/A/b.mp3") == "/mnt/nas/A/b.mp3")
        #expect(map.local(for: "/audiobooks") == "/mnt/nas")
        #expect(map.local(for: "/audiobooks2/A/b.mp3") == nil)
        #expect(PathMap("/audiobooks=/mnt/nas") == PathMap(server: "/audiobooks", local: "/mnt/nas"))
        #expect(PathMap("nonsense") == nil)
        #expect(PathMap("=/mnt") == nil)
    }
}
