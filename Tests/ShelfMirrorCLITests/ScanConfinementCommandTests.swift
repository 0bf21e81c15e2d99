import Foundation
import MirrorFakes
import TestSupport
import Testing

/// `scan` with no path, as a user runs it against a server that lists files it should not: the
/// good file is read, the others are counted on one line with a few examples, escaped.
struct ScanConfinementCommandTests {
    @Test func filesTheServerListedOutsideTheLibraryAreSkippedAndSaidSoOnOneLine() async throws {
        let folder = try TemporaryFolder()
        let lib = folder.file("lib"), outside = folder.file("outside")
        let hostileName = "e\u{1B}[2Jvil.mp3"
        for path in [lib + "/Good/good.mp3", outside + "/" + hostileName] {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Fixtures.audio.appendingPathComponent("tagged.mp3"), to: URL(fileURLWithPath: path))
        }
        let state = try await FakeABSState.oneBookPerPath([
            "/audiobooks/Good/good.mp3", "/etc/passwd", "/audiobooks/../outside/" + hostileName,
        ], seed: 41)
        let db = folder.file("mirror.sqlite")
        let environment = ["XDG_CONFIG_HOME": folder.file("config"), "XDG_DATA_HOME": folder.file("data")]
        let server = try await FakeABSServer.start(state: state)
        let sync: RunResult
        do {
            sync = try await Binary.run(["sync", "--db", db, "--only", "abs"], environment: environment.merging(
                ["ABS_URL": server.baseURL.absoluteString, "ABS_TOKEN": FakeABSState.adminToken]) { $1 })
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(sync.status == 0, "\(sync.stderr)")

        let scan = try await Binary.run(["scan", "--db", db, "--path-map", "/audiobooks=" + lib], environment: environment)
        #expect(scan.status == 0, "\(scan.stderr)")
        #expect(scan.stderr.contains("Scanned 1 audio files"), "\(scan.stderr)")
        #expect(scan.stderr.contains("skipped 2 files the server listed outside the library folders"), "\(scan.stderr)")
        #expect(scan.stderr.contains("/etc/passwd"))
        #expect(scan.stderr.contains(#"e\u{1B}[2Jvil.mp3"#), "server paths are shown escaped")
        #expect(!scan.stderr.contains("\u{1B}") && !scan.stdout.contains("\u{1B}"))
    }
}
