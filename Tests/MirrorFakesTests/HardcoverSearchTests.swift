import Foundation
import MirrorFakes
import Testing

/// `search`: matching, ranking, paging, and the SearchOutput shape.
struct HardcoverSearchTests {
    static let catalog = FakeHardcoverCatalog(
        books: SmallCatalog.books + [
            FakeHardcoverBook(id: 70, title: "Cien años de soledad", usersCount: 9_000,
                              contributions: [FakeHardcoverContribution(authorId: 8, authorName: "Gabriel García Márquez")],
                              series: [FakeHardcoverBookSeries(seriesId: 200, name: "Macondo", position: 1.5)]),
        ],
        editions: SmallCatalog.editions)

    /// search's ids and the whole SearchOutput.
    func search(_ server: FakeHardcoverServer, _ query: String, perPage: Int = 25, page: Int = 1,
                type: String = "Book") async throws -> (ids: [Int], output: [String: Any]) {
        let reply = try await graphQL(server, """
            query($q: String!, $t: String!, $n: Int!, $p: Int!) {
              search(query: $q, query_type: $t, per_page: $n, page: $p) { error ids page per_page query query_type results }
            }
            """, variables: ["q": query, "t": type, "n": perPage, "p": page])
        let output = try #require(try reply.object()[path: "data.search"] as? [String: Any], "\(reply.text)")
        return (ints(output["ids"]), output)
    }

    func expectIds(_ server: FakeHardcoverServer, _ query: String, _ expected: [Int]? = nil, first: Int? = nil,
                   sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let ids = try await search(server, query).ids
        if let expected { #expect(ids == expected, "\(query)", sourceLocation: sourceLocation) }
        if let first { #expect(ids.first == first, "\(query) -> \(ids)", sourceLocation: sourceLocation) }
    }

    @Test func matchingFoldsCaseAndDiacriticsAndForgivesOneTypoOrOneMissingWord() async throws {
        let state = FakeHardcoverState(catalog: Self.catalog, limits: .unlimited)
        try await withHardcover(state) { server in
            // Both books titled so; the more popular first.
            try await expectIds(server, "the WAY of kings", [10, 50])
            try await expectIds(server, "Way of Kings Sanderson", first: 10)
            try await expectIds(server, "Way of Kngs Sandersen", first: 10)
            try await expectIds(server, "The Way of Kings by Brandon Sanderson", first: 10)
            try await expectIds(server, "cien anos de soledad garcia marquez", [70])
            try await expectIds(server, "good omens pratchett gaiman", [40])
            try await expectIds(server, "9780765326355", [10])
            try await expectIds(server, "zzz qqq", [])
            try await expectIds(server, "", [])
        }
    }

    @Test func pagesAndTheTypesenseShape() async throws {
        let state = FakeHardcoverState(catalog: Self.catalog, limits: .unlimited)
        try await withHardcover(state) { server in
            let second = try await search(server, "way of kings", perPage: 1, page: 2)
            #expect(second.ids == [50])
            #expect(int(second.output["page"]) == 2)
            #expect(int(second.output["per_page"]) == 1)
            #expect(second.output["query_type"] as? String == "Book")
            let results = try #require(second.output["results"] as? [String: Any])
            #expect(int(results["found"]) == 2)
            #expect(int(results["out_of"]) == 7)
            #expect(int(results["page"]) == 2)
            #expect(results["request_params"] is [String: Any])

            let capped = try await search(server, "way", perPage: 500)
            #expect(int(capped.output["per_page"]) == 100)

            let macondo = try await search(server, "cien anos soledad")
            let hit = try #require(((macondo.output["results"] as? [String: Any])?["hits"] as? [[String: Any]])?.first)
            #expect(hit["text_match"] is NSNumber)
            #expect(hit["highlight"] is [String: Any])
            let document = try #require(hit["document"] as? [String: Any])
            #expect(document["id"] as? String == "70")
            #expect(document["author_names"] as? [String] == ["Gabriel García Márquez"])
            #expect(document["series_names"] as? [String] == ["Macondo"])
            #expect(document["has_audiobook"] as? Bool == false)
            #expect(int(document["users_count"]) == 9_000)
            let featured = try #require(document["featured_series"] as? [String: Any])
            #expect((featured["position"] as? NSNumber)?.doubleValue == 1.5)
            #expect((featured["series"] as? [String: Any])?["name"] as? String == "Macondo")
            #expect((document["image"] as? [String: Any])?["url"] is String)

            let kings = try await search(server, "way of kings sanderson")
            let kingsHit = try #require(((kings.output["results"] as? [String: Any])?["hits"] as? [[String: Any]])?.first)
            let kingsDocument = try #require(kingsHit["document"] as? [String: Any])
            #expect(Set(kingsDocument["isbns"] as? [String] ?? []) == ["9781427210173", "0765326353", "9780765326355"])
            #expect(kingsDocument["contribution_types"] as? [String] == ["Author", "Narrator"])
            #expect(kingsDocument["has_audiobook"] as? Bool == true)

            let authors = try await search(server, "sanderson", type: "Author")
            #expect(authors.ids.isEmpty)
            #expect(authors.output["error"] is String)
        }
    }

    @Test func distinctOnKeepsTheFirstRowOfEachValue() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let reply = try await graphQL(server, "{ editions(distinct_on: book_id) { id book_id } }")
            let rows = try reply.rows("editions")
            #expect(rows.compactMap { int($0["id"]) } == [101, 201, 301, 401])
            let titles = try await graphQL(server, "{ books(distinct_on: [title], order_by: [{title: asc}, {users_count: desc}]) { id } }")
            let distinctTitles = try titles.rows("books").compactMap { int($0["id"]) }
            #expect(distinctTitles == [30, 40, 10, 60, 20])
            let misordered = try await graphQL(server, "{ books(distinct_on: title, order_by: {id: asc}) { id } }")
            let error = try misordered.graphQLError()
            #expect(error.message == "\"distinct_on\" columns must match initial \"order_by\" columns")
        }
    }
}
