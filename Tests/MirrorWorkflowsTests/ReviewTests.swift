import Foundation
import GRDB
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// `review` through a scripted Decider, and decisions imported from an edited export.
struct ReviewTests {
    typealias Setup = HardcoverSyncTests.Setup

    /// Answers by a script that sees what it is asked about; records what it was shown and told.
    struct ScriptedDecider: Decider {
        var answer: (Int, ReviewItem) -> ReviewChoice
        var shown: [ReviewItem] = []
        var told: [String] = []

        init(_ answer: @escaping (Int, ReviewItem) -> ReviewChoice) { self.answer = answer }

        init(script: [ReviewChoice]) {
            answer = { n, _ in n < script.count ? script[n] : .quit }
        }

        mutating func decide(_ item: ReviewItem) throws -> ReviewChoice {
            shown.append(item)
            return answer(shown.count - 1, item)
        }

        mutating func tell(_ message: String) { told.append(message) }
    }

    /// Synced, matched, with narrators and publisher emptied for some items so they get proposals.
    private func withPrepared<T>(blank count: Int, _ body: (Setup) async throws -> T) async throws -> T {
        try await Setup.withMatched(items: 30, seed: 41, blank: count) { setup, _ in try await body(setup) }
    }

    private func statuses(_ setup: Setup) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try setup.rows("SELECT status, count(*) FROM changes GROUP BY 1") { out[row[0]] = row[1] }
        return out
    }

    @Test func eachChoiceIsStoredAtOnceAndQuittingResumesLater() async throws {
        try await withPrepared(blank: 4) { setup in
            _ = try DiffWorkflow.refresh(mirror: setup.mirror)
            let before = try setup.mirror.changeRows(statuses: [.pending]).count
            var first = ScriptedDecider { n, item in
                switch n {
                case 0: return .pick([item.proposals[0].field])
                case 1: return .edit(item.proposals[0].field, item.proposals[0].field == .narrators ? "My Own Reader" : "My Own Press 2020")
                case 2: return .acceptAll
                default: return .quit
                }
            }
            let s1 = try ReviewSession.run(mirror: setup.mirror, decider: &first, targets: [.abs])
            #expect(s1.quit)
            #expect(first.shown.count == 4)
            #expect(first.shown.allSatisfy { $0.total == first.shown[0].total })
            let picked = first.shown[0]
            let decided = try setup.mirror.changeRows(itemIds: [picked.itemId], statuses: [.accepted, .rejected])
            #expect(decided.filter { $0.status == .accepted }.map(\.field) == [picked.proposals[0].field])
            #expect(decided.filter { $0.status == .rejected }.count == picked.proposals.count - 1, "the fields not picked are rejected")
            #expect(s1.edited == 1)
            let editedRow = try #require(try setup.mirror.changeRow(id: first.shown[1].proposals[0].id))
            #expect(editedRow.status == .accepted)
            #expect(DiffDisplay.text(editedRow.proposed).hasPrefix("My Own"))
            let afterFirst = try setup.mirror.changeRows(statuses: [.pending]).count
            #expect(afterFirst < before)

            // Resume: only items with pending proposals, the one quit on first.
            var second = ScriptedDecider { _, _ in .skip }
            let s2 = try ReviewSession.run(mirror: setup.mirror, decider: &second, targets: [.abs])
            #expect(!s2.quit)
            #expect(second.shown.first?.itemId == first.shown[3].itemId,
                    "\(first.shown.map { "\($0.title ?? "") \($0.matchStatus?.rawValue ?? "")" }) then \(second.shown.map { "\($0.title ?? "") \($0.matchStatus?.rawValue ?? "")" })")
            #expect(!second.shown.contains { $0.itemId == picked.itemId })
            #expect(try setup.mirror.changeRows(statuses: [.pending]).count == afterFirst, "skipping decides nothing")
        }
    }

    @Test func aBadEditIsRefusedAndAskedAgain() async throws {
        try await withPrepared(blank: 1) { setup in
            var decider = ScriptedDecider { n, item in
                switch n {
                case 0: return .edit(item.proposals[0].field, "   ")
                case 1: return .edit(.title, "x")
                case 2: return .acceptAll
                default: return .quit
                }
            }
            _ = try ReviewSession.run(mirror: setup.mirror, decider: &decider, targets: [.abs])
            #expect(decider.told.count == 2)
            #expect(decider.told[0].contains("is not a usable"))
            #expect(decider.told[1].contains("title has no proposal"))
            let item = try #require(decider.shown.first)
            #expect(try setup.mirror.changeRows(itemIds: [item.itemId], statuses: [.pending]).isEmpty)
        }
    }

    @Test func choosingAnotherBookRemakesTheProposals() async throws {
        try await withPrepared(blank: 1) { setup in
            var decider = ScriptedDecider(script: [.otherBook(999_999_999)])
            let first = try ReviewSession.run(mirror: setup.mirror, decider: &decider, targets: [.abs])
            #expect(decider.told.first?.contains("not in the mirror") == true)
            #expect(first.quit)
            let item = try #require(decider.shown.first)
            let other = try #require(try setup.rows("SELECT id FROM hardcover_books WHERE id <> \(item.bookId ?? 0) ORDER BY id LIMIT 1").first?["id"] as Int?)
            var again = ScriptedDecider(script: [.otherBook(other), .quit])
            _ = try ReviewSession.run(mirror: setup.mirror, decider: &again, targets: [.abs])
            #expect(try setup.rows("SELECT status, book_id FROM matches WHERE item_id = '\(item.itemId)'").first?["book_id"] == other)
            #expect(again.shown.count == 2)
            #expect(again.shown[1].bookId == other)
        }
    }

    @Test func decisionsFromAnEditedCSVAreCheckedThenAppliedAllOrNothing() async throws {
        try await withPrepared(blank: 2) { setup in
            _ = try DiffWorkflow.refresh(mirror: setup.mirror)
            let rows = try setup.mirror.changeRows()
            try #require(rows.count >= 4)
            let narrators = try #require(rows.first { $0.field == .narrators })
            var csv = "id,item_id,field,proposed,status\r\n"
            csv += "\(rows[0].id),\(rows[0].itemId),\(rows[0].field.rawValue),\"\(DiffDisplay.text(rows[0].proposed))\",accepted\r\n"
            csv += "\(rows[1].id),\(rows[1].itemId),\(rows[1].field.rawValue),\"\(DiffDisplay.text(rows[1].proposed))\",reject\r\n"
            let folder = try TemporaryFolder()
            let bad = csv + "\(narrators.id),\(narrators.itemId),title,x,accepted\r\n999999,x,title,y,accepted\r\n"
            let badPath = folder.file("bad.csv")
            try bad.write(toFile: badPath, atomically: true, encoding: .utf8)
            #expect { try DecisionImport.apply(file: URL(fileURLWithPath: badPath), mirror: setup.mirror) } throws: { error in
                let text = (error as? WorkflowError)?.summary ?? ""
                return text.contains("2 lines cannot be applied") && text.contains("line 4: proposal \(narrators.id) is for narrators, not title")
                    && text.contains("line 5: proposal 999999 is not in this mirror")
            }
            #expect(try statuses(setup)["accepted"] == nil, "nothing applied")

            let good = csv + "\(narrators.id),\(narrators.itemId),narrators,\"Someone Else & Another One\",accepted\r\n"
            let goodPath = folder.file("good.csv")
            try good.write(toFile: goodPath, atomically: true, encoding: .utf8)
            let summary = try DecisionImport.apply(file: URL(fileURLWithPath: goodPath), mirror: setup.mirror)
            #expect(summary.rejected == 1)
            #expect(summary.edited == 1)
            let edited = try setup.mirror.changeRow(id: narrators.id)
            #expect(edited?.proposed == #"["Someone Else","Another One"]"#)
            #expect(edited?.status == .accepted)
        }
    }

    @Test func decisionsFromAnEditedJSONExport() async throws {
        try await withPrepared(blank: 1) { setup in
            _ = try DiffWorkflow.refresh(mirror: setup.mirror)
            let rows = try setup.mirror.changeRows()
            let objects = rows.map { r -> [String: Any] in
                ["id": Int(r.id), "field": r.field.rawValue, "status": "rejected",
                 "proposed": try! JSONSerialization.jsonObject(with: Data(r.proposed.utf8), options: [.fragmentsAllowed])]
            }
            let folder = try TemporaryFolder()
            let path = folder.file("d.json")
            try JSONSerialization.data(withJSONObject: objects).write(to: URL(fileURLWithPath: path))
            let summary = try DecisionImport.apply(file: URL(fileURLWithPath: path), mirror: setup.mirror)
            #expect(summary.rejected == rows.count)
            #expect(summary.edited == 0)
        }
    }
}

extension ReviewTests {
    @Test(arguments: ["not,a,decisions,file\n1,2,3,4\n", "{\"proposals\": 3}", "[{\"id\": \"x\", \"field\": \"title\", \"status\": \"accepted\"}]", ""])
    func aFileThatIsNotAnExportIsRefusedWithoutChangingAnything(_ text: String) async throws {
        let folder = try TemporaryFolder()
        let mirror = try Mirror.openForWriting(path: folder.file("m.sqlite"))
        let path = folder.file(text.hasPrefix("[") || text.hasPrefix("{") ? "d.json" : "d.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try DecisionImport.apply(file: URL(fileURLWithPath: path), mirror: mirror) } throws: { error in
            guard let e = error as? WorkflowError else { return false }
            return e.kind == .badData && e.hint != nil
        }
    }
}
