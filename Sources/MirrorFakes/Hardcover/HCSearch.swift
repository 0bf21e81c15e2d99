/// The SearchOutput of `search`: {error ids page per_page query query_type results}, `results`
/// shaped as Typesense answers ({found, hits[{document, text_match, highlight}], out_of, page, ...})
/// with document ids as strings.
struct HCSearchOutput: Sendable {
    var error: String?
    var ids: [Int]
    var page: Int
    var perPage: Int
    var query: String
    var queryType: String
    var results: HCJSON

    func column(_ name: String) -> HCJSON? {
        switch name {
        case "error": .optional(error)
        case "ids": .array(ids.map(HCJSON.int))
        case "page": .int(page)
        case "per_page": .int(perPage)
        case "query": .string(query)
        case "query_type": .string(queryType)
        case "results": results
        default: nil
        }
    }
}

extension HCExecutor {
    static let defaultPerPage = 25
    static let maxPerPage = 100

    /// search(query:, query_type: "Book", per_page: 25 (0...100), page: 1...). Other query types
    /// answer an `error` and no results; sort, fields, weights, typos and filter_by are ignored.
    func search(_ arguments: [String: HCInput]) -> HCSearchOutput {
        let query = arguments["query"]?.stringValue ?? ""
        let queryType = arguments["query_type"]?.stringValue ?? "Book"
        let perPage = min(Self.maxPerPage, max(0, arguments["per_page"]?.intValue ?? Self.defaultPerPage))
        let page = max(1, arguments["page"]?.intValue ?? 1)
        guard queryType.lowercased() == "book" else {
            return HCSearchOutput(error: "Unsupported query_type '\(queryType)': the fake searches books only",
                                  ids: [], page: page, perPage: perPage, query: query, queryType: queryType, results: .null)
        }
        let hits = tables.search.search(query)
        let start = min(hits.count, (page - 1) * perPage)
        let pageHits = hits[start..<min(hits.count, start + perPage)]
        let results: HCJSON = [
            "facet_counts": [],
            "found": .int(hits.count),
            "hits": .array(pageHits.map(hitJSON)),
            "out_of": .int(tables.books.count),
            "page": .int(page),
            "request_params": ["collection_name": "Book_production", "first_q": .string(query),
                               "per_page": .int(perPage), "q": .string(query)],
            "search_cutoff": false,
            "search_time_ms": 1,
        ]
        return HCSearchOutput(error: nil, ids: pageHits.map { tables.books[$0.book].id }, page: page, perPage: perPage,
                              query: query, queryType: queryType,
                              results: searchResultsAsString ? .string(results.text) : results)
    }

    private func hitJSON(_ hit: FakeHardcoverSearchIndex.Hit) -> HCJSON {
        // Typesense's text_match: a large integer, larger for more (and more exact) tokens.
        let textMatch = 1 << 59 | hit.matched << 52 | hit.exact << 44 | 1_060_320_051
        return ["document": document(hit.book), "highlight": .object([]), "highlights": [], "text_match": .int(textMatch)]
    }

    /// The book as Hardcover indexes it in Typesense. Absent values are left out, as Typesense does.
    private func document(_ b: Int) -> HCJSON {
        let book = tables.books[b]
        let editions = tables.editionsOfBook[b].map { tables.editions[$0] }
        var members: [HCMember] = []
        func add(_ key: String, _ value: HCJSON?) { if let value, value != .null { members.append(HCMember(key, value)) } }
        let authors = book.contributions.filter { $0.contribution == nil }.map(\.authorName)
        var types: [String] = []
        for c in book.contributions + editions.flatMap(\.contributions) {
            let type = c.contribution ?? "Author"
            if !types.contains(type) { types.append(type) }
        }
        var isbns: [String] = []
        for e in editions {
            for isbn in [e.isbn10, e.isbn13].compactMap({ $0 }) where !isbns.contains(isbn) { isbns.append(isbn) }
        }
        add("activities_count", .int(book.usersCount / 10))
        add("alternative_titles", [])
        add("audio_seconds", .optional(book.audioSeconds))
        add("author_names", .array(authors.map(HCJSON.string)))
        add("compilation", false)
        add("content_warnings", [])
        add("contribution_types", .array(types.map(HCJSON.string)))
        add("cover_color", "#6b5a4a")
        add("description", .optional(book.description))
        if let first = tables.bookSeriesOfBook[b].first {
            let row = tables.bookSeries[first]
            let series = tables.seriesIndex[row.seriesId].map { tables.series[$0] }
            members.append(HCMember("featured_series", [
                "details": row.position.map { .string(HCJSON.double($0).text) } ?? .null,
                "featured": true,
                "id": .int(row.id),
                "position": .optional(row.position),
                "series": ["books_count": .int(series?.booksCount ?? 0), "id": .int(row.seriesId),
                           "name": .string(series?.name ?? ""), "slug": .string(series?.slug ?? "")],
            ]))
        } else {
            members.append(HCMember("featured_series", .null))
        }
        add("genres", .array(book.genres.map(HCJSON.string)))
        add("has_audiobook", .bool(editions.contains(where: \.isAudiobook)))
        add("has_ebook", .bool(editions.contains { $0.readingFormatId == FakeHardcoverEdition.Format.ebook.rawValue }))
        add("id", .string(String(book.id)))
        add("image", ["url": tables.coverJSON(book: b, edition: nil)["url"] ?? .null])
        add("isbns", .array(isbns.map(HCJSON.string)))
        add("pages", .optional(book.pages))
        add("rating", .double(book.rating ?? 0))
        add("ratings_count", .int(book.usersCount / 4))
        add("release_date", .optional(book.releaseDate))
        add("release_year", .optional(book.releaseYear))
        add("series_names", .array(book.series.map { .string($0.name) }))
        add("slug", .string(book.slug))
        add("subtitle", .optional(book.subtitle))
        add("title", .string(book.title))
        add("users_count", .int(book.usersCount))
        add("users_read_count", .int(book.usersCount * 2 / 3))
        return .object(members)
    }
}
