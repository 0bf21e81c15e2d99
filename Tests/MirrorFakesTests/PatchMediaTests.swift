import Foundation
@testable import MirrorFakes
import Testing

struct PatchMediaTests {
    private func patch(_ server: FakeABSServer, _ id: String, _ body: Any, auth: Auth = .bearer(FakeABSState.adminToken),
                       contentType: String? = "application/json") async throws -> Reply {
        try await send(server, .PATCH, "/api/items/\(id)/media", auth: auth, json: jsonText(body), contentType: contentType)
    }

    private func updated(_ reply: Reply) throws -> Bool {
        let value = try reply.object()["updated"] as? Bool
        return try #require(value as Bool?)
    }

    @Test func authorsGivenAsStringsRemoveEveryAuthor() async throws {
        let state = SmallLibrary.state()
        try await withFakeServer(state) { server in
            let reply = try await patch(server, "li-kings", ["metadata": ["authors": ["Brandon Sanderson"]]])
            #expect(reply.status == 200)
            #expect(try updated(reply))
            let authors = try #require(try reply.object()[path: "libraryItem.media.metadata.authors"] as? [Any])
            #expect(authors.isEmpty)
            #expect(await state.item(id: "li-kings")?.authors == [])

            // An empty array does the same.
            let empty = try await patch(server, "li-omens", ["metadata": ["authors": [Any]()]])
            #expect(try updated(empty))
            #expect(await state.item(id: "li-omens")?.authors == [])
        }
    }

    @Test func reorderingOrRecasingLinkedAuthorsChangesNothing() async throws {
        let state = SmallLibrary.state()
        let before = try #require(await state.item(id: "li-omens"))
        try await withFakeServer(state) { server in
            let reply = try await patch(server, "li-omens", ["metadata": ["authors": [["name": "neil gaiman"], ["name": "TERRY PRATCHETT"]]]])
            #expect(try updated(reply) == false)
            let after = try #require(await state.item(id: "li-omens"))
            #expect(after.authors == before.authors)
            #expect(after.updatedAt == before.updatedAt)
        }
    }

    @Test func aNewAuthorNameFindsTheLibrarysAuthorOrCreatesOne() async throws {
        let state = SmallLibrary.state()
        try await withFakeServer(state) { server in
            let reply = try await patch(server, "li-kings", ["metadata": ["authors": [
                ["name": "Brandon Sanderson"], ["name": "  neil GAIMAN "], ["name": "Janci Patterson", "id": "ignored"],
            ]]])
            #expect(try updated(reply))
            let authors = try #require(await state.item(id: "li-kings")?.authors)
            #expect(authors.count == 3)
            #expect(authors[0] == SmallLibrary.sanderson)
            #expect(authors[1] == SmallLibrary.gaiman) // found, under its stored name and id
            #expect(authors[2].name == "Janci Patterson")
            #expect(authors[2].id != "ignored")
            #expect(await state.allAuthors().contains(authors[2]))
        }
    }

    @Test func aSeriesSequenceMustBeAStringAndANamelessEntryVoidsTheArray() async throws {
        let state = SmallLibrary.state()
        try await withFakeServer(state) { server in
            let number = try await patch(server, "li-kings", ["metadata": ["series": [["name": "The Stormlight Archive", "sequence": 1]]]])
            #expect(try updated(number))
            #expect(await state.item(id: "li-kings")?.series.first?.sequence == nil)
            let seriesJSON = try #require(try number.object()[path: "libraryItem.media.metadata.series"] as? [[String: Any]])
            #expect(seriesJSON.first?["sequence"] is NSNull)

            let text = try await patch(server, "li-kings", ["metadata": ["series": [["name": "the stormlight archive", "sequence": "1"]]]])
            #expect(try updated(text))
            let series = try #require(await state.item(id: "li-kings")?.series)
            #expect(series == [FakeABSSeries(id: "se-stormlight", name: "The Stormlight Archive", sequence: "1")])

            let nameless = try await patch(server, "li-kings", ["metadata": ["series": [["sequence": "3"], ["name": "Other"]]]])
            #expect(try updated(nameless) == false)
            #expect(await state.item(id: "li-kings")?.series == series)

            let added = try await patch(server, "li-omens", ["metadata": ["series": [["name": "The Stormlight Archive", "sequence": "0.5"]]]])
            #expect(try updated(added))
            #expect(await state.item(id: "li-omens")?.series.first?.id == "se-stormlight")
        }
    }

    @Test func theDescriptionIsSanitisedAsABSDoes() async throws {
        let state = SmallLibrary.state()
        try await withFakeServer(state) { server in
            let raw = "Tom & Jerry <script>alert(1)</script><div>Hi <b onclick=\"x()\">there</b></div><p>Two</p>"
            let reply = try await patch(server, "li-kings", ["metadata": ["description": raw]])
            #expect(try updated(reply))
            let stored = "Tom &amp; Jerry Hi <b>there</b><p>Two</p>"
            #expect(await state.item(id: "li-kings")?.description == stored)
            let expanded = try await send(server, .GET, "/api/items/li-kings?expanded=1").object()
            #expect(expanded[path: "media.metadata.description"] as? String == stored)
            #expect(expanded[path: "media.metadata.descriptionPlain"] as? String == "Tom & Jerry Hi thereTwo")
        }
    }

