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
    static let steps = ["[1/14] sync", "[2/14] scan", "[3/14] match", "[4/14] diff", "[5/14] accept", "[6/14] push", "[7/14] check",
                        "[8/14] undo", "[9/14] hardcover diff", "[10/14] hardcover push", "[11/14] hardcover check", "[12/14] again",
                        "[13/14] gaps", "[14/14] hardcover undo"]

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

        // The other direction: listening state to Hardcover, checked by the demo on the sample Hardcover.
        try Self.expectListening(out)

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
        #expect(try await value("SELECT count(*) FROM push_runs") == "4", "each push and its undo")
        #expect(try await value("SELECT group_concat(kind || ':' || target, ' ') FROM (SELECT kind, target FROM push_runs ORDER BY id)")
                == "push:abs undo:abs push:hardcover undo:hardcover")
        #expect(try await value("SELECT count(*) FROM progress") == "\(Self.sample.listening.count)")
        #expect(try await value("SELECT count(*) FROM hardcover_gaps WHERE reason = 'no_audiobook_edition'") == "1")
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

    /// What the demo's listening part prints: each line states a check the demo made on the sample
    /// Hardcover (a check that fails stops the demo with exit 1).
    static func expectListening(_ out: String) throws {
        let lib = sample
        func title(_ kind: DemoListeningKind) throws -> String {
            let listened = try #require(lib.listening(of: kind).first)
            return try #require(lib.item(id: listened.itemId)?.title)
        }
        let listened = lib.listening.count
        #expect(out.contains("and \(listened) books listened to: 3 finished, 2 in progress"))
        #expect(out.contains("\(lib.hardcoverLibrary.count) of the books in its reader's library"))
        #expect(out.contains("\(listened) books with progress in AudiobookShelf, \(lib.hardcoverLibrary.count) of them in the Hardcover library"))
        // What diff proposes: a read with AudiobookShelf's finish day, on the audiobook edition.
        let finished = try #require(lib.listening(of: .finished).first)
        let finishDay = day(try #require(finished.progress.finishedAt))
        #expect(out.contains("“\(try title(.finished))” (finished): Read; new read: ") && out.contains("finished \(finishDay), "))
        #expect(out.contains("the finish date is AudiobookShelf's finishedAt, \(finishDay) "))
        #expect(out.contains("“\(try title(.relisten))” (re-listen): Read → Currently Reading; new read: "))
        // Kept: the DNF and the book further on Hardcover.
        #expect(out.contains("“\(try title(.didNotFinishOnHardcover))”: Did Not Finish on Hardcover"))
        #expect(out.contains("“\(try title(.aheadOnHardcover))”: ") && out.contains("never moved backwards"))
        // The push, and what the sample Hardcover holds after it.
        #expect(out.contains("Preview (push --dry-run --target hardcover): ") && out.contains("mutation "))
        let part = try #require(out.range(of: "[10/14]")).upperBound
        let accepted = try #require(number(after: "Accepted ", in: String(out[part...])))
        let books = lib.listening.filter { [.finished, .inProgress, .relisten].contains($0.kind) }.count
        #expect(out.contains("Pushed \(accepted) changes of \(books) books in ") && out.contains("0 conflicts, 0 failed"))
        let days = lib.listening(of: .finished).compactMap(\.progress.finishedAt).map(day)
        #expect(out.contains("3 finished: Read, one read each on the audiobook edition, finished on AudiobookShelf's day ("
            + days.joined(separator: ", ") + ")"), "a read was pushed with the ABS finish date")
        #expect(out.contains("Untouched: “\(try title(.didNotFinishOnHardcover))” still Did Not Finish"), "the DNF book is untouched")
        let earlier = try #require(lib.listening(of: .relisten).first?.userBook?.reads.first?.finishedAt)
        #expect(out.contains("The re-listen “\(try title(.relisten))”: its read finished \(earlier) and one new read"),
                "the re-listen got exactly one new read")
        // Again: nothing new.
        #expect(out.contains("Diff: 0 new proposals, 0 open"), "the second diff proposes nothing")
        // gaps: the book without an audiobook edition, with its next step.
        let missing = try title(.noAudiobookEdition)
        #expect(out.contains("“\(missing)” — its match needs review: check it with shelfmirror explain "))
        #expect(out.contains("now “\(missing)” — no audiobook edition on Hardcover: add its audiobook edition to Hardcover book "))
        // The undo.
        #expect(out.contains("Reverted \(accepted) changes of \(books) books"))
        #expect(out.contains("Check: the sample Hardcover library is as it was: \(lib.hardcoverLibrary.count) books"))
    }

    /// "YYYY-MM-DD" (UTC) of a time in ms.
    static func day(_ ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000).formatted(Date.ISO8601FormatStyle().year().month().day())
    }

    /// The integer right after `prefix` in `text`.
    static func number(after prefix: String, in text: String) -> Int? {
        guard let range = text.range(of: prefix) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}
