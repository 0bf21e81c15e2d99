import Foundation
@testable import MirrorFakes
import Testing

struct LibraryListingTests {
    @Test func librariesListsBothLibrariesWithTheirFolders() async throws {
        let state = FakeABSState.generated(items: 10, libraryName: "My Books")
        try await withFakeServer(state) { server in
            let libraries = try #require(try await send(server, .GET, "/api/libraries").object()["libraries"] as? [[String: Any]])
            #expect(libraries.count == 2)
            #expect(libraries[0]["name"] as? String == "My Books")
            #expect(libraries[0]["mediaType"] as? String == "book")
            #expect(libraries[1]["name"] as? String == "Podcasts")
            #expect(libraries[1]["mediaType"] as? String == "podcast")
            let folder = try #require((libraries[0]["folders"] as? [[String: Any]])?.first)
            #expect(folder["fullPath"] as? String == "/audiobooks")
            #expect(folder["libraryId"] as? String == libraries[0]["id"] as? String)
            #expect(folder["id"] is String)
            #expect(folder["addedAt"] is Int)
            for key in ["id", "name", "folders", "displayOrder", "icon", "mediaType", "provider", "settings", "createdAt", "lastUpdate"] {
                #expect(libraries[0][key] != nil, "\(key)")
            }
        }
    }