    @Test func updatedAtMovesOnlyWhenSomethingChanged() async throws {
        let state = SmallLibrary.state()
        let before = try #require(await state.item(id: "li-kings"))
        try await withFakeServer(state) { server in
            let same = try await patch(server, "li-kings", ["metadata": ["title": "The Way of Kings", "genres": ["Fantasy"],
                                                                         "explicit": false], "tags": ["owned"]])
            #expect(try updated(same) == false)
            #expect(await state.item(id: "li-kings")?.updatedAt == before.updatedAt)
            #expect(try same.object()[path: "libraryItem.updatedAt"] as? Int64 == before.updatedAt)

            let changed = try await patch(server, "li-kings", ["metadata": ["title": "The Way of Kings (Leatherbound)"]])
            #expect(try updated(changed))
            let after = try #require(await state.item(id: "li-kings"))
            #expect(after.updatedAt > before.updatedAt)
            #expect(after.title == "The Way of Kings (Leatherbound)")
            #expect(try changed.object()[path: "libraryItem.updatedAt"] as? Int64 == after.updatedAt)
        }
    }

    @Test func anEquivalentButDifferentValueStillCountsAsAChange() async throws {
        // ABS compares the raw value before sanitising, and "" with null: both report updated and bump updatedAt.
        let state = SmallLibrary.state()
        try await withFakeServer(state) { server in
            let before = try #require(await state.item(id: "li-kings"))
            let description = try await patch(server, "li-kings", ["metadata": ["description": "<p>Roshar is a world of stone & storms.</p>"]])
            #expect(try updated(description))
            let after = try #require(await state.item(id: "li-kings"))
            #expect(after.description == before.description)
            #expect(after.updatedAt > before.updatedAt)

            let empty = try await patch(server, "li-kings", ["metadata": ["subtitle": ""]])
            #expect(try updated(empty))
            #expect(await state.item(id: "li-kings")?.subtitle == nil)
        }
    }

    @Test func withoutContentTypeTheBodyIsIgnored() async throws {
        let state = SmallLibrary.state()
        let before = try #require(await state.item(id: "li-kings"))
        try await withFakeServer(state) { server in
            let reply = try await patch(server, "li-kings", ["metadata": ["title": "Changed"]], contentType: nil)
            #expect(reply.status == 200)
            #expect(try updated(reply) == false)
            #expect(await state.item(id: "li-kings") == before)
            let textPlain = try await patch(server, "li-kings", ["metadata": ["title": "Changed"]], contentType: "text/plain")
            #expect(try updated(textPlain) == false)
        }
    }

    @Test func valuesAreCoercedTheJavaScriptWay() async throws {
        let state = SmallLibrary.state()
        try await withFakeServer(state) { server in
            let reply = try await patch(server, "li-kings", ["metadata": [
                "publishedYear": 2011, "publisher": "", "isbn": NSNull(), "asin": ["B0"], "explicit": "false", "abridged": 0,
            ]])
            #expect(try updated(reply))
            let item = try #require(await state.item(id: "li-kings"))
            #expect(item.publishedYear == "2011")
            #expect(item.publisher == nil)
            #expect(item.isbn == nil)
            #expect(item.asin == "B003ZWFO7E") // wrong type: unchanged
            #expect(item.explicit) // !!"false" is true
            #expect(item.abridged == false)
        }
    }

    @Test func stringArraysReplaceWholeAndAnyNonStringVoidsTheField() async throws {
        let state = SmallLibrary.state()
        try await withFakeServer(state) { server in
            let reply = try await patch(server, "li-kings", [
                "metadata": ["narrators": ["Kate Reading", 5], "genres": ["Epic Fantasy", "Adventure"], "tags": ["ignored"]],
                "tags": ["favorite"],
            ])
            #expect(try updated(reply))
            let item = try #require(await state.item(id: "li-kings"))
            #expect(item.narrators == ["Michael Kramer", "Kate Reading"])
            #expect(item.genres == ["Epic Fantasy", "Adventure"])
            #expect(item.tags == ["favorite"])
        }
    }

    @Test func permissionsAndUnknownItems() async throws {
        let state = SmallLibrary.state()
        try await withFakeServer(state) { server in
            let user = try await patch(server, "li-kings", ["tags": ["x"]], auth: .bearer(FakeABSState.userToken))
            #expect(user.status == 403)
            #expect(user.text == "Forbidden")
            let unknown = try await patch(server, "li-nothing", ["tags": ["x"]])
            #expect(unknown.status == 404)
            #expect(unknown.text == "Not Found")
            let explicit = try await patch(server, "li-explicit", ["tags": ["x"]], auth: .bearer(SmallLibrary.editorToken))
            #expect(explicit.status == 403)
            let editor = try await patch(server, "li-kings", ["tags": ["x"]], auth: .bearer(SmallLibrary.editorToken))
            #expect(editor.status == 200)
        }
    }

    @Test func aNullAuthorEntryCrashesTheServerAfterEarlierFieldsWereSaved() async throws {
        let state = SmallLibrary.state()
        let before = try #require(await state.item(id: "li-kings"))
        try await withFakeServer(state) { server in
            await #expect(throws: (any Error).self) {
                _ = try await patch(server, "li-kings", ["metadata": ["title": "Half Saved", "authors": [NSNull()]]])
            }
            let after = try #require(await state.item(id: "li-kings"))
            #expect(after.title == "Half Saved")
            #expect(after.authors == before.authors)
            #expect(after.updatedAt == before.updatedAt)
            #expect(await state.crashCount() == 1)
        }
    }
}
