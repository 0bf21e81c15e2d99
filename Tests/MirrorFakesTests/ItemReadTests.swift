import Foundation
@testable import MirrorFakes
import Testing

struct ItemReadTests {
    /// A generated book with every part the reference example has: m4b chapters, series, narrators, cover.
    private func richItem(_ state: FakeABSState) async throws -> FakeABSItem {
        try #require(await state.allItems().first { item in
            item.audioFiles.count == 1 && !item.audioFiles[0].chapters.isEmpty && !item.series.isEmpty
                && !item.narrators.isEmpty && item.coverPath != nil && !item.explicit
        })
    }

    @Test func batchGetAnswersExpandedItemsShapedLikeTheReference() async throws {
        let state = FakeABSState.generated(items: 60)
        let item = try await richItem(state)
        try await withFakeServer(state) { server in
            let reply = try await send(server, .POST, "/api/items/batch/get", json: jsonText(["libraryItemIds": [item.id]]))
            #expect(reply.status == 200)
            #expect(reply.contentType == "application/json; charset=utf-8")
            let items = try #require(try reply.object()["libraryItems"] as? [[String: Any]])
            #expect(items.count == 1)
            let paths = ReferenceShapes.keyPaths(items[0])
            let reference = ReferenceShapes.expandedKeyPaths
            #expect(reference.subtracting(paths).sorted() == [])
            #expect(paths.subtracting(reference).sorted() == [])

            let expanded = try #require(try reply.decode(WireBatchGetResponse.self).libraryItems.first)
            let book = try #require(expanded.media.book)
            #expect(book.metadata.authors.map(\.name) == item.authors.map(\.name))
            #expect(book.metadata.series.first?.sequence == item.series.first?.sequence)
            #expect(book.metadata.authorName == item.authors.map(\.name).joined(separator: ", "))
            #expect(book.metadata.descriptionPlain == item.description.map(HTMLSanitiser.stripAllTags))
            #expect(book.tracks.count == item.audioFiles.count)
            #expect(book.tracks.first?.contentUrl == "/api/items/\(item.id)/file/\(item.audioFiles[0].ino)")
            #expect(expanded.numFiles == expanded.libraryFiles.count)
            #expect(expanded.size == expanded.libraryFiles.reduce(0) { $0 + $1.metadata.size })
            #expect(book.duration == item.audioFiles.reduce(0) { $0 + $1.duration })
        }
    }

    @Test func batchGetDropsUnknownIdsAndAnswersInStorageOrder() async throws {
        let state = FakeABSState.generated(items: 30)
        let all = await state.allItems().filter { !$0.explicit }
        let asked = [all[9].id, "no-such-id", all[2].id, all[20].id]
        try await withFakeServer(state) { server in
            let reply = try await send(server, .POST, "/api/items/batch/get", json: jsonText(["libraryItemIds": asked]))
            #expect(reply.status == 200)
            let ids = try #require(try reply.object()["libraryItems"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(ids == [all[2].id, all[9].id, all[20].id])
        }
    }

    @Test func batchGetRefusesAnEmptyOrMissingList() async throws {
        try await withFakeServer { server in
            for body in [#"{"libraryItemIds":[]}"#, "{}", #"{"libraryItemIds":5}"#] {
                let reply = try await send(server, .POST, "/api/items/batch/get", json: body)
                #expect(reply.status == 403, "\(body)")
                #expect(reply.text == "Invalid payload", "\(body)")
            }
            // Without Content-Type the body is {}: the same refusal.
            let untyped = try await send(server, .POST, "/api/items/batch/get", json: #"{"libraryItemIds":["x"]}"#, contentType: nil)
            #expect(untyped.status == 403)
            #expect(untyped.text == "Invalid payload")
        }
    }

    @Test func batchGetRefusesTheWholeRequestWhenOneItemIsExplicitForTheUser() async throws {
        let state = FakeABSState.generated(items: 200)
        let items = await state.allItems()
        let explicit = try #require(items.first { $0.explicit })
        let clean = try #require(items.first { !$0.explicit })
        try await withFakeServer(state) { server in
            let body = jsonText(["libraryItemIds": [clean.id, explicit.id]])
            let user = try await send(server, .POST, "/api/items/batch/get", auth: .bearer(FakeABSState.userToken), json: body)
            #expect(user.status == 403)
            #expect(user.text == "Forbidden")
            let admin = try await send(server, .POST, "/api/items/batch/get", json: body)
            #expect(admin.status == 200)
            let onlyClean = try await send(server, .POST, "/api/items/batch/get", auth: .bearer(FakeABSState.userToken),
                                           json: jsonText(["libraryItemIds": [clean.id]]))
            #expect(onlyClean.status == 200)
        }
    }

    @Test func getItemIsTheOldShapeAndExpandedOnRequest() async throws {
        let state = FakeABSState.generated(items: 30)
        let item = try await richItem(state)
        try await withFakeServer(state) { server in
            let old = try await send(server, .GET, "/api/items/\(item.id)").object()
            #expect(old["id"] as? String == item.id)
            let metadata = try #require(old[path: "media.metadata"] as? [String: Any])
            #expect((metadata["authors"] as? [[String: Any]])?.first?["name"] as? String == item.authors.first?.name)
            #expect(metadata["series"] as? [[String: Any]] != nil)
            #expect(metadata["narrators"] as? [String] == item.narrators)
            for derived in ["authorName", "authorNameLF", "narratorName", "seriesName", "titleIgnorePrefix", "descriptionPlain"] {
                #expect(metadata[derived] == nil, "\(derived)")
            }
            let media = try #require(old["media"] as? [String: Any])
            for absent in ["duration", "size", "tracks", "numTracks"] { #expect(media[absent] == nil, "\(absent)") }
            #expect(media["audioFiles"] as? [[String: Any]] != nil)
            #expect(old["libraryFiles"] as? [[String: Any]] != nil)
            #expect(old["numFiles"] == nil)

            let expanded = try await send(server, .GET, "/api/items/\(item.id)?expanded=1")
            let paths = ReferenceShapes.keyPaths(try expanded.json())
            #expect(paths == ReferenceShapes.expandedKeyPaths)
            let batch = try await send(server, .POST, "/api/items/batch/get", json: jsonText(["libraryItemIds": [item.id]]))
            #expect(batch.text == "{\"libraryItems\":[" + expanded.text + "]}")
        }
    }

    @Test func anUnknownItemIs404NotFoundAsText() async throws {
        try await withFakeServer { server in
            let reply = try await send(server, .GET, "/api/items/4b7a6a6e-0000-4000-8000-000000000000")
            #expect(reply.status == 404)
            #expect(reply.text == "Not Found")
            #expect(reply.contentType == "text/plain; charset=utf-8")
        }
    }

    @Test func anExplicitItemIsForbiddenToAUserWithoutAccess() async throws {
        let state = FakeABSState.generated(items: 200)
        let explicit = try #require(await state.allItems().first { $0.explicit })
        try await withFakeServer(state) { server in
            let reply = try await send(server, .GET, "/api/items/\(explicit.id)", auth: .bearer(FakeABSState.userToken))
            #expect(reply.status == 403)
            #expect(reply.text == "Forbidden")
        }
    }

    @Test func keysComeInTheServersOrder() async throws {
        let state = FakeABSState.generated(items: 10)
        let id = await state.allItems()[0].id
        try await withFakeServer(state) { server in
            let text = try await send(server, .GET, "/api/items/\(id)?expanded=1").text
            let order = ["\"id\"", "\"ino\"", "\"oldLibraryItemId\"", "\"libraryId\"", "\"media\"", "\"numFiles\"",
                         "\"lastScan\"", "\"scanVersion\"", "\"libraryFiles\""]
            let positions = order.compactMap { text.range(of: $0)?.lowerBound }
            #expect(positions.count == order.count)
            #expect(positions == positions.sorted())
            #expect(!text.contains("\\/"))
        }
    }
}
