import Foundation
import MirrorCore
import MirrorFakes
import MirrorWorkflows
import TestSupport
import Testing

/// The demo's other direction, driven through `DemoPipeline` as `demo` drives it, against the
/// sample servers over loopback: what reaches the sample Hardcover, what is kept, that a second
/// sync and diff propose nothing, what `gaps` lists, and the undo.
struct DemoPipelineListeningTests {
    static let utc = TimeZone(identifier: "UTC")!

    @Test func theListeningStateGoesToHardcoverOnceAndTheRestIsKeptOrListed() async throws {
        let folder = try TemporaryFolder()
        let library = DemoLibrary(folder: folder.file("library"))
        let hardcover = await library.makeHardcoverState()
        try await withFakeABS(library.makeState()) { absServer in
            try await withFakeHardcover(hardcover) { hardcoverServer in
                let pipeline = try DemoPipeline(mirrorPath: folder.file("mirror.sqlite"), absURL: absServer.baseURL.absoluteString,
                                                absToken: FakeABSState.adminToken, hardcoverURL: hardcoverServer.graphqlURL.absoluteString,
                                                hardcoverToken: FakeHardcoverState.validToken)
                _ = try await pipeline.sync()
                _ = try pipeline.match(formatsOf: [])
                let diff = try pipeline.listeningDiff(timeZone: Self.utc)
                let rows = diff.rows
                #expect(rows.allSatisfy { $0.target == .hardcover })
                let proposed = Set(rows.map(\.itemId))
                let pushable: [DemoListeningKind] = [.finished, .inProgress, .relisten]
                #expect(proposed == Set(library.listening.filter { pushable.contains($0.kind) }.map(\.itemId)),
                        "the DNF, the book ahead on Hardcover and the book without an audiobook edition propose nothing")

                let accepted = try pipeline.acceptListening()
                #expect(accepted.decided == rows.count)
                let before = await hardcover.library(of: .reader)
                let push = try await pipeline.pushListening(dryRun: false)
                #expect(push.pushed == rows.count && push.conflicts == 0 && push.failed == 0, "\(push.problems)")
                let after = await hardcover.library(of: .reader)
                func book(_ listened: DemoListening, in books: [FakeHardcoverUserBook]) -> FakeHardcoverUserBook? {
                    books.first { $0.bookId == library.truth[listened.itemId]?.bookId }
                }

                // A finished book: Read, one read on its audiobook edition, finished on ABS's day.
                for listened in library.listening(of: .finished) {
                    let b = try #require(book(listened, in: after))
                    let audio = library.truth[listened.itemId]?.editionId
                    let finishedAt = try #require(listened.progress.finishedAt)
                    #expect(b.status == .read && b.editionId == audio && b.reads.count == 1)
                    #expect(b.reads.first?.editionId == audio)
                    #expect(b.reads.first?.finishedAt == Self.day(finishedAt), "AudiobookShelf's finish day, not today")
                }
                // The DNF and the book ahead: untouched, to the last field.
                for listened in library.listening(of: .didNotFinishOnHardcover) + library.listening(of: .aheadOnHardcover) {
                    let b = try #require(book(listened, in: after))
                    #expect(b == book(listened, in: before), "\(listened.kind.rawValue): untouched")
                }
                #expect(book(library.listening(of: .didNotFinishOnHardcover)[0], in: after)?.status == .didNotFinish)
                // The re-listen: exactly one new read beside the earlier one.
                let relisten = try #require(library.listening(of: .relisten).first)
                let was = try #require(book(relisten, in: before))
                let now = try #require(book(relisten, in: after))
                #expect(now.reads.count == was.reads.count + 1 && now.reads.first == was.reads.first)
                #expect(now.reads.last?.finishedAt == nil && now.reads.last?.progressSeconds == Int(relisten.progress.currentTime))
                #expect(now.status == .currentlyReading)
                // No audiobook edition: nothing on Hardcover.
                let missing = try #require(library.listening(of: .noAudiobookEdition).first)
                #expect(book(missing, in: after) == nil)

                // Idempotent: a sync and a diff propose nothing.
                _ = try await pipeline.sync()
                let again = try pipeline.listeningDiff(timeZone: Self.utc)
                #expect(again.listening?.new == 0 && again.rows.isEmpty, "\(again.rows.map { "\($0.itemId) \($0.field)" })")

                // gaps: the book Hardcover has no audiobook edition of; its match needs review first.
                let gaps = try pipeline.gaps()
                #expect(gaps.map(\.itemId) == [missing.itemId])
                let gap = try #require(gaps.first)
                #expect(gap.reason == .needsReview)
                #expect(try pipeline.link(itemId: missing.itemId, bookId: try #require(gap.bookId)))
                let linked = try pipeline.gaps()
                #expect(linked.map(\.reason) == [.noAudiobookEdition])
                #expect(linked.first?.nextStep.contains("add its audiobook edition") == true)
                #expect(try pipeline.listeningDiff(timeZone: Self.utc).rows.isEmpty, "never pushed against a print edition")

                // The undo: the library as it was.
                let undo = try await pipeline.undoListening(runId: push.runId)
                #expect(undo.conflicts == 0 && undo.failed == 0, "\(undo.problems)")
                let restored = await hardcover.library(of: .reader)
                #expect(Self.content(restored) == Self.content(before))
            }
        }
    }

    static func day(_ ms: Int64) -> String {
        HardcoverDate(Date(timeIntervalSince1970: Double(ms) / 1000), in: utc).description
    }

    /// The books' state without ids and stamps.
    static func content(_ books: [FakeHardcoverUserBook]) -> [String] {
        books.map { b in
            "\(b.bookId) \(b.status) \(b.editionId ?? 0) "
                + b.reads.map { "\($0.editionId ?? 0) \($0.startedAt ?? "") \($0.finishedAt ?? "") \($0.progressSeconds ?? -1)" }.joined(separator: "; ")
        }.sorted()
    }
}
