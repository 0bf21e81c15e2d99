import Foundation
import MirrorCore
import MirrorFakes
import MirrorStore
import MirrorWeb
import MirrorWorkflows
import TestSupport
import Testing

/// `serve` over HTTP on loopback: its pages read the mirror, its actions write the rows the CLI
/// writes, and nothing changes without the page's token from the page's own origin.
@Suite(.serialized)
struct ServeTests {
    @Test func pagesShowWhatTheMirrorHolds() async throws {
        try await Served.with { s in
            let mirror = try s.mirror()
            let items = try Browsing.library(LibraryFilter(limit: 1000), mirror: mirror)
            let library = try await s.send(.GET, "/")
            #expect(library.status == 200)
            #expect(library.text.matches(of: /data-test="library-row"/).count == items.rows.count)
            let csp = try #require(library.headers["content-security-policy"].first)
            #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"))
            // Nothing from the internet: the style and script are ours.
            // A referrer for this site only: under no-referrer a browser posts a plain form with `Origin: null`.
            #expect(library.headers["referrer-policy"].first == "same-origin")
            #expect(library.text.contains("href=\"/assets/app.css?v="))
            #expect(!library.text.contains("src=\"http") && !library.text.contains("href=\"http"))

            let review = try await s.send(.GET, "/review?page=1")
            let shown = Served.proposals(in: review.text)
            let pending = try mirror.changeRows(statuses: [.pending])
            #expect(!shown.isEmpty)
            #expect(shown.filter { $0.status == "pending" }.count == min(pending.count, shown.filter { $0.status == "pending" }.count))
            #expect(Set(shown.map(\.id)).isSubset(of: Set(try mirror.changeRows(statuses: ChangeStatus.decidable).map(\.id))))
            // Needs-review items come first.
            let firstItem = try #require(review.text.firstMatch(of: /data-test="review-item" data-item-id="([^"]+)"/).map { String($0.1) })
            if pending.contains(where: { $0.matchStatus == .needsReview }) {
                #expect(try mirror.storedMatch(itemId: firstItem)?.status == .needsReview)
            }

            let matched = try #require(items.rows.first { $0.bookId != nil })
            let item = try await s.send(.GET, "/item/\(matched.itemId)")
            #expect(item.status == 200)
            #expect(item.text.contains("data-test=\"candidate\" data-book-id=\"\(matched.bookId!)\""))
            #expect(item.text.contains("data-test=\"candidate-penalties\""))
            #expect(item.text.contains("data-test=\"covers-toggle\"") && !item.text.contains("<img"))
            let covered = try await s.send(.GET, "/item/\(matched.itemId)?covers=1")
            #expect(covered.text.contains("<img class=\"cover\" src=\"\(s.abs.baseURL.absoluteString)/api/items/\(matched.itemId)/cover\""))

            let missing = try await s.send(.GET, "/item/no-such-item")
            #expect(missing.status == 404 && missing.text.contains("No item no-such-item"))
            for path in ["/gaps", "/history", "/push", "/assets/app.css", "/assets/app.js"] {
                #expect(try await s.send(.GET, path).status == 200, "\(path)")
            }
        }
    }

