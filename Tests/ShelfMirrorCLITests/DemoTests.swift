import Foundation
import MirrorFakes
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `shelfmirror demo` as a newcomer runs it: every step printed with its figures, the push seen
/// on the sample server and undone, nothing left behind (TMPDIR is a folder of the test's own).
struct DemoTests {
    static let sample = DemoLibrary(folder: "/sample")
    static let steps = ["[1/8] sync", "[2/8] scan", "[3/8] match", "[4/8] diff", "[5/8] accept", "[6/8] push", "[7/8] check", "[8/8] undo"]

    @Test func runsEveryStepAndLeavesNothingBehind() async throws {
        let tmp = try TemporaryFolder("shelfmirror-demo-test")
        let result = try await Binary.run(["demo"], environment: ["TMPDIR": tmp.path, "COLUMNS": "120"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let out = result.stdout
        for step in Self.steps { #expect(out.contains(step), "\(step) is printed") }
        #expect(out.contains("\(Self.sample.items.count) books, \(Self.sample.files.count) tagged MP3 files"))
        #expect(out.contains("with \(Self.sample.errors.count) mistakes to find"))

        // The figures of each step.
        let books = Self.sample.items.count, files = Self.sample.files.count, trap = Self.sample.errors(of: .printISBN).count
        #expect(out.contains("\(books) items listed, \(books) fetched"))
        #expect(out.contains("Hardcover: \(books) items looked up") && out.contains(", 0 not found;"))
        #expect(out.contains("\(files) files read") && out.contains("0 unreadable; \(files) linked to their items"))
        #expect(out.contains("\(books) items in") && out.contains("matched automatically"))
        #expect(out.contains("Of the \(trap) books whose ISBN is the print edition's, \(trap) matched the audiobook edition"))
        #expect(out.contains("proposals for") && out.contains("One of each kind of mistake:"))
        #expect(out.contains("Accepted"))
        #expect(out.contains("Preview (push --dry-run)") && out.contains("/api/items/batch/update"))
        #expect(out.contains("1 conflict, 0 failed"), "the field edited by hand on the server is a conflict, not overwritten")
        #expect(out.contains("hold their new values on the sample AudiobookShelf; the field edited by hand kept its edit"))
        #expect(out.contains("Mistakes now right:"))
        #expect(out.contains("0 conflicts, 0 failed"), "the undo")
        #expect(out.contains("hold their old values on the sample AudiobookShelf again; their proposals are pending again"))
        #expect(out.contains("On your own library:"))
        #expect(!out.contains(FakeABSState.adminToken) && !out.contains(FakeHardcoverState.validToken), "no token is printed")

        // Pushed and reverted the same fields.
        let pushed = Self.number(after: "Pushed ", in: out)
        #expect((pushed ?? 0) > 40)
        #expect(Self.number(after: "Reverted ", in: out) == pushed)
        #expect(out.contains("All \(pushed ?? -1) pushed fields hold their new values"))

        // The folder it worked in is gone, and nothing else was left in TMPDIR.
        let line = try #require(out.split(separator: "\n").first { $0.hasPrefix("Done in ") })
        let removed = try #require(line.range(of: "Removed ").map { line[$0.upperBound...] }?.split(separator: " ").first)
        let folder = String(removed.dropLast()) // the sentence's full stop
        #expect(folder.hasPrefix(tmp.path + "/shelfmirror-demo-"))
        #expect(!FileManager.default.fileExists(atPath: folder))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
    }

    @Test func keepLeavesAMirrorToLookAround() async throws {
        let folder = try TemporaryFolder()
        let kept = folder.file("demo")
        let result = try await Binary.run(["demo", "--keep", kept], environment: ["TMPDIR": folder.file("tmp-unused")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Kept \(kept): mirror.sqlite (the mirror) and library/ (the audio files)."))
        #expect(result.stdout.contains("shelfmirror --db \(kept)/mirror.sqlite diff --status all"))
        #expect(FileManager.default.fileExists(atPath: kept + "/mirror.sqlite"))
        let files = FileManager.default.enumerator(atPath: kept + "/library")?.compactMap { $0 as? String }.filter { $0.hasSuffix(".mp3") } ?? []
        #expect(files.count == Self.sample.files.count)

        func value(_ sql: String) async throws -> String {
            try await Binary.run(["query", sql, "--db", kept + "/mirror.sqlite", "--format", "csv"]).stdout
                .split(whereSeparator: \.isNewline).dropFirst().first.map(String.init) ?? ""
        }
        #expect(try await value("SELECT count(*) FROM items") == "\(Self.sample.items.count)")
        #expect(try await value("SELECT count(*) FROM file_tags WHERE error IS NULL AND item_id IS NOT NULL") == "\(Self.sample.files.count)")
        #expect(try await value("SELECT count(*) FROM push_runs") == "2", "the push and its undo")
        #expect(try await value("SELECT group_concat(kind, ' ') FROM (SELECT kind FROM push_runs ORDER BY id)") == "push undo")
        // Offline commands work on the kept mirror.
        let diff = try await Binary.run(["diff", "--db", kept + "/mirror.sqlite", "--status", "all", "--format", "csv"])
        #expect(diff.status == 0, "\(diff.stderr)")

        // A folder that is not empty is refused: nothing of the user's is overwritten.
        let again = try await Binary.run(["demo", "--keep", kept])
        #expect(again.status == 64)
        #expect(again.stderr.contains("not empty"))
    }

    @Test func aFolderItCannotMakeIsAnIOError() async throws {
        let result = try await Binary.run(["demo", "--keep", "/proc/shelfmirror-demo"])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("cannot create the demo's folder /proc/shelfmirror-demo"))
    }

    /// One Ctrl-C cancels the demo, which then removes its folder; a second one removes it at
    /// once, while the demo may still be writing into it.
    @Test(arguments: [1, 2]) func ctrlCRemovesTheFolder(presses: Int) async throws {
        let tmp = try TemporaryFolder("shelfmirror-demo-int")
        let (child, out, err) = try Binary.start(["demo"], environment: ["TMPDIR": tmp.path])
        // Wait until the demo has made its folder, then interrupt it.
        _ = await child.signal(SIGINT, times: presses, within: 20) {
            !((try? FileManager.default.contentsOfDirectory(atPath: tmp.path))?.isEmpty ?? true)
        }
        let stderr = await Binary.finish(child, out, err).stderr
        // Interrupted (130), or, on a very fast machine, already done (0); either way nothing is left.
        #expect(child.terminationStatus == 130 || child.terminationStatus == 0, "\(child.terminationStatus): \(stderr)")
        if child.terminationStatus == 130 { #expect(stderr.contains("Interrupted; removed \(tmp.path)/shelfmirror-demo-")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
    }

    /// The integer right after `prefix` in `text`.
    static func number(after prefix: String, in text: String) -> Int? {
        guard let range = text.range(of: prefix) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}
