/// The Hardcover client's queries, verbatim: the fake must answer exactly these.
enum ClientQueries {
    static let editionFields = """
        id book_id title subtitle isbn_10 isbn_13 asin audio_seconds pages edition_format reading_format_id release_date users_count
        cached_contributors publisher { name } language { language code2 code3 }
        """

    static let bookDetail = """
        id title subtitle description release_year release_date pages audio_seconds rating users_count cached_tags default_audio_edition_id canonical_id
        contributions(order_by: {id: asc}) { contribution author { id name } }
        book_series(order_by: {position: asc}) { position series { id name } }
        default_audio_edition { \(editionFields) }
        editions(where: {reading_format_id: {_eq: 2}}, order_by: {users_count: desc}, limit: $editions) { \(editionFields) }
        """

    static let editionsByIdentifiers = """
        query EditionsByIdentifiers($isbn13: [String!]!, $isbn10: [String!]!, $asins: [String!]!, $limit: Int!, $offset: Int!) {
          editions(where: {_or: [{isbn_13: {_in: $isbn13}}, {isbn_10: {_in: $isbn10}}, {asin: {_in: $asins}}]}, limit: $limit, offset: $offset, order_by: {id: asc}) {
            \(editionFields)
          }
        }
        """

    /// BooksByTitle also selects nested editions limited by `$editions`, so it declares it.
    static let booksByTitle = """
        query BooksByTitle($titles: [String!]!, $limit: Int!, $offset: Int!, $editions: Int!) {
          books(where: {title: {_in: $titles}}, limit: $limit, offset: $offset, order_by: {id: asc}) { \(bookDetail) }
        }
        """

    static let search = """
        query Search($query: String!, $type: String!, $perPage: Int!, $page: Int!) {
          search(query: $query, query_type: $type, per_page: $perPage, page: $page) { error ids query results }
        }
        """

    static let bookDetails = """
        query BookDetails($ids: [Int!]!, $limit: Int!, $editions: Int!) {
          books(where: {id: {_in: $ids}}, limit: $limit, order_by: {id: asc}) { \(bookDetail) }
        }
        """

    static let me = "query Me { me { id username } }"

    /// Five BookDetails fields under aliases: cost 5.
    static func batchedBookDetails(_ count: Int) -> String {
        let fields = (0..<count).map { n in
            "b\(n): books(where: {id: {_in: $ids\(n)}}, limit: $limit, order_by: {id: asc}) { \(bookDetail) }"
        }.joined(separator: "\n")
        let variables = (0..<count).map { "$ids\($0): [Int!]!" }.joined(separator: ", ")
        return "query Batch(\(variables), $limit: Int!, $editions: Int!) {\n\(fields)\n}"
    }
}