    @Test func nothingChangesWithoutThePagesTokenFromThisOrigin() async throws {
        try await Served.with { s in
            let page = try await s.send(.GET, "/review")
            let token = try Served.token(in: page.text)
            let p = try #require(Served.proposals(in: page.text).first { $0.status == "pending" })
            let form = ["change": String(p.id), "version": p.version, "decision": "accept"]
            let port = s.web.url.port!

            let noToken = try await s.send(.POST, "/decide", form: form)
            #expect(noToken.status == 403 && noToken.text.contains("token"))
            let wrongToken = try await s.post("/decide", form, token: String(token.reversed()))
            #expect(wrongToken.status == 403)
            let foreignOrigin = try await s.send(.POST, "/decide", form: form.merging(["_token": token]) { a, _ in a },
                                                 headers: [("Origin", "http://evil.example")])
            #expect(foreignOrigin.status == 403 && foreignOrigin.text.contains("another site"))
            let opaque = try await s.send(.POST, "/decide", form: form.merging(["_token": token]) { a, _ in a }, headers: [("Origin", "null")])
            #expect(opaque.status == 403)
            let rebound = try await s.send(.POST, "/decide", form: form.merging(["_token": token]) { a, _ in a },
                                           headers: [("Host", "evil.example:\(port)")])
            #expect(rebound.status == 403)
            let crossSite = try await s.send(.POST, "/decide", form: form.merging(["_token": token]) { a, _ in a },
                                             headers: [("Sec-Fetch-Site", "cross-site")])
            #expect(crossSite.status == 403)
            let foreignRead = try await s.send(.GET, "/review", headers: [("Origin", "http://evil.example")])
            #expect(foreignRead.status == 403)
            #expect(try s.change(p.id).status == .pending)

            // The page's own origin, with the token: done.
            let sameOrigin = try await s.send(.POST, "/decide", form: form.merging(["_token": token]) { a, _ in a },
                                              headers: [("Origin", "http://127.0.0.1:\(port)")])
            #expect(sameOrigin.status == 303)
            #expect(sameOrigin.headers["location"].first == "/review?done=accepted")
            #expect(try s.change(p.id).status == .accepted)
        }
    }

    @Test func acceptRejectAndEditWriteTheRowsTheCommandsWrite() async throws {
        try await Served.with { s in
            let page = try await s.send(.GET, "/review")
            let token = try Served.token(in: page.text)
            let pending = Served.proposals(in: page.text).filter { $0.status == "pending" }
            try #require(pending.count >= 3)
            let (a, r) = (pending[0], pending[1])
            let e = try #require(pending.dropFirst(2).first { ["publisher", "narrators", "title", "subtitle"].contains($0.field) })

            let accepted = try await s.post("/decide", ["change": String(a.id), "version": a.version, "decision": "accept"], token: token)
            #expect(accepted.status == 200)
            let reply = try accepted.json()
            #expect(reply["ok"] as? Bool == true)
            let changes = try #require(reply["changes"] as? [[String: Any]])
            #expect(changes.first?["status"] as? String == "accepted")
            #expect(changes.first?["version"] as? String == (try s.change(a.id)).version)
            #expect(try s.change(a.id).status == .accepted)

            let rejected = try await s.post("/decide", ["change": String(r.id), "version": r.version, "decision": "reject"], token: token)
            #expect(rejected.status == 200)
            #expect(try s.change(r.id).status == .rejected)

            let value = e.field == "narrators" ? "Ann Reader, Bob Voice" : "My Own Value"
            let edited = try await s.post("/edit", ["change": String(e.id), "version": e.version, "value": value], token: token)
            #expect(edited.status == 200)
            let row = try s.change(e.id)
            #expect(row.status == .accepted)
            #expect(DiffDisplay.text(row.proposed, field: row.field) == value)
            #expect(try edited.json()["changes"].flatMap { ($0 as? [[String: Any]])?.first?["proposed"] as? String } == value)

            // The row as `accept` would have left it: the same statuses, read through the CLI's listing.
            let listed = try ChangeListing.run(mirror: s.mirror(), policy: DiffPolicy(), targets: [.abs], itemIds: nil, fields: nil,
                                               statuses: [.accepted]).rows
            #expect(Set([a.id, e.id]).isSubset(of: Set(listed.map(\.id))))
        }
    }

    @Test func anEditThatIsNotAValueIsRefusedAndChangesNothing() async throws {
        try await Served.with { s in
            let page = try await s.send(.GET, "/review")
            let token = try Served.token(in: page.text)
            let year = Served.proposals(in: page.text).first { $0.field == "published_year" && $0.status == "pending" }
            let any = try #require(Served.proposals(in: page.text).first { $0.status == "pending" })
            let p = year ?? any
            let before = try s.change(p.id)
            let bad = try await s.post("/edit", ["change": String(p.id), "version": p.version, "value": p.field == "published_year" ? "next spring" : ""],
                                       token: token)
            #expect(bad.status == 422)
            #expect((try bad.json()["message"] as? String)?.contains("not usable") == true)
            #expect(try s.change(p.id) == before)
        }
    }

