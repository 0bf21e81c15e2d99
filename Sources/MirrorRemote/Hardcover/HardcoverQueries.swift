/// The GraphQL documents shelfmirror sends to Hardcover. Values always travel as variables,
/// never spliced into the text. Each has one top-level field (one request of the quota), is at
/// most three selection sets deep, and uses only `_eq`, `_in` and `_or`.
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
}
