import Foundation
import MirrorFakes
import Testing

/// The client's five queries, against a derived catalog, checked against the ground truth.
struct HardcoverClientQueryTests {
    static let editionKeys = ["id", "book_id", "title", "subtitle", "isbn_10", "isbn_13", "asin", "audio_seconds", "pages",
                              "edition_format", "reading_format_id", "release_date", "users_count", "cached_contributors",
                              "publisher", "language"]
    static let bookKeys = ["id", "title", "subtitle", "description", "release_year", "release_date", "pages", "audio_seconds",
                           "rating", "users_count", "cached_tags", "default_audio_edition_id", "canonical_id", "contributions",
                           "book_series", "default_audio_edition", "editions"]

    @Test func editionsByIdentifiersFindsTheAudiobookEditionOfEveryIdentifierItem() async throws {
        let library = await HardcoverLibrary()
        let state = library.state()
        try await withHardcover(state) { server in
            for chunk in library.items(.identifier).chunked(25) {
                let isbn13 = chunk.compactMap(\.isbn)
                let isbn10 = isbn13.compactMap(Self.isbn10)
                let asins = chunk.compactMap(\.asin)
                var found: [[String: Any]] = []
                var offset = 0
                while true {
                    let page = try await graphQL(server, ClientQueries.editionsByIdentifiers, variables: [
                        "isbn13": isbn13, "isbn10": isbn10, "asins": asins, "limit": 40, "offset": offset,
                    ]).rows("editions")
                    found += page
                    if page.count < 40 { break }
                    offset += 40
                }
                let ids = found.compactMap { int($0["id"]) }
                #expect(ids == ids.sorted(), "order_by id asc across pages")
                #expect(Set(ids).count == ids.count, "pages do not overlap")
                let wanted = Set(isbn13 + isbn10 + asins)
                for edition in found {
                    #expect(Set(edition.keys) == Set(Self.editionKeys))
                    let identifiers = [edition["isbn_13"], edition["isbn_10"], edition["asin"]].compactMap { $0 as? String }
                    #expect(!wanted.isDisjoint(with: identifiers))
                    #expect(edition["cached_contributors"] is [Any])
                }
                for item in chunk {
                    let truth = try #require(library.derived.truth[item.id])
                    let match = found.first { int($0["id"]) == truth.editionId }
                    let edition = try #require(match, "\(item.title)")
                    #expect(int(edition["book_id"]) == truth.bookId)
                    #expect(int(edition["reading_format_id"]) == 2)
                }
            }
            let log = await state.requests()
            let allPaid = log.allSatisfy { $0.status == 200 && $0.cost == 1 && $0.topLevelFields == ["editions"] }
            #expect(allPaid)
        }
    }

