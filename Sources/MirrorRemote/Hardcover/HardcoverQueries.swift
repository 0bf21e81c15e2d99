/// The GraphQL documents shelfmirror sends to Hardcover. Values always travel as variables,
/// never spliced into the text. Each has one top-level field (one request of the quota), or up to
/// five aliased ones (pages of the user's library, the user books of up to 500 books: five), is at
/// most three selection sets deep, and uses only `_eq`, `_in` and `_or`. The library's mutations
/// are in HardcoverMutations.
enum HardcoverQueries {
    struct Query: Sendable {
        var name: String
        var text: String
        /// Top-level fields: what Hardcover charges.
        var cost: Int
    }

    private static let edition = """
        id book_id title subtitle isbn_10 isbn_13 asin audio_seconds pages edition_format reading_format_id \
        release_date users_count cached_contributors publisher { name } language { language code2 code3 }
        """

    private static let bookDetail = """
        id title subtitle description release_year release_date pages audio_seconds rating users_count cached_tags \
        default_audio_edition_id canonical_id
        contributions(order_by: {id: asc}) { contribution author { id name } }
        book_series(order_by: {position: asc}) { position series { id name } }
        default_audio_edition { \(edition) }
        editions(where: {reading_format_id: {_eq: 2}}, order_by: {users_count: desc}, limit: $editions) { \(edition) }
        """

    static let editionsByIdentifiers = Query(name: "EditionsByIdentifiers", text: """
        query EditionsByIdentifiers($isbn13: [String!]!, $isbn10: [String!]!, $asins: [String!]!, $limit: Int!, $offset: Int!) {
          editions(where: {_or: [{isbn_13: {_in: $isbn13}}, {isbn_10: {_in: $isbn10}}, {asin: {_in: $asins}}]}, limit: $limit, offset: $offset, order_by: {id: asc}) {
            \(edition)
          }
        }
        """, cost: 1)

    static let booksByTitle = Query(name: "BooksByTitle", text: """
        query BooksByTitle($titles: [String!]!, $limit: Int!, $offset: Int!, $editions: Int!) {
          books(where: {title: {_in: $titles}}, limit: $limit, offset: $offset, order_by: {id: asc}) {
            \(bookDetail)
          }
        }
        """, cost: 1)

    static let search = Query(name: "Search", text: """
        query Search($query: String!, $type: String!, $perPage: Int!, $page: Int!) {
          search(query: $query, query_type: $type, per_page: $perPage, page: $page) { error ids query results }
        }
        """, cost: 1)

    static let bookDetails = Query(name: "BookDetails", text: """
        query BookDetails($ids: [Int!]!, $limit: Int!, $editions: Int!) {
          books(where: {id: {_in: $ids}}, limit: $limit, order_by: {id: asc}) {
            \(bookDetail)
          }
        }
        """, cost: 1)

    static let me = Query(name: "Me", text: "query Me { me { id username } }", cost: 1)

    // MARK: - The user's library

    /// Rows a page: Hardcover returns at most 100 from a list field.
    static let libraryPageSize = 100
    /// Aliased pages a request: Hardcover refuses a sixth top-level field.
    static let libraryPagesPerRequest = 5

    /// A user book as the library read, the push's pre-read and the mutations' answers select it.
    static let userBook = """
        id book_id edition_id status_id owned updated_at \
        user_book_reads(order_by: {id: asc}) { id edition_id started_at finished_at progress_seconds }
        """

    /// The first request: `count` aliased pages from offset 0, each a `me` field (so no request is
    /// spent on `me` alone); p0 also carries the user's id and the id of the user's last user book,
    /// which tells the reader when a full page was the last one. `me`, user_books, user_book_reads:
    /// three selection sets deep. Variables: $limit and $o0...
    static func libraryFirstPages(count: Int) -> Query {
        let variables = (0..<count).map { "$o\($0): Int!" }.joined(separator: ", ")
        let fields = (0..<count).map { n in
            let extra = n == 0 ? "id last: user_books(order_by: {id: desc}, limit: 1) { id } " : ""
            return "p\(n): me { \(extra)page: user_books(order_by: {id: asc}, limit: $limit, offset: $o\(n)) { \(userBook) } }"
        }
        return Query(name: "LibraryStart", text: """
            query LibraryStart($limit: Int!, \(variables)) {
              \(fields.joined(separator: "\n  "))
            }
            """, cost: count)
    }

    /// A later request: `count` aliased pages of the user's user_books (p0...; their offsets are
    /// $o0...), filtered by user: Hasura also shows other users' public user books.
    static func libraryPages(count: Int) -> Query {
        let variables = (0..<count).map { "$o\($0): Int!" }.joined(separator: ", ")
        let fields = (0..<count).map { n in
            "p\(n): user_books(where: {user_id: {_eq: $me}}, order_by: {id: asc}, limit: $limit, offset: $o\(n)) { \(userBook) }"
        }
        return Query(name: "LibraryPages", text: """
            query LibraryPages($me: Int!, $limit: Int!, \(variables)) {
              \(fields.joined(separator: "\n  "))
            }
            """, cost: count)
    }

    // MARK: - The user's books of some books (the push's pre-read)

    /// Book ids a field: as many user books as Hardcover returns from a list field (one per book).
    static let booksPerField = 100
    /// Aliased fields a request.
    static let bookFieldsPerRequest = 5

    /// `count` aliased `me` fields (b0...), each with the user's id and their user books of the
    /// books $b0... (up to 100 ids: at most $limit, 100, rows). `me`'s user_books are the user's own only.
    /// `me`, user_books, user_book_reads: three selection sets deep.
    static func userBooksOfBooks(count: Int) -> Query {
        let variables = (0..<count).map { "$b\($0): [Int!]!" }.joined(separator: ", ")
        let fields = (0..<count).map { n in
            "b\(n): me { id books: user_books(where: {book_id: {_in: $b\(n)}}, order_by: {id: asc}, limit: $limit) { \(userBook) } }"
        }
        return Query(name: "LibraryBooks", text: """
            query LibraryBooks($limit: Int!, \(variables)) {
              \(fields.joined(separator: "\n  "))
            }
            """, cost: count)
    }
}
