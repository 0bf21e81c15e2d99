import GraphQL

// The schema the fake serves: the reference subset of Hardcover's schema.graphql (Hasura-generated),
// parsed once with GraphQLSwift's parser into the small description the validator needs.
// `_like`, `_ilike`, `_regex` and `_similar` are in the schema, as on Hardcover, which refuses them (403).

struct HCSchemaLoadError: Error, Sendable {
    var message: String
}

extension HCSchema {
    /// Hardcover's schema, as far as the fake knows it; parsed once. Should the text ever stop
    /// parsing, every query is answered 500 with the parser's message (the fake never exits).
    static let hardcover: Result<HCSchema, HCSchemaLoadError> = {
        do {
            return .success(try HCSchema(sdl: sdl))
        } catch {
            return .failure(HCSchemaLoadError(message: "the fake Hardcover schema does not parse: \(error)"))
        }
    }()

    /// The reference subset, verbatim but for comments, with the users' library (user_books,
    /// user_book_reads, user_book_statuses) and its mutations as Hardcover's schema.graphql has them
    /// (a subset of their fields, inputs and comparisons; `owned` is set through edition_owned only).
    static let sdl = """
scalar date
scalar numeric
scalar float8
scalar json
scalar jsonb
scalar bigint
scalar smallint
enum order_by { asc asc_nulls_first asc_nulls_last desc desc_nulls_first desc_nulls_last }
input Int_comparison_exp { _eq: Int _neq: Int _in: [Int!] _nin: [Int!] _gt: Int _gte: Int _lt: Int _lte: Int _is_null: Boolean }
input bigint_comparison_exp { _eq: bigint _neq: bigint _in: [bigint!] _nin: [bigint!] _gt: bigint _lt: bigint _is_null: Boolean }
input float8_comparison_exp { _eq: float8 _neq: float8 _in: [float8!] _gt: float8 _gte: float8 _lt: float8 _lte: float8 _is_null: Boolean }
input String_comparison_exp { _eq: String _neq: String _in: [String!] _nin: [String!] _is_null: Boolean _gt: String _lt: String
  _like: String _nlike: String _ilike: String _nilike: String _regex: String _iregex: String _nregex: String _niregex: String _similar: String _nsimilar: String }
input books_bool_exp { _and: [books_bool_exp!] _or: [books_bool_exp!] _not: books_bool_exp id: Int_comparison_exp title: String_comparison_exp
  subtitle: String_comparison_exp slug: String_comparison_exp release_year: Int_comparison_exp canonical_id: Int_comparison_exp
  users_count: Int_comparison_exp editions: editions_bool_exp contributions: contributions_bool_exp book_series: book_series_bool_exp
  default_audio_edition_id: Int_comparison_exp }
input editions_bool_exp { _and: [editions_bool_exp!] _or: [editions_bool_exp!] _not: editions_bool_exp id: Int_comparison_exp
  book_id: Int_comparison_exp isbn_10: String_comparison_exp isbn_13: String_comparison_exp asin: String_comparison_exp
  title: String_comparison_exp reading_format_id: Int_comparison_exp audio_seconds: Int_comparison_exp canonical_id: Int_comparison_exp
  book: books_bool_exp reading_format: reading_formats_bool_exp }
input reading_formats_bool_exp { id: Int_comparison_exp format: String_comparison_exp }
input contributions_bool_exp { _and: [contributions_bool_exp!] _or: [contributions_bool_exp!] contribution: String_comparison_exp
  contributable_type: String_comparison_exp author_id: Int_comparison_exp author: authors_bool_exp }
input authors_bool_exp { id: Int_comparison_exp name: String_comparison_exp }
input series_bool_exp { id: Int_comparison_exp name: String_comparison_exp }
input book_series_bool_exp { book_id: Int_comparison_exp series_id: Int_comparison_exp position: float8_comparison_exp series: series_bool_exp }
input books_order_by { id: order_by title: order_by users_count: order_by release_year: order_by rating: order_by }
input editions_order_by { id: order_by users_count: order_by release_date: order_by audio_seconds: order_by score: order_by }
input contributions_order_by { id: order_by }
input book_series_order_by { position: order_by }
input authors_order_by { id: order_by name: order_by }
input series_order_by { id: order_by name: order_by }
enum books_select_column { id title }
enum editions_select_column { id book_id }

type images { id: Int url: String width: Int height: Int color: String }
type publishers { id: Int name: String }
type languages { id: Int language: String! code2: String code3: String }
type reading_formats { id: Int! format: String! }
type authors { id: Int! name: String! slug: String name_personal: String alternate_names: jsonb! books_count: Int! canonical_id: Int
  state: String! identifiers: jsonb! cached_image: jsonb! }
type series { id: Int! name: String! slug: String! books_count: Int! primary_books_count: Int is_completed: Boolean canonical_id: Int
  state: String! author: authors }
type contributions { id: bigint! author: authors author_id: Int! contribution: String contributable_type: String! contributable_id: Int! }
type book_series { id: bigint position: float8 series: series series_id: Int! book_id: Int! book: books! featured: Boolean! details: String
  compilation: Boolean! }
type editions { id: Int! book_id: Int! book: books! title: String subtitle: String isbn_10: String isbn_13: String asin: String
  audio_seconds: Int pages: Int edition_format: String edition_information: String physical_format: String reading_format_id: Int!
  reading_format: reading_formats release_date: date release_year: Int publisher: publishers language: languages
  contributions(where: contributions_bool_exp, limit: Int, offset: Int, order_by: [contributions_order_by!]): [contributions!]!
  cached_contributors(path: String): json! cached_image(path: String): jsonb! image: images users_count: Int! score: Int!
  canonical_id: Int state: String! isbn_10_valid: Boolean isbn_13_valid: Boolean }
type books { id: Int! title: String subtitle: String slug: String description: String release_date: date release_year: Int pages: Int
  audio_seconds: Int rating: numeric users_count: Int! users_read_count: Int! ratings_count: Int!
  cached_contributors(path: String): json! cached_tags(path: String): jsonb! cached_image(path: String): jsonb!
  contributions(where: contributions_bool_exp, limit: Int, offset: Int, order_by: [contributions_order_by!]): [contributions!]!
  book_series(where: book_series_bool_exp, limit: Int, offset: Int, order_by: [book_series_order_by!]): [book_series!]!
  featured_book_series: book_series default_audio_edition: editions default_audio_edition_id: Int default_physical_edition: editions
  default_ebook_edition: editions default_cover_edition: editions
  editions(where: editions_bool_exp, limit: Int, offset: Int, order_by: [editions_order_by!], distinct_on: [editions_select_column!]): [editions!]!
  editions_count: Int! image: images canonical_id: Int book_status_id: smallint! state: String compilation: Boolean! is_partial_book: Boolean
  alternative_titles: json! }
type users { id: Int! username: String!
  user_books(where: user_books_bool_exp, limit: Int, offset: Int, order_by: [user_books_order_by!]): [user_books!]! }
type SearchOutput { error: String ids: [Int] page: Int per_page: Int query: String query_type: String results: jsonb }
type query_root {
  books(where: books_bool_exp, limit: Int, offset: Int, order_by: [books_order_by!], distinct_on: [books_select_column!]): [books!]!
  books_by_pk(id: Int!): books
  editions(where: editions_bool_exp, limit: Int, offset: Int, order_by: [editions_order_by!], distinct_on: [editions_select_column!]): [editions!]!
  editions_by_pk(id: Int!): editions
  authors(where: authors_bool_exp, limit: Int, offset: Int, order_by: [authors_order_by!]): [authors!]!
  series(where: series_bool_exp, limit: Int, offset: Int, order_by: [series_order_by!]): [series!]!
  book_series(where: book_series_bool_exp, limit: Int, offset: Int, order_by: [book_series_order_by!]): [book_series!]!
  contributions(where: contributions_bool_exp, limit: Int, offset: Int, order_by: [contributions_order_by!]): [contributions!]!
  reading_formats: [reading_formats!]!
  me: [users!]!
  user_books(where: user_books_bool_exp, limit: Int, offset: Int, order_by: [user_books_order_by!], distinct_on: [user_books_select_column!]): [user_books!]!
  user_books_by_pk(id: Int!): user_books
  user_book_reads(where: user_book_reads_bool_exp, limit: Int, offset: Int, order_by: [user_book_reads_order_by!]): [user_book_reads!]!
  user_book_reads_by_pk(id: Int!): user_book_reads
  user_book_statuses(where: user_book_statuses_bool_exp, limit: Int, offset: Int, order_by: [user_book_statuses_order_by!]): [user_book_statuses!]!
  search(query: String!, query_type: String, per_page: Int, page: Int, sort: String, fields: String, weights: String, typos: String, filter_by: String): SearchOutput
}
scalar timestamptz
input Boolean_comparison_exp { _eq: Boolean _neq: Boolean _in: [Boolean!] _nin: [Boolean!] _is_null: Boolean }
input date_comparison_exp { _eq: date _neq: date _gt: date _gte: date _lt: date _lte: date _in: [date!] _nin: [date!] _is_null: Boolean }
input timestamptz_comparison_exp { _eq: timestamptz _neq: timestamptz _gt: timestamptz _gte: timestamptz _lt: timestamptz _lte: timestamptz
  _in: [timestamptz!] _nin: [timestamptz!] _is_null: Boolean }
input user_books_bool_exp { _and: [user_books_bool_exp!] _or: [user_books_bool_exp!] _not: user_books_bool_exp id: Int_comparison_exp
  user_id: Int_comparison_exp book_id: Int_comparison_exp edition_id: Int_comparison_exp status_id: Int_comparison_exp
  owned: Boolean_comparison_exp privacy_setting_id: Int_comparison_exp read_count: Int_comparison_exp date_added: date_comparison_exp
  last_read_date: date_comparison_exp updated_at: timestamptz_comparison_exp book: books_bool_exp edition: editions_bool_exp
  user_book_reads: user_book_reads_bool_exp }
input user_book_reads_bool_exp { _and: [user_book_reads_bool_exp!] _or: [user_book_reads_bool_exp!] _not: user_book_reads_bool_exp
  id: Int_comparison_exp user_book_id: Int_comparison_exp edition_id: Int_comparison_exp started_at: date_comparison_exp
  finished_at: date_comparison_exp paused_at: date_comparison_exp progress_seconds: Int_comparison_exp user_book: user_books_bool_exp
  edition: editions_bool_exp }
input user_book_statuses_bool_exp { id: Int_comparison_exp status: String_comparison_exp slug: String_comparison_exp }
input user_books_order_by { id: order_by user_id: order_by book_id: order_by edition_id: order_by status_id: order_by owned: order_by
  date_added: order_by last_read_date: order_by read_count: order_by updated_at: order_by }
input user_book_reads_order_by { id: order_by user_book_id: order_by edition_id: order_by started_at: order_by finished_at: order_by
  paused_at: order_by progress_seconds: order_by }
input user_book_statuses_order_by { id: order_by }
enum user_books_select_column { id user_id book_id edition_id status_id }
type user_book_statuses { id: Int! status: String! slug: String description: String }
type user_book_reads { id: Int! user_book_id: Int! user_book: user_books edition_id: Int edition: editions started_at: date
  finished_at: date paused_at: date progress: float8 progress_seconds: Int progress_pages: Int finished_at_precision: Int }
type user_books { id: Int! user_id: Int! user: users! book_id: Int! book: books! edition_id: Int edition: editions status_id: Int!
  user_book_status: user_book_statuses! owned: Boolean! rating: numeric privacy_setting_id: Int! date_added: date!
  first_started_reading_date: date last_read_date: date read_count: Int! updated_at: timestamptz
  user_book_reads(where: user_book_reads_bool_exp, limit: Int, offset: Int, order_by: [user_book_reads_order_by!]): [user_book_reads!]! }
input UserBookCreateInput { book_id: Int! date_added: date edition_id: Int finished_at_precision: Int first_started_reading_date: date
  last_read_date: date media_url: String privacy_setting_id: Int private_notes: String rating: numeric read_count: Int
  recommended_by: String recommended_for: String referrer_user_id: Int review_has_spoilers: Boolean review_slate: jsonb
  reviewed_at: date sponsored_review: Boolean status_id: Int url: String user_date: date user_start_date: date }
input UserBookUpdateInput { date_added: date edition_id: Int finished_at_precision: Int first_started_reading_date: date
  last_read_date: date media_url: String privacy_setting_id: Int private_notes: String rating: numeric read_count: Int
  recommended_by: String recommended_for: String referrer_user_id: Int review_has_spoilers: Boolean review_slate: jsonb
  reviewed_at: date sponsored_review: Boolean status_id: Int url: String user_date: date user_start_date: date }
input DatesReadInput { action: String edition_id: Int finished_at: date finished_at_precision: Int id: Int progress_pages: Int
  progress_seconds: Int started_at: date }
type UserBookIdType { error: String id: Int user_book: user_books }
type UserBookDeleteType { book_id: Int id: Int user_book: user_books user_id: Int }
type UserBookReadIdType { error: String id: Int user_book_read: user_book_reads }
type ListBookIdType { id: Int }
type mutation_root {
  insert_user_book(object: UserBookCreateInput!): UserBookIdType
  update_user_book(id: Int!, object: UserBookUpdateInput!): UserBookIdType
  delete_user_book(id: Int!): UserBookDeleteType
  insert_user_book_read(user_book_id: Int!, user_book_read: DatesReadInput!): UserBookReadIdType
  update_user_book_read(id: Int!, object: DatesReadInput!): UserBookReadIdType
  delete_user_book_read(id: Int!): UserBookReadIdType
  edition_owned(id: Int!): ListBookIdType
}
schema { query: query_root mutation: mutation_root }
"""
}