    @Test func theIdentifiersOfTitleAndSearchItemsFindNotTheirBook() async throws {
        let library = await HardcoverLibrary()
        try await withHardcover(library.state()) { server in
            let others = library.items(.title) + library.items(.search)
            for chunk in others.chunked(50) {
                let editions = try await graphQL(server, ClientQueries.editionsByIdentifiers, variables: [
                    "isbn13": chunk.compactMap(\.isbn), "isbn10": [String](), "asins": chunk.compactMap(\.asin),
                    "limit": 100, "offset": 0,
                ]).rows("editions")
                let books = Set(editions.compactMap { int($0["book_id"]) })
                for item in chunk { #expect(!books.contains(library.derived.truth[item.id]!.bookId), "\(item.title)") }
            }
        }
    }

    @Test func booksByTitleFindsEveryTitleItemWithTheDetailSelection() async throws {
        let library = await HardcoverLibrary()
        let state = library.state()
        try await withHardcover(state) { server in
            for chunk in library.items(.title).chunked(20) {
                let titles = chunk.map(\.title)
                let books = try await graphQL(server, ClientQueries.booksByTitle, variables: [
                    "titles": titles, "limit": 100, "offset": 0, "editions": 3,
                ]).rows("books")
                let returned = books.map { $0["title"] as? String ?? "" }
                #expect(Set(returned).isSubset(of: titles))
                for item in chunk {
                    let truth = try #require(library.derived.truth[item.id])
                    let match = books.first { int($0["id"]) == truth.bookId }
                    let book = try #require(match, "\(item.title)")
                    try Self.checkDetail(book, library.catalog, editionLimit: 3)
                    let authors = (book["contributions"] as? [[String: Any]] ?? [])
                        .filter { $0["contribution"] is NSNull }.compactMap { ($0["author"] as? [String: Any])?["name"] as? String }
                    #expect(authors == item.authors.map(\.name))
                }
            }
        }
    }

    @Test func searchFindsEverySearchItemByTitleAndAuthor() async throws {
        let library = await HardcoverLibrary()
        let state = library.state()
        let items = library.items(.search)
        #expect(items.count >= 20)
        try await withHardcover(state) { server in
            var ranks: [Int] = []
            for item in items {
                let truth = try #require(library.derived.truth[item.id])
                let query = "\(item.title) \(item.authors.first?.name ?? "")"
                #expect(library.catalog.book(id: truth.bookId)?.title != item.title)
                let reply = try await graphQL(server, ClientQueries.search, variables: [
                    "query": query, "type": "Book", "perPage": 25, "page": 1,
                ])
                let search = try #require(try reply.object()[path: "data.search"] as? [String: Any], "\(reply.text)")
                #expect(search["error"] is NSNull)
                #expect(search["query"] as? String == query)
                let ids = ints(search["ids"])
                let results = try #require(search["results"] as? [String: Any])
                let hits = try #require(results["hits"] as? [[String: Any]])
                let documentIds = hits.compactMap { ($0["document"] as? [String: Any])?["id"] }
                let stringIds = documentIds.compactMap { $0 as? String }
                #expect(stringIds.count == documentIds.count, "document ids are strings")
                #expect(stringIds.compactMap { Int($0) } == ids)
                #expect((results["found"] as? Int ?? 0) >= ids.count)
                let rank = try #require(ids.firstIndex(of: truth.bookId), "\(query) -> \(ids)")
                ranks.append(rank)
            }
            // Plausible ranking: mostly first.
            let firsts = ranks.filter { $0 == 0 }.count
            #expect(firsts * 2 > ranks.count)
        }
    }

    @Test func bookDetailsAnswersTheBooksAskedForWithNestedLimits() async throws {
        let library = await HardcoverLibrary()
        try await withHardcover(library.state()) { server in
            // The most edition-rich books: nested limits matter there.
            let ids = library.catalog.books.sorted { library.catalog.editions(ofBook: $0.id).count > library.catalog.editions(ofBook: $1.id).count }
                .prefix(10).map(\.id)
            let audioCount = library.catalog.editions(ofBook: ids[0]).filter(\.isAudiobook).count
            #expect(audioCount > 3)
            let books = try await graphQL(server, ClientQueries.bookDetails, variables: ["ids": ids, "limit": 100, "editions": 3])
                .rows("books")
            #expect(books.compactMap { int($0["id"]) } == ids.sorted())
            for book in books { try Self.checkDetail(book, library.catalog, editionLimit: 3) }
        }
    }

    @Test func meIsAList() async throws {
        let library = await HardcoverLibrary(items: 20)
        try await withHardcover(library.state()) { server in
            let reply = try await graphQL(server, ClientQueries.me)
            #expect(reply.status == 200)
            #expect(reply.text == #"{"data":{"me":[{"id":1,"username":"fake-reader"}]}}"#)
            let legacy = try await graphQL(server, ClientQueries.me, auth: .bearer(FakeHardcoverState.legacyToken))
            #expect(legacy.text == reply.text)
        }
    }

    @Test func fiveAliasedFieldsInOneRequestCostFive() async throws {
        let library = await HardcoverLibrary()
        let state = library.state()
        try await withHardcover(state) { server in
            let ids = library.catalog.books.map(\.id)
            var variables: [String: Any] = ["limit": 10, "editions": 2]
            for n in 0..<5 { variables["ids\(n)"] = Array(ids[(n * 3)..<(n * 3 + 3)]) }
            let reply = try await graphQL(server, ClientQueries.batchedBookDetails(5), variables: variables)
            let data = try #require(try reply.object()["data"] as? [String: Any], "\(reply.text)")
            #expect(Array(data.keys).sorted() == ["b0", "b1", "b2", "b3", "b4"])
            for n in 0..<5 {
                let rows = data["b\(n)"] as? [[String: Any]] ?? []
                let got = rows.compactMap { int($0["id"]) }
                #expect(got == Array(ids[(n * 3)..<(n * 3 + 3)]))
            }
            let record = try #require(await state.requests().last)
            #expect(record.cost == 5)
            #expect(record.topLevelFields == Array(repeating: "books", count: 5))
            #expect(await state.usage().usedToday == 5)
        }
    }

    /// The detail selection of one book, checked against the catalog.
    static func checkDetail(_ book: [String: Any], _ catalog: FakeHardcoverCatalog, editionLimit: Int) throws {
        #expect(Set(book.keys) == Set(bookKeys))
        let id = try #require(int(book["id"]))
        let model = try #require(catalog.book(id: id))
        #expect(book["title"] as? String == model.title)
        #expect(int(book["users_count"]) == model.usersCount)
        let contributions = try #require(book["contributions"] as? [[String: Any]])
        #expect(contributions.count == model.contributions.count)
        for contribution in contributions { #expect(Set(contribution.keys) == Set(["contribution", "author"])) }
        let positions = (book["book_series"] as? [[String: Any]] ?? []).map { ($0["position"] as? NSNumber)?.doubleValue }
        let known = positions.compactMap { $0 }
        #expect(known == known.sorted())
        let tags = try #require(book["cached_tags"] as? [String: Any])
        #expect(Set(tags.keys) == Set(["Genre", "Mood", "Tag"]))
        let genres = (tags["Genre"] as? [[String: Any]] ?? []).compactMap { $0["tag"] as? String }
        #expect(genres == model.genres)

        let editions = try #require(book["editions"] as? [[String: Any]])
        let audio = catalog.editions(ofBook: id).filter(\.isAudiobook)
        #expect(editions.count == min(editionLimit, audio.count))
        let wellFormed = editions.allSatisfy { int($0["reading_format_id"]) == 2 && Set($0.keys) == Set(editionKeys) }
        #expect(wellFormed)
        let counts = editions.compactMap { int($0["users_count"]) }
        let mostUsers = audio.map(\.usersCount).max()
        #expect(counts == counts.sorted(by: >))
        #expect(counts.first == mostUsers)

        if let defaultId = model.defaultAudioEditionId {
            let edition = try #require(book["default_audio_edition"] as? [String: Any])
            #expect(int(edition["id"]) == defaultId)
            #expect(int(book["default_audio_edition_id"]) == defaultId)
        } else {
            #expect(book["default_audio_edition"] is NSNull)
        }
    }

    static func isbn10(_ isbn13: String) -> String? {
        guard isbn13.hasPrefix("978"), isbn13.count == 13 else { return nil }
        let body = Array(isbn13.dropFirst(3).dropLast())
        let sum = body.enumerated().reduce(0) { $0 + ($1.element.wholeNumberValue ?? 0) * (10 - $1.offset) }
        let check = (11 - sum % 11) % 11
        return String(body) + (check == 10 ? "X" : String(check))
    }
}
