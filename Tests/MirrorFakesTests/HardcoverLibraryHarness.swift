import Foundation
import MirrorFakes
import Testing

/// The library queries and mutations a client sends, and helpers to read their answers.
enum LibraryQueries {
    static let readFields = "id edition_id started_at finished_at progress_seconds"
    static let userBookFields = "id book_id edition_id status_id owned updated_at user_book_reads(order_by: {id: asc}) { \(readFields) }"

    /// `count` aliased pages of `user_books` of user $me, 100 rows each, from page `first`.
    static func pages(_ first: Int, count: Int = 5) -> String {
        let fields = (first..<(first + count)).map { page in
            "p\(page): user_books(where: {user_id: {_eq: $me}}, order_by: {id: asc}, limit: 100, offset: \(page * 100)) { \(userBookFields) }"
        }
        return "query Library($me: Int!) {\n  " + fields.joined(separator: "\n  ") + "\n}"
    }

    static let me = "{ me { id username } }"

    static let insertUserBook = """
        mutation Insert($object: UserBookCreateInput!) {
          insert_user_book(object: $object) { error id user_book { id user_id book_id edition_id status_id date_added updated_at } }
        }
        """

    static let updateUserBook = """
        mutation Update($id: Int!, $object: UserBookUpdateInput!) {
          update_user_book(id: $id, object: $object) {
            error id user_book { id status_id edition_id rating read_count last_read_date updated_at user_book_reads(order_by: {id: asc}) { \(readFields) } }
          }
        }
        """

    static let deleteUserBook = "mutation Delete($id: Int!) { delete_user_book(id: $id) { id book_id user_id } }"

    static let insertRead = """
        mutation InsertRead($userBook: Int!, $read: DatesReadInput!) {
          insert_user_book_read(user_book_id: $userBook, user_book_read: $read) { error id user_book_read { \(readFields) progress user_book_id } }
        }
        """

    static let updateRead = """
        mutation UpdateRead($id: Int!, $read: DatesReadInput!) {
          update_user_book_read(id: $id, object: $read) { error id user_book_read { \(readFields) progress } }
        }
        """

    static let deleteRead = "mutation DeleteRead($id: Int!) { delete_user_book_read(id: $id) { error id user_book_read { id } } }"
}

extension Reply {
    /// `data.<key>` as an object (nil when null), failing the test if the answer has errors.
    func field(_ key: String) throws -> [String: Any]? {
        let object = try object()
        #expect(object["errors"] == nil, "\(text.prefix(500))")
        let data = try #require(object["data"] as? [String: Any], "\(text.prefix(500))")
        return data[key] as? [String: Any]
    }
}

/// A fake Hardcover over the small catalog on a manual clock at 2026-05-27 00:00 UTC.
enum LibraryFixture {
    static let may27 = Duration.seconds(1_779_840_000)

    static func state(limits: FakeHardcoverLimits = .unlimited) -> FakeHardcoverState {
        SmallCatalog.state(limits: limits, clock: .manual(may27))
    }

    static let user1 = Auth.bearer(FakeHardcoverState.validToken)
    static let user2 = Auth.bearer(FakeHardcoverState.secondUserToken)
}