    @Test func aPageThatIsOutOfDateIsToldAndTheOtherDecisionStands() async throws {
        try await Served.with { s in
            let page = try await s.send(.GET, "/review")
            let token = try Served.token(in: page.text)
            let p = try #require(Served.proposals(in: page.text).first { $0.status == "pending" })
            // Meanwhile `shelfmirror reject` decides the same proposal.
            do {
                let writer = try s.settings.openMirror()
                let row = try #require(try writer.changeRow(id: p.id))
                _ = try Decisions.decide(.rejected, ChangeSelection(itemIds: [row.itemId], fields: [row.field], replace: true), mirror: writer)
            }
            let stale = try await s.post("/decide", ["change": String(p.id), "version": p.version, "decision": "accept"], token: token)
            #expect(stale.status == 409)
            let reply = try stale.json()
            #expect(reply["kind"] as? String == "stale")
            #expect((reply["message"] as? String)?.contains("changed since the page was loaded (now rejected)") == true)
            #expect(try s.change(p.id).status == .rejected)
            // Two tabs: the second tab's edit of a proposal the first accepted is refused too.
            let q = try #require(Served.proposals(in: page.text).first { $0.status == "pending" && $0.id != p.id })
            #expect(try await s.post("/decide", ["change": String(q.id), "version": q.version, "decision": "accept"], token: token).status == 200)
            let secondTab = try await s.post("/edit", ["change": String(q.id), "version": q.version, "value": "Other"], token: token)
            #expect(secondTab.status == 409)
            let kept = try s.change(q.id)
            #expect(kept.status == .accepted && DiffDisplay.text(kept.proposed, field: kept.field) != "Other")
        }
    }

    @Test func aBusyMirrorIsSaidAndNothingIsLost() async throws {
        try await Served.with { s in
            let page = try await s.send(.GET, "/review")
            let token = try Served.token(in: page.text)
            let p = try #require(Served.proposals(in: page.text).first { $0.status == "pending" })
            let form = ["change": String(p.id), "version": p.version, "decision": "accept"]
            do {
                let other = try s.settings.openMirror() // another command writing
                let busy = try await s.post("/decide", form, token: token)
                #expect(busy.status == 409)
                #expect((try busy.json()["message"] as? String)?.contains("busy") == true)
                #expect(try other.changeRow(id: p.id)?.status == .pending)
            }
            #expect(try await s.post("/decide", form, token: token).status == 200)
            #expect(try s.change(p.id).status == .accepted)
        }
    }

    @Test func linkingToAnotherBookMakesItsProposalsAgain() async throws {
        try await Served.with { s in
            let mirror = try s.mirror()
            let rows = try Browsing.library(LibraryFilter(limit: 1000), mirror: mirror).rows
            // An item with a second candidate in the mirror.
            var chosen: (item: String, book: Int)?
            for row in rows where row.bookId != nil {
                let e = try MatchExplanation.of(itemId: row.itemId, mirror: mirror, config: MatchConfig())
                if let other = e?.result.ranked.first(where: { $0.bookId != row.bookId }) { chosen = (row.itemId, other.bookId); break }
            }
            let (item, book) = try #require(chosen)
            let page = try await s.send(.GET, "/item/\(item)")
            let token = try Served.token(in: page.text)
            let linked = try await s.post("/link", ["item": item, "book": String(book)], token: token)
            #expect(linked.status == 200)
            #expect(try linked.json()["reload"] as? Bool == true)
            let stored = try #require(try s.mirror().storedMatch(itemId: item))
            #expect(stored.status == .confirmed && stored.bookId == book && stored.pinned)
            // Proposals now come from that book.
            #expect(try s.mirror().changeRows(itemIds: [item], targets: [.abs], statuses: [.pending]).allSatisfy { $0.source != .hardcover || $0.bookId == book })

            let unknown = try await s.post("/link", ["item": item, "book": "987654321"], token: token)
            #expect(unknown.status == 404)
            #expect((try unknown.json()["message"] as? String)?.contains("987654321 is not in the mirror") == true)
            let notANumber = try await s.post("/link", ["item": item, "book": "dune"], token: token)
            #expect(notANumber.status == 422)
        }
    }

