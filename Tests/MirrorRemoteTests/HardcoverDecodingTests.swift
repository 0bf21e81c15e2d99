import Foundation
import MirrorCore
@testable import MirrorRemote
import Testing

/// Hardcover's wire JSON is mapped to Core types at the boundary, with the shapes that vary.
struct HardcoverDecodingTests {
    private func books(_ json: String) throws -> [HardcoverBook] {
        let response = try JSONDecoder().decode(WireGraphQLResponse<WireBooksData>.self, from: Data(json.utf8))
        return try #require(response.data).books.map(HardcoverMapping.book)
    }

    @Test func aBookWithContributionsSeriesTagsAndEditions() throws {
        let book = try #require(try books("""
            {"data":{"books":[{"id":328491,"title":"The Way of Kings","subtitle":null,"description":"  Roshar is a world…  ",
             "release_year":2010,"release_date":"2010-08-31","pages":1007,"audio_seconds":164880,"rating":"4.6511627906976744",
             "users_count":18234,"default_audio_edition_id":30405060,"canonical_id":null,
             "cached_tags":{"Genre":[{"tag":"Fantasy","tagSlug":"fantasy","category":"Genre","count":120},{"tag":"Epic","count":3}],"Mood":[]},
             "contributions":[{"contribution":null,"author":{"id":204214,"name":"Brandon Sanderson"}},
                              {"contribution":"Illustrator","author":{"id":7,"name":"Isaac Stewart"}},
                              {"contribution":null,"author":null}],
             "book_series":[{"position":1,"series":{"id":997,"name":"The Stormlight Archive"}},{"position":1.5,"series":{"id":998,"name":"Cosmere"}},
                            {"position":null,"series":{"id":999,"name":"Unnumbered"}}],
             "default_audio_edition":{"id":30405060,"book_id":328491,"title":"The Way of Kings","asin":"b003zwfo7e","isbn_13":null,
                "reading_format_id":2,"audio_seconds":164880,"users_count":900,
                "cached_contributors":[{"author":{"id":1,"name":"Michael Kramer"},"contribution":"Narrator"},
                                       {"author":{"id":2,"name":"Kate Reading"},"contribution":"Narrator"},
                                       {"author":{"id":204214,"name":"Brandon Sanderson"},"contribution":null}],
                "publisher":{"name":"Macmillan Audio"},"language":{"language":"English","code2":"en","code3":"eng"}},
             "editions":[{"id":30405060,"book_id":328491,"reading_format_id":2,"users_count":900,"cached_contributors":[]},
                         {"id":11,"book_id":328491,"reading_format_id":2,"users_count":5,"cached_contributors":[{"name":"Flat Narrator","contribution":"Narrator"}],
                          "publisher":null,"language":{"language":"Deutsch","code2":null,"code3":"ger"}}]}]}}
            """).first)
        #expect(book.id == 328491)
        #expect(book.title == "The Way of Kings")
        #expect(book.description == "Roshar is a world…")
        #expect(book.authors == ["Brandon Sanderson"])
        #expect(book.contributors == [HardcoverContributor(name: "Brandon Sanderson"), HardcoverContributor(name: "Isaac Stewart", role: "Illustrator")])
        #expect(book.series == [HardcoverSeriesEntry(name: "The Stormlight Archive", position: 1),
                                HardcoverSeriesEntry(name: "Cosmere", position: 1.5),
                                HardcoverSeriesEntry(name: "Unnumbered", position: nil)])
        #expect(book.genres == ["Fantasy", "Epic"])
        #expect(book.rating.map { abs($0 - 4.6512) < 0.001 } == true)
        #expect(book.defaultAudioEditionId == 30405060)
        #expect(book.editions.map(\.id) == [30405060, 11], "the default audio edition once, first")
        let audio = book.editions[0]
        #expect(audio.asin == "B003ZWFO7E")
        #expect(audio.readingFormat == .audiobook)
        #expect(audio.narrators == ["Michael Kramer", "Kate Reading"])
        #expect(audio.publisher == "Macmillan Audio")
        #expect(audio.language == "English")
        #expect(audio.languageCode == "en")
        #expect(book.editions[1].narrators == ["Flat Narrator"])
        #expect(book.editions[1].languageCode == "ger")
        #expect(book.editions[1].bookId == 328491)
    }

    @Test func missingRelationsAndNullsDecode() throws {
        let book = try #require(try books("""
            {"data":{"books":[{"id":5,"title":"  ","users_count":0,"cached_tags":{},"contributions":[],"book_series":[],
              "default_audio_edition":null,"editions":[]}]}}
            """).first)
        #expect(book.title == "")
        #expect(book.authors.isEmpty && book.series.isEmpty && book.genres.isEmpty && book.editions.isEmpty)
    }

    @Test(arguments: [
        #"{"found":2,"hits":[{"document":{"id":"42","title":"Dune","author_names":["Frank Herbert"]}},{"document":{"id":"7","title":"Dune Messiah"}}]}"#,
        #""{\"found\":2,\"hits\":[{\"document\":{\"id\":\"42\",\"title\":\"Dune\",\"author_names\":[\"Frank Herbert\"]}},{\"document\":{\"id\":\"7\",\"title\":\"Dune Messiah\"}}]}""#,
    ])
    func searchHitsWithStringIdsWhetherResultsIsAnObjectOrAString(_ results: String) throws {
        let json = #"{"data":{"search":{"error":null,"ids":[42,7],"query":"dune","results":"# + results + "}}}"
        let response = try JSONDecoder().decode(WireGraphQLResponse<WireSearchData>.self, from: Data(json.utf8))
        let hits = HardcoverMapping.searchHits(try #require(response.data?.search))
        #expect(hits == [HardcoverSearchHit(bookId: 42, rank: 1, title: "Dune", authorNames: ["Frank Herbert"]),
                         HardcoverSearchHit(bookId: 7, rank: 2, title: "Dune Messiah")])
    }

    @Test func searchFallsBackToTheIdsWhenResultsAreMissing() throws {
        let json = #"{"data":{"search":{"ids":[3,null,9],"results":null}}}"#
        let response = try JSONDecoder().decode(WireGraphQLResponse<WireSearchData>.self, from: Data(json.utf8))
        #expect(HardcoverMapping.searchHits(try #require(response.data?.search)).map(\.bookId) == [3, 9])
    }

    @Test func errorsMayBeObjectsOrPlainStrings() throws {
        let objects = #"{"errors":[{"message":"field 'x' not found in type: 'books'","extensions":{"path":"$.selectionSet.books.selectionSet.x","code":"validation-failed"}}]}"#
        let strings = #"{"errors":["top_level_limit_exceeded","Too many top-level fields"]}"#
        let a = try JSONDecoder().decode(WireGraphQLResponse<WireBooksData>.self, from: Data(objects.utf8))
        let b = try JSONDecoder().decode(WireErrorBody.self, from: Data(strings.utf8))
        #expect(a.errors?.map(\.message) == ["field 'x' not found in type: 'books' (validation-failed)"])
        #expect(b.text == "top_level_limit_exceeded; Too many top-level fields")
        let token = try JSONDecoder().decode(WireErrorBody.self, from: Data(#"{"error":"invalid_token","error_description":"Malformed Authorization header"}"#.utf8))
        #expect(token.text == "invalid_token: Malformed Authorization header")
    }
}

struct HardcoverConnectionTests {
    @Test(arguments: ["hc_pat_abc", "Bearer hc_pat_abc", "bearer hc_pat_abc", "  BEARER   hc_pat_abc \n", "Bearer Bearer hc_pat_abc"])
    func theTokenIsSentOnceWithBearerHoweverItWasPasted(_ pasted: String) throws {
        #expect(try HardcoverConnection(token: pasted).token == "hc_pat_abc")
    }

    @Test func anEmptyTokenOrABadURLIsAConfigurationError() {
        #expect(throws: RemoteError.self) { try HardcoverConnection(token: "Bearer ") }
        #expect(throws: RemoteError.self) { try HardcoverConnection(url: "api.hardcover.app/v1/graphql", token: "x") }
    }
}
