import Foundation
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// Push and undo compare what the server really holds with what it held when the proposal was
/// made (or when the push was verified): a value that only normalises to the base is a conflict,
/// never overwritten. Undo restores everything, an empty author list too, and says so.
struct PushRawValueTests {
    typealias Setup = HardcoverSyncTests.Setup

    /// Runs `body` on a matched setup with every replace-policy proposal accepted, and stops the
    /// servers afterwards, also when `body` throws.
    private func withAccepted(blank: Int = 4, prepare: (Setup, [String]) async throws -> Void = { _, _ in },
                              _ body: (Setup, [ChangeRow]) async throws -> Void) async throws {
        try await Setup.withMatched(items: 24, seed: 51, blank: blank) { setup, blanked in
            try await prepare(setup, blanked)
            var policy = DiffPolicy()
            policy.defaultPolicy = .replace
            _ = try DiffWorkflow.refresh(mirror: setup.mirror, policy: policy)
            let rows = try setup.mirror.changeRows()
            _ = try setup.mirror.decide(changeIds: rows.map(\.id), status: .accepted)
            try await body(setup, rows)
        }
    }

    private func metadata(_ setup: Setup, _ itemId: String) async throws -> ItemMetadata? {
        try await setup.absClient().batchGet(ids: [itemId]).first?.metadata
    }

    @Test func aServerValueThatOnlyNormalisesToTheBaseIsAConflictNotAnOverwrite() async throws {
        try await withAccepted { setup, rows in
            // A title written differently (spacing), and a year given as text around the same
            // year: `diff` would call both noise, but they are the user's edits.
            let title = try #require(rows.first { $0.field == .title && ($0.current ?? "").contains(" ") })
            let base = try #require(FieldValue(json: title.current, field: .title)?.display)
            let respaced = base.replacingOccurrences(of: " ", with: "  ")
            await setup.abs.update(itemId: title.itemId) { $0.title = respaced }
            let year = rows.first { $0.field == .publishedYear && $0.current != nil && $0.itemId != title.itemId }
            let yearBase = year.flatMap { FieldValue(json: $0.current, field: .publishedYear)?.display }
            if let year, let yearBase { await setup.abs.update(itemId: year.itemId) { $0.publishedYear = "c. \(yearBase)" } }

            let summary = try await PushWorkflow.run(mirror: setup.mirror, client: setup.absClient())
            #expect(summary.problems.contains { $0.field == "title" && $0.reason.contains("written differently") })
            #expect(try await metadata(setup, title.itemId)?.title == respaced, "the server's own spelling is kept")
            #expect(try setup.mirror.changeRow(id: title.id)?.status == .conflict)
            if let year, let yearBase {
                #expect(try await metadata(setup, year.itemId)?.publishedYear == "c. \(yearBase)")
                #expect(try setup.mirror.changeRow(id: year.id)?.status == .conflict)
            }
            #expect(summary.pushed == rows.count - summary.conflicts)
        }
    }

    @Test func aYearTypedAsTextWhereTheFieldWasEmptyIsAConflict() async throws {
        try await withAccepted(prepare: { setup, blanked in
            // The year emptied before the proposals, so they fill it.
            for id in blanked { await setup.abs.update(itemId: id) { $0.publishedYear = nil } }
            try await setup.resyncABS()
        }) { setup, rows in
            let fill = try #require(rows.first { $0.field == .publishedYear && $0.current == nil })
            await setup.abs.update(itemId: fill.itemId) { $0.publishedYear = "unknown year" }
            let summary = try await PushWorkflow.run(mirror: setup.mirror, client: setup.absClient())
            #expect(summary.problems.contains { $0.field == "published_year" && $0.reason.contains("“unknown year”") })
            #expect(try await metadata(setup, fill.itemId)?.publishedYear == "unknown year")
        }
    }

    @Test func undoDoesNotRevertAFieldTheServerHoldsInAnotherFormSinceThePush() async throws {
        try await withAccepted { setup, rows in
            let pushed = try await PushWorkflow.run(mirror: setup.mirror, client: setup.absClient())
            #expect(pushed.conflicts == 0)
            // After the push, someone sets the language code for the name the push wrote.
            let language = rows.first { $0.field == .language }
            // And the publisher the push wrote is respaced: the same to `diff`, not to the user.
            let publisher = try #require(rows.first {
                $0.field == .publisher && $0.itemId != language?.itemId && $0.proposed.contains(" ")
            })
            let written = try #require(FieldValue(json: publisher.proposed, field: .publisher)?.display)
            await setup.abs.update(itemId: publisher.itemId) { $0.publisher = written.replacingOccurrences(of: " ", with: "  ") }
            if let language { await setup.abs.update(itemId: language.itemId) { $0.language = "eng" } }
            let edited = try await metadata(setup, publisher.itemId)?.publisher