    @Test func searchAsYouTypeNarrowsTheLibrary() async throws {
        try await Served.with { s in
            let all = try Browsing.library(LibraryFilter(limit: 1000), mirror: s.mirror()).rows
            let target = try #require(all.first { ($0.title ?? "").split(separator: " ").contains { $0.count >= 5 } })
            let word = String(try #require(target.title?.split(separator: " ").first { $0.count >= 5 }))
            let prefix = String(word.prefix(4))
            let rows = try await s.send(.GET, "/library/rows?q=\(prefix)")
            #expect(rows.status == 200)
            let ids = rows.text.matches(of: /data-item-id="([^"]+)"/).map { String($0.1) }
            #expect(ids.contains(target.itemId))
            #expect(ids.count < all.count)
            #expect(rows.headers["x-result-summary"].first == "\(ids.count) item\(ids.count == 1 ? "" : "s") found")
            let none = try await s.send(.GET, "/library/rows?q=zzqqxx")
            #expect(none.text.contains("No item") && none.headers["x-result-summary"].first == "0 items found")
            // The same search as a page, for a browser without the script.
            let page = try await s.send(.GET, "/?q=\(prefix)")
            #expect(page.text.matches(of: /data-test="library-row"/).count == ids.count)
        }
    }

    @Test func pushAndUndoFromThePageBehindAConfirmation() async throws {
        try await Served.with { s in
            do {
                let writer = try s.settings.openMirror()
                _ = try Decisions.decide(.accepted, ChangeSelection(targets: [.abs], replace: true), mirror: writer)
            }
            let accepted = try s.mirror().changeRows(targets: [.abs], statuses: [.accepted])
            try #require(!accepted.isEmpty)
            let preview = try await s.send(.GET, "/push")
            #expect(preview.text.contains("data-test=\"push-request\""))
            #expect(preview.text.contains("/api/items/batch/update") || preview.text.contains("/api/items/"))
            #expect(try s.mirror().changeRows(targets: [.abs], statuses: [.pushed]).isEmpty, "a preview sends nothing")
            let token = try Served.token(in: preview.text)

            let unconfirmed = try await s.send(.POST, "/push", form: ["_token": token, "target": "abs", "confirm": "yes"])
            #expect(unconfirmed.status == 400)
            #expect(try s.mirror().changeRows(targets: [.abs], statuses: [.pushed]).isEmpty)

            let pushed = try await s.send(.POST, "/push", form: ["_token": token, "target": "abs", "confirm": "yes", "checked": "yes"])
            #expect(pushed.status == 200)
            #expect(pushed.text.contains("data-test=\"push-result\""))
            #expect(try s.mirror().changeRows(targets: [.abs], statuses: [.pushed]).count == accepted.count)
            let history = try await s.send(.GET, "/history")
            #expect(history.text.matches(of: /data-test="run-row"/).count == 1)

            let run = try #require(try PushHistory.lastUndoableRun(mirror: s.mirror())?.id)
            let undone = try await s.send(.POST, "/undo", form: ["_token": token, "run": String(run), "confirm": "yes", "checked": "yes"])
            #expect(undone.status == 200)
            #expect(undone.text.contains("Reverted"))
            #expect(try s.mirror().changeRows(targets: [.abs], statuses: [.pushed]).isEmpty)
        }
    }
}
