#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// `scan` with no path reads what the server lists, and the server may be wrong or hostile: it
/// reads only regular audio files inside the library folders (the local sides of the path maps,
/// or the library folders the server reported), judged after `..` and symbolic links are
/// resolved; everything else is skipped, counted by reason, and never opened.
struct ItemFilesConfinementTests {
    /// A temporary folder holding the library `lib` (where the path map leads), a sibling `lib2`
    /// whose name starts with the library's, and `outside`, with a good audio file in each.
    struct Place {
        let folder: TemporaryFolder
        var lib: String { folder.file("lib") }
        var lib2: String { folder.file("lib2") }
        var outside: String { folder.file("outside") }
        var map: PathMap { PathMap(server: "/audiobooks", local: lib) }

        init() throws {
            folder = try TemporaryFolder()
            try audio(at: lib + "/Good/good.mp3")
            try audio(at: lib2 + "/x.mp3")
            try audio(at: outside + "/secret.mp3")
        }

        /// A copy of a tagged MP3 at `path`, with the folders on the way.
        func audio(at path: String) throws {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Fixtures.audio.appendingPathComponent("tagged.mp3"), to: URL(fileURLWithPath: path))
        }
    }

    /// What a scan with no path did, and the paths the mirror's `file_tags` holds after it.
    struct Outcome {
        var summary: ItemFilesScanSummary
        var stored: Set<String>
        var scan: ScanSummary { summary.scan! }
    }

    /// Serves a library (its folder `libraryFolder`) with one book per server path, whose one
    /// audio file the server says is there; syncs it into a new mirror and scans with no path.
    func scanItems(_ place: Place, serverPaths: [String], libraryFolder: String = "/audiobooks",
                   pathMaps: [PathMap]? = nil) async throws -> Outcome {
        let state = try await FakeABSState.oneBookPerPath(serverPaths, seed: 31, libraryFolder: libraryFolder)
        let server = try await FakeABSServer.start(state: state)
        let mirror = try Mirror.openForWriting(path: place.folder.file("mirror.sqlite"))
        do {
            let client = ABSClient(connection: try ABSConnection(url: server.baseURL.absoluteString, token: FakeABSState.adminToken),
                                   httpClient: .mirror)
            _ = try await ABSSync.run(mirror: mirror, client: client)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        let summary = try ScanWorkflow.runForItems(mirror: mirror, pathMaps: pathMaps ?? [place.map], options: ScanOptions(jobs: 2))
        var stored = Set<String>()
        try mirror.query("SELECT path FROM file_tags", timeout: 10, columns: { _ in }) { row in
            if case .text(let path) = row[0] { stored.insert(path) }
        }
        return Outcome(summary: summary, stored: stored)
    }

    @Test func pathsOutsideTheMappedFolderAreNeitherOpenedNorWalked() async throws {
        let place = try Place()
        let outcome = try await scanItems(place, serverPaths: ["/audiobooks/Good/good.mp3", "/etc/passwd", "/usr/share/doc"])
        #expect(outcome.stored == [place.lib + "/Good/good.mp3"])
        #expect(outcome.scan.roots == [place.lib + "/Good/good.mp3"])
        #expect(outcome.scan.counts.seen == 1)
        #expect(outcome.summary.skipped[.outsideRoots] == 2 && outcome.summary.skipped.total == 2)
        #expect(outcome.summary.skipped.examples.map(\.serverPath) == ["/etc/passwd", "/usr/share/doc"]
            || outcome.summary.skipped.examples.map(\.serverPath) == ["/usr/share/doc", "/etc/passwd"])
    }

    @Test func aDotDotOutOfTheMappedFolderIsSkipped() async throws {
        let place = try Place()
        let outcome = try await scanItems(place, serverPaths: ["/audiobooks/Good/good.mp3", "/audiobooks/../outside/secret.mp3"])
        #expect(outcome.stored == [place.lib + "/Good/good.mp3"])
        #expect(outcome.scan.counts.seen == 1)
        #expect(outcome.summary.skipped[.outsideRoots] == 1 && outcome.summary.skipped.total == 1)
        #expect(outcome.summary.skipped.examples.first?.localPath == place.outside + "/secret.mp3")
    }

    @Test func aSymbolicLinkInsideLeadingOutIsSkipped() async throws {
        let place = try Place()
        try FileManager.default.createSymbolicLink(atPath: place.lib + "/Link.mp3", withDestinationPath: place.outside + "/secret.mp3")
        let outcome = try await scanItems(place, serverPaths: ["/audiobooks/Good/good.mp3", "/audiobooks/Link.mp3"])
        #expect(outcome.stored == [place.lib + "/Good/good.mp3"])
        #expect(outcome.scan.counts.seen == 1)
        #expect(outcome.summary.skipped[.outsideRoots] == 1 && outcome.summary.skipped.total == 1)
    }

    @Test func aSiblingFolderWhoseNameStartsLikeTheLibrarysIsOutside() async throws {
        let place = try Place()
        let outcome = try await scanItems(place, serverPaths: ["/audiobooks/Good/good.mp3", "/audiobooks/../lib2/x.mp3"])
        #expect(outcome.stored == [place.lib + "/Good/good.mp3"])
        #expect(outcome.scan.counts.seen == 1)
        #expect(outcome.summary.skipped[.outsideRoots] == 1 && outcome.summary.skipped.total == 1)
    }

    /// Opening a named pipe would wait for a writer for ever: it must be refused from `stat` alone.
    @Test func aNamedPipeWithAnAudioNameIsNeverOpened() async throws {
        let place = try Place()
        #expect(mkfifo(place.lib + "/pipe.mp3", 0o644) == 0)
        let outcome = try await scanItems(place, serverPaths: ["/audiobooks/Good/good.mp3", "/audiobooks/pipe.mp3"])
        #expect(outcome.stored == [place.lib + "/Good/good.mp3"])
        #expect(outcome.scan.walkProblems.isEmpty)
        #expect(outcome.summary.skipped[.notRegularFile] == 1 && outcome.summary.skipped.total == 1)
    }

    @Test func aFolderWithAnAudioNameIsNotWalked() async throws {
        let place = try Place()
        try place.audio(at: place.lib + "/Extra.mp3/inner.mp3")
        let outcome = try await scanItems(place, serverPaths: ["/audiobooks/Good/good.mp3", "/audiobooks/Extra.mp3"])
        #expect(outcome.stored == [place.lib + "/Good/good.mp3"])
        #expect(outcome.scan.counts.seen == 1)
        #expect(outcome.summary.skipped[.notRegularFile] == 1 && outcome.summary.skipped.total == 1)
    }

    @Test func aFileThatIsNotAudioIsNotOpened() async throws {
        let place = try Place()
        try "not audio".write(toFile: place.lib + "/notes.txt", atomically: true, encoding: .utf8)
        let outcome = try await scanItems(place, serverPaths: ["/audiobooks/Good/good.mp3", "/audiobooks/notes.txt"])
        #expect(outcome.stored == [place.lib + "/Good/good.mp3"])
        #expect(outcome.scan.counts.seen == 1)
        #expect(outcome.summary.skipped[.notAudio] == 1 && outcome.summary.skipped.total == 1)
    }

    @Test func withoutAPathMapTheLibraryFoldersTheServerReportedAreTheLimit() async throws {
        let place = try Place()
        let outcome = try await scanItems(place, serverPaths: [place.lib + "/Good/good.mp3", "/etc/passwd", place.outside + "/secret.mp3"],
                                          libraryFolder: place.lib, pathMaps: [])
        #expect(outcome.stored == [place.lib + "/Good/good.mp3"])
        #expect(outcome.scan.counts.seen == 1)
        #expect(outcome.summary.skipped[.outsideRoots] == 2 && outcome.summary.skipped.total == 2)
        #expect(outcome.summary.roots == [place.lib])
    }

    /// A link from one book's folder to a file of another stays inside: the file is read, under
    /// its own name.
    @Test func aSymbolicLinkThatStaysInsideIsReadWhereItLeads() async throws {
        let place = try Place()
        try FileManager.default.createSymbolicLink(atPath: place.lib + "/Link.mp3", withDestinationPath: "Good/good.mp3")
        let outcome = try await scanItems(place, serverPaths: ["/audiobooks/Link.mp3"])
        #expect(outcome.stored == [place.lib + "/Good/good.mp3"])
        #expect(outcome.summary.skipped.total == 0)
    }

    @Test func whenTheServerListsNothingReadableTheScanFailsSayingWhy() async throws {
        let place = try Place()
        await #expect {
            _ = try await scanItems(place, serverPaths: ["/etc/passwd", "/audiobooks/../outside/secret.mp3"])
        } throws: { error in
            guard let error = error as? WorkflowError else { return false }
            return error.kind == .noInput && error.summary.contains("2 outside the library folders")
                && (error.hint?.contains("/etc/passwd") == true || error.hint?.contains("/outside/secret.mp3") == true)
                && error.hint?.contains(place.lib) == true
        }
    }
}