            let undo = try await UndoWorkflow.run(mirror: setup.mirror, client: setup.absClient(), runId: nil)
            #expect(undo.problems.contains { $0.field == "publisher" })
            #expect(try await metadata(setup, publisher.itemId)?.publisher == edited, "the later edit is kept")
            if let language {
                #expect(undo.problems.contains { $0.field == "language" })
                #expect(try await metadata(setup, language.itemId)?.language == "eng")
            }
            #expect(undo.pushed == pushed.pushed - undo.conflicts)
        }
    }

    @Test func undoOfAPushThatFilledAnEmptyAuthorListEmptiesItAgainAndSaysSo() async throws {
        var emptied: String?
        try await withAccepted(prepare: { setup, blanked in
            // One item with no authors in ABS (found by its identifier), so diff fills them.
            let id = try #require(blanked.first)
            await setup.abs.update(itemId: id) { $0.authors = [] }
            try await setup.resyncABS()
            _ = try MatchWorkflow.run(mirror: setup.mirror)
            emptied = id
        }) { setup, rows in
            let id = try #require(emptied)
            let authors = try #require(rows.first { $0.itemId == id && $0.field == .authors && $0.current == nil })
            let pushed = try await PushWorkflow.run(mirror: setup.mirror, client: setup.absClient())
            #expect(pushed.failed == 0)
            #expect(try await metadata(setup, id)?.authors == FieldValue(json: authors.proposed, field: .authors).map { v -> [String] in
                if case .list(let l) = v { return l } else { return [] }
            })

            let undo = try await UndoWorkflow.run(mirror: setup.mirror, client: setup.absClient(), runId: nil)
            #expect(undo.failed == 0 && undo.conflicts == 0)
            #expect(undo.pushed == pushed.pushed, "every field of the item reverted, the authors too")
            #expect(try await metadata(setup, id)?.authors == [])
            #expect(undo.notices.contains { $0.field == "authors" && $0.note.contains("empty again") })
            #expect(try setup.mirror.changeRow(id: authors.id)?.status == .pending)
        }
    }

    @Test func aProposalRecordsTheServersRawValueAndARefreshKeepsIt() async throws {
        try await withAccepted { setup, rows in
            let rawBases = try setup.rows("SELECT field, base_raw FROM change WHERE base_raw IS NOT NULL")
            #expect(rawBases.count == rows.count, "every proposal made now records its raw base")
            for row in rows.prefix(8) {
                let item = try #require(try await metadata(setup, row.itemId))
                let stored: String? = try setup.rows("SELECT base_raw FROM change WHERE id = \(row.id)").first?["base_raw"]
                let field = try #require(row.field.metadata)
                #expect(stored == item.raw(field) ?? "null", "\(field)")
            }
            // A refresh with nothing changed keeps every proposal and its decision.
            let again = try DiffWorkflow.refresh(mirror: setup.mirror, policy: {
                var policy = DiffPolicy()
                policy.defaultPolicy = .replace
                return policy
            }())
            #expect(again.new == 0 && again.superseded == 0)
        }
    }

    @Test func aPushRunStoresItsServerWithoutCredentialsAndItsErrorScrubbed() async throws {
        try await withAccepted(blank: 1) { setup, _ in
            // The server's address with credentials in it, as a user may configure it.
            var url = URLComponents(url: setup.absServer.baseURL, resolvingAgainstBaseURL: false)!
            url.user = "reader"
            url.password = "pa55-word"
            var policy = RetryPolicy()
            policy.sleep = { _ in }
            let client = ABSClient(connection: try ABSConnection(url: url.string!, token: FakeABSState.adminToken), httpClient: .mirror, policy: policy)
            // The re-read before the send fails: the run ends with an error.
            await setup.abs.inject(.status(500), on: .batchGet, times: 10)
            var options = PushOptions()
            options.redactor = Redactor(secrets: ["pa55-word", FakeABSState.adminToken])
            await #expect(throws: (any Error).self) { try await PushWorkflow.run(mirror: setup.mirror, client: client, options: options) }
            let run = try #require(try setup.mirror.pushRuns().first)
            #expect(run.server?.contains("pa55-word") == false)
            #expect(run.server?.contains("***@") == true)
            #expect(run.status == .failed)
            let stored = try setup.rows("SELECT server, error FROM push_runs").map { "\($0["server"] ?? "") \($0["error"] ?? "")" }.joined()
            #expect(!stored.contains("pa55-word") && !stored.contains(FakeABSState.adminToken))
        }
    }
}
