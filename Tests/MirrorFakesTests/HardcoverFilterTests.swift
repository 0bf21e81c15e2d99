import Foundation
import MirrorFakes
import Testing

/// Hasura's where, order_by, limit and offset, top-level and nested, on a hand-made catalog.
struct HardcoverFilterTests {
    /// The ids of `data.<key>` for `query`.
    func ids(_ server: FakeHardcoverServer, _ query: String, _ variables: [String: Any] = [:],
             key: String = "books") async throws -> [Int] {
        try await graphQL(server, query, variables: variables).rows(key).compactMap { int($0["id"]) }
    }

    func check(_ server: FakeHardcoverServer, _ query: String, _ variables: [String: Any] = [:], key: String = "books",
               expect expected: [Int], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let got = try await ids(server, query, variables, key: key)
        #expect(got == expected, sourceLocation: sourceLocation)
    }

    @Test func comparisonOperatorsWithLiteralsAndVariables() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            try await check(server, "{ books(where: {id: {_in: [40, 10, 99]}}) { id } }", expect: [10, 40])
            try await check(server, "query($ids: [Int!]) { books(where: {id: {_in: $ids}}) { id } }", ["ids": [40, 10]], expect: [10, 40])
            try await check(server, "{ books(where: {id: {_nin: [10, 20]}}) { id } }", expect: [30, 40, 50, 60])
            try await check(server, "{ books(where: {title: {_eq: \"The Way of Kings\"}}) { id } }", expect: [10, 50])
            try await check(server, "{ books(where: {title: {_neq: \"The Way of Kings\"}}) { id } }", expect: [20, 30, 40, 60])
            try await check(server, "{ books(where: {users_count: {_gte: 800, _lt: 4000}}) { id } }", expect: [20, 30])
            try await check(server, "{ books(where: {users_count: {_gt: 3000}}) { id } }", expect: [10, 40])
            try await check(server, "{ books(where: {release_year: {_is_null: true}}) { id } }", expect: [60])
            try await check(server, "{ books(where: {release_year: {_lte: 2010}}) { id } }", expect: [10, 40, 50])
            // A single value where a list is expected is a one-element list.
            try await check(server, "{ books(where: {id: {_in: 20}}) { id } }", expect: [20])
            try await check(server, "query($t: [String!]!) { books(where: {title: {_in: $t}}) { id } }", ["t": "Edgedancer"], expect: [30])
            // Hasura v2: a comparison with null is no condition.
            try await check(server, "{ books(where: {id: {_eq: null}}) { id } }", expect: [10, 20, 30, 40, 50, 60])
            try await check(server, "{ editions(where: {asin: {_eq: \"B003P2WO5E\"}}) { id } }", key: "editions", expect: [103])
        }
    }

    @Test func andOrNotAndRelationFilters() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            try await check(server, """
                { books(where: {_or: [{id: {_eq: 20}}, {title: {_eq: "Good Omens"}}]}) { id } }
                """, expect: [20, 40])
            try await check(server, """
                { books(where: {_and: [{users_count: {_gt: 100}}, {_not: {contributions: {author_id: {_eq: 1}}}}]}) { id } }
                """, expect: [40])
            try await check(server, """
                { books(where: {editions: {asin: {_eq: "B003ZWFO7E"}}}) { id } }
                """, expect: [10])
            try await check(server, """
                { books(where: {contributions: {author: {name: {_eq: "Neil Gaiman"}}}}) { id } }
                """, expect: [40])
            try await check(server, "{ books(where: {book_series: {position: {_eq: 2.5}}}) { id } }", expect: [30])
            try await check(server, "{ books(where: {book_series: {series: {name: {_eq: \"The Stormlight Archive\"}}}}) { id } }", expect: [10, 20, 30])
            try await check(server, """
                { editions(where: {book: {title: {_eq: "The Way of Kings"}}, reading_format_id: {_eq: 2}}) { id } }
                """, key: "editions", expect: [101, 104])
            try await check(server, """
                { editions(where: {_or: [{isbn_13: {_in: ["9780060853983"]}}, {asin: {_in: ["B00DA6YEKS"]}}]}) { id } }
                """, key: "editions", expect: [201, 401, 402])
            try await check(server, "{ editions(where: {reading_format: {format: {_eq: \"Ebook\"}}}) { id } }", key: "editions", expect: [103, 402])
            try await check(server, "{ books(where: {_or: []}) { id } }", expect: [])
            try await check(server, "{ books(where: {_and: []}) { id } }", expect: [10, 20, 30, 40, 50, 60])
        }
    }

    @Test func orderByLimitAndOffset() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            try await check(server, "{ books(order_by: {users_count: desc}) { id } }", expect: [10, 40, 20, 30, 50, 60])
            // Postgres: NULLS LAST ascending, NULLS FIRST descending.
            try await check(server, "{ books(order_by: {release_year: asc}) { id } }", expect: [50, 40, 10, 20, 30, 60])
            try await check(server, "{ books(order_by: {release_year: desc}) { id } }", expect: [60, 30, 20, 10, 40, 50])
            try await check(server, "{ books(order_by: {release_year: desc_nulls_last}) { id } }", expect: [30, 20, 10, 40, 50, 60])
            try await check(server, "{ books(order_by: {release_year: asc_nulls_first}, limit: 2) { id } }", expect: [60, 50])
            // A list of objects: title, then users_count.
            try await check(server, "{ books(order_by: [{title: asc}, {users_count: asc}]) { id } }", expect: [30, 40, 50, 10, 60, 20])
            let order: [[String: Any]] = [["title": "desc"], ["id": "desc"]]
            try await check(server, "query($o: [books_order_by!]) { books(order_by: $o, limit: 3) { id } }", ["o": order], expect: [20, 60, 50])
            try await check(server, "{ books(order_by: {id: asc}, limit: 2, offset: 2) { id } }", expect: [30, 40])
            try await check(server, "{ books(order_by: {id: asc}, offset: 10) { id } }", expect: [])
            try await check(server, "{ books(limit: 0) { id } }", expect: [])
            let negative = try await graphQL(server, "{ books(limit: -1) { id } }")
            #expect(negative.status == 200)
            let error = try negative.graphQLError()
            #expect(error.message == "unexpected negative value")
        }
    }

    @Test func nestedRelationsTakeWhereOrderByLimitAndOffset() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let reply = try await graphQL(server, """
                { books_by_pk(id: 10) {
                    all: editions(order_by: {users_count: desc}) { id }
                    audio: editions(where: {reading_format_id: {_eq: 2}}, order_by: {users_count: desc}, limit: 1) { id users_count }
                    second: editions(order_by: {id: asc}, limit: 1, offset: 1) { id }
                    contributions(order_by: {id: asc}) { contribution author { id name } }
                    book_series(order_by: {position: asc}) { position series { id name } }
                } }
                """)
            let book = try #require(try reply.object()[path: "data.books_by_pk"] as? [String: Any], "\(reply.text)")
            func idsOf(_ key: String) -> [Int] { (book[key] as? [[String: Any]] ?? []).compactMap { int($0["id"]) } }
            let all = idsOf("all"), audio = idsOf("audio"), second = idsOf("second")
            #expect(all == [102, 101, 103, 104])
            #expect(audio == [101])
            #expect(second == [102])
            #expect(reply.text.contains(#""contributions":[{"contribution":null,"author":{"id":1,"name":"Brandon Sanderson"}}]"#))
            #expect(reply.text.contains(#""book_series":[{"position":1,"series":{"id":100,"name":"The Stormlight Archive"}}]"#))

            let narrators = try await graphQL(server, """
                { editions_by_pk(id: 101) { contributions(where: {contribution: {_eq: "Narrator"}}, order_by: {id: asc}, limit: 1) {
                  author { name } } cached_contributors } }
                """)
            #expect(narrators.text.contains(#""contributions":[{"author":{"name":"Michael Kramer"}}]"#))
            // cached_contributors: the book's authors, then the edition's narrators.
            #expect(narrators.text.contains(#"{"author":{"id":1,"name":"Brandon Sanderson","slug":"brandon-sanderson","image":{}},"contribution":null}"#))
            #expect(narrators.text.contains(#"{"author":{"id":4,"name":"Kate Reading","slug":"kate-reading","image":{}},"contribution":"Narrator"}"#))
        }
    }

    @Test func listsAreCappedAtAHundredRows() async throws {
        let books = (1...150).map { FakeHardcoverBook(id: $0, title: "Book \($0)") }
        let editions = (1...120).map { FakeHardcoverEdition(id: 1000 + $0, bookId: 1, readingFormatId: 1) }
        let state = FakeHardcoverState(catalog: FakeHardcoverCatalog(books: books, editions: editions), limits: .unlimited)
        try await withHardcover(state) { server in
            try await check(server, "{ books(limit: 500) { id } }", expect: Array(1...100))
            try await check(server, "{ books(offset: 100) { id } }", expect: Array(101...150))
            let nested = try await graphQL(server, "{ books_by_pk(id: 1) { editions(limit: 110) { id } } }")
            let editionRows = try #require(try nested.object()[path: "data.books_by_pk.editions"] as? [Any])
            #expect(editionRows.count == 100)
        }
    }

    @Test func scalarsByPkAliasesTypenameFragmentsAndDirectives() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let reply = try await graphQL(server, """
                query Q($skip: Boolean!) {
                  __typename
                  kings: books_by_pk(id: 10) { __typename ...Core rating release_date cached_tags(path: "Genre[0].tag") }
                  edge: books_by_pk(id: 30) { ... on books { id book_series { position } } }
                  missing: books_by_pk(id: 999) { id }
                  e: editions_by_pk(id: 101) { book { title } reading_format { id format } publisher { name }
                       language { language code2 code3 } skipped: id @skip(if: $skip) included: id @include(if: true) }
                }
                fragment Core on books { id title }
                """, variables: ["skip": true])
            #expect(reply.status == 200)
            #expect(reply.text == """
                {"data":{"__typename":"query_root","kings":{"__typename":"books","id":10,"title":"The Way of Kings","rating":4.6,\
                "release_date":"2010-08-31","cached_tags":"Fantasy"},"edge":{"id":30,"book_series":[{"position":2.5}]},\
                "missing":null,"e":{"book":{"title":"The Way of Kings"},"reading_format":{"id":2,"format":"Listened"},\
                "publisher":{"name":"Macmillan Audio"},"language":{"language":"English","code2":"en","code3":"eng"},"included":101}}}
                """)
        }
    }

    @Test func theOtherRootsAnswerToo() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let reply = try await graphQL(server, """
                { authors(where: {name: {_eq: "Neil Gaiman"}}) { id name slug books_count }
                  series { id name books_count }
                  book_series(where: {book_id: {_eq: 30}}) { position book { title } }
                  contributions(where: {contribution: {_eq: "Narrator"}}, limit: 2, order_by: {id: asc}) { contributable_type author_id }
                  reading_formats { id format } }
                """)
            #expect(reply.text == """
                {"data":{"authors":[{"id":6,"name":"Neil Gaiman","slug":"neil-gaiman","books_count":1}],\
                "series":[{"id":100,"name":"The Stormlight Archive","books_count":3}],\
                "book_series":[{"position":2.5,"book":{"title":"Edgedancer"}}],\
                "contributions":[{"contributable_type":"Edition","author_id":3},{"contributable_type":"Edition","author_id":4}],\
                "reading_formats":[{"id":1,"format":"Read"},{"id":2,"format":"Listened"},{"id":3,"format":"Both"},{"id":4,"format":"Ebook"}]}}
                """)
        }
    }
}