    @Test func theItemsEnvelopeAndItsAlwaysMinifiedEntries() async throws {
        let state = FakeABSState.generated(items: 25)
        let libraryId = await bookLibraryId(state)
        try await withFakeServer(state) { server in
            let reply = try await send(server, .GET, "/api/libraries/\(libraryId)/items?limit=10&page=1&sort=addedAt&minified=0")
            #expect(reply.status == 200)
            let page = try reply.object()
            #expect(page["total"] as? Int == 25)
            #expect(page["limit"] as? Int == 10)
            #expect(page["page"] as? Int == 1)
            #expect(page["offset"] as? Int == 10)
            #expect(page["sortBy"] as? String == "addedAt")
            #expect(page["sortDesc"] as? Bool == false)
            #expect(page["mediaType"] as? String == "book")
            #expect(page["minified"] as? Bool == false)
            #expect(page["collapseseries"] as? Bool == false)
            #expect(page["include"] as? String == "")
            let results = try #require(page["results"] as? [[String: Any]])
            #expect(results.count == 10)

            // minified=0 is ignored: the entries are minified all the same.
            let entry = results[0]
            let metadata = try #require(entry[path: "media.metadata"] as? [String: Any])
            for absent in ["authors", "narrators", "series", "descriptionPlain"] { #expect(metadata[absent] == nil, "\(absent)") }
            for present in ["title", "titleIgnorePrefix", "subtitle", "authorName", "authorNameLF", "narratorName", "seriesName",
                            "genres", "publishedYear", "publishedDate", "publisher", "description", "isbn", "asin",
                            "language", "explicit", "abridged"] {
                #expect(metadata.keys.contains(present), "\(present)")
            }
            let media = try #require(entry["media"] as? [String: Any])
            for present in ["coverPath", "tags", "numTracks", "numAudioFiles", "numChapters", "duration", "size"] {
                #expect(media.keys.contains(present), "\(present)")
            }
            #expect(media["audioFiles"] == nil)
            for present in ["id", "ino", "libraryId", "folderId", "path", "relPath", "isFile", "mtimeMs", "ctimeMs",
                            "birthtimeMs", "addedAt", "updatedAt", "isMissing", "isInvalid", "mediaType", "numFiles", "size"] {
                #expect(entry.keys.contains(present), "\(present)")
            }
            #expect(entry["libraryFiles"] == nil)
            _ = try reply.decode(WireItemsPage.self)
        }
    }

    @Test func derivedStringsJoinAsABSJoinsThem() async throws {
        let state = FakeABSState.generated(items: 400)
        let libraryId = await bookLibraryId(state)
        let item = try #require(await state.allItems().first { $0.series.count == 2 && $0.series[0].sequence != nil && $0.authors.count == 2 && !$0.explicit })
        try await withFakeServer(state) { server in
            let page = try await send(server, .GET, "/api/libraries/\(libraryId)/items").decode(WireItemsPage.self)
            let entry = try #require(page.results.first { $0.id == item.id }?.media.book)
            let s = item.series
            #expect(entry.metadata.seriesName == "\(s[0].name) #\(s[0].sequence!), " + (s[1].sequence.map { "\(s[1].name) #\($0)" } ?? s[1].name))
            #expect(entry.metadata.authorName == "\(item.authors[0].name), \(item.authors[1].name)")
            #expect(entry.metadata.narratorName == item.narrators.joined(separator: ", "))
        }
    }

    @Test func pagesSortedByAddedAtCoverEveryItemOnceInAStableOrder() async throws {
        let state = FakeABSState.generated(items: 137)
        let libraryId = await bookLibraryId(state)
        let books = await state.allItems().filter { $0.libraryId == libraryId }
        try await withFakeServer(state) { server in
            var seen: [String] = []
            for page in 0..<5 {
                let reply = try await send(server, .GET, "/api/libraries/\(libraryId)/items?sort=addedAt&limit=30&page=\(page)")
                let decoded = try reply.decode(WireItemsPage.self)
                #expect(decoded.total == 137)
                seen += decoded.results.map(\.id)
            }
            let expected = books.sorted { ($0.addedAt, $0.id) < ($1.addedAt, $1.id) }.map(\.id)
            #expect(seen == expected)
            // Ties in addedAt exist (a scan adds items in bursts) and are broken by id.
            #expect(Set(books.map(\.addedAt)).count < books.count)

            let desc = try await send(server, .GET, "/api/libraries/\(libraryId)/items?sort=addedAt&desc=1").decode(WireItemsPage.self)
            #expect(desc.results.map(\.id) == expected.reversed())
            #expect(desc.sortDesc)
        }
    }

    @Test func withoutLimitOrWithLimitZeroEverythingComes() async throws {
        let state = FakeABSState.generated(items: 45)
        let libraryId = await bookLibraryId(state)
        try await withFakeServer(state) { server in
            for query in ["", "?limit=0", "?limit=0&page=3", "?limit=abc"] {
                let page = try await send(server, .GET, "/api/libraries/\(libraryId)/items\(query)").decode(WireItemsPage.self)
                #expect(page.results.count == 45, "\(query)")
                #expect(page.limit == 0, "\(query)")
            }
            let beyond = try await send(server, .GET, "/api/libraries/\(libraryId)/items?limit=20&page=9").decode(WireItemsPage.self)
            #expect(beyond.results.isEmpty)
            #expect(beyond.total == 45)
        }
    }

    @Test func negativeOrFractionalPagingIsRefused() async throws {
        let state = FakeABSState.generated(items: 5)
        let libraryId = await bookLibraryId(state)
        try await withFakeServer(state) { server in
            for (query, key) in [("limit=-1", "limit"), ("limit=2.5", "limit"), ("page=-2", "page"), ("limit=10&page=0.5", "page")] {
                let reply = try await send(server, .GET, "/api/libraries/\(libraryId)/items?\(query)")
                #expect(reply.status == 400, "\(query)")
                #expect(reply.text == "Invalid request. \(key) must be a positive integer", "\(query)")
            }
        }
    }

    @Test func sortingByTitleFoldsCaseAndDescReverses() async throws {
        let state = FakeABSState.generated(items: 60)
        let libraryId = await bookLibraryId(state)
        try await withFakeServer(state) { server in
            let asc = try await send(server, .GET, "/api/libraries/\(libraryId)/items?sort=media.metadata.title").decode(WireItemsPage.self)
            let titles = asc.results.compactMap { $0.media.book?.metadata.title?.lowercased() }
            #expect(titles == titles.sorted())
            let desc = try await send(server, .GET, "/api/libraries/\(libraryId)/items?sort=media.metadata.title&desc=1").decode(WireItemsPage.self)
            #expect(desc.results.map(\.id) == asc.results.map(\.id).reversed())
            // No sort: some fixed order (the fake uses ids).
            let unsorted = try await send(server, .GET, "/api/libraries/\(libraryId)/items").decode(WireItemsPage.self)
            #expect(unsorted.results.map(\.id) == unsorted.results.map(\.id).sorted())
            #expect(unsorted.sortBy == nil)
        }
    }

    @Test func anUnknownLibraryIs404LibraryNotFound() async throws {
        try await withFakeServer { server in
            let reply = try await send(server, .GET, "/api/libraries/no-such-library/items")
            #expect(reply.status == 404)
            #expect(reply.text == "Library not found")
            #expect(reply.contentType == "text/html; charset=utf-8")
        }
    }

    @Test func explicitItemsAreHiddenFromUsersWithoutAccess() async throws {
        let state = FakeABSState.generated(items: 300)
        let libraryId = await bookLibraryId(state)
        let explicitCount = await state.allItems().filter(\.explicit).count
        #expect(explicitCount > 0)
        try await withFakeServer(state) { server in
            let admin = try await send(server, .GET, "/api/libraries/\(libraryId)/items").decode(WireItemsPage.self)
            let user = try await send(server, .GET, "/api/libraries/\(libraryId)/items", auth: .bearer(FakeABSState.userToken))
                .decode(WireItemsPage.self)
            #expect(admin.total == 300)
            #expect(user.total == 300 - explicitCount)
            #expect(user.results.allSatisfy { $0.media.book?.metadata.explicit == false })
        }
    }

    @Test func thePodcastLibraryListsPodcasts() async throws {
        let state = FakeABSState.generated(items: 3)
        let podcasts = try #require(await state.allLibraries().first { $0.mediaType == "podcast" })
        try await withFakeServer(state) { server in
            let page = try await send(server, .GET, "/api/libraries/\(podcasts.id)/items").object()
            #expect(page["mediaType"] as? String == "podcast")
            let results = try #require(page["results"] as? [[String: Any]])
            #expect(results.count == 2)
            #expect(results.allSatisfy { $0["mediaType"] as? String == "podcast" && $0[path: "media.numEpisodes"] is Int })
        }
    }
}
