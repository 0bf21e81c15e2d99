import Foundation

// The answers of the library's mutations and of the push's pre-read, as decoded at the edge.

/// One aliased mutation field's answer, whichever type it is: UserBookIdType {error id user_book},
/// UserBookReadIdType {error id user_book_read}, UserBookDeleteType {id book_id user_id} or
/// ListBookIdType {id}. Everything is optional: a refusal is an `error` and nulls.
struct WireMutationAnswer: Decodable {
    var error: String?
    var id: Int?
    var user_book: WireUserBook?
    var user_book_read: WireMutatedRead?
}

/// A user_book_reads row as a mutation answers it: with its user book's id.
struct WireMutatedRead: Decodable {
    var id: Int?
    var user_book_id: Int?
    var edition_id: Int?
    var started_at: String?
    var finished_at: String?
    var progress_seconds: Int?

    var read: WireUserBookRead {
        WireUserBookRead(id: id, edition_id: edition_id, started_at: started_at, finished_at: finished_at,
                         progress_seconds: progress_seconds)
    }
}

/// One aliased field of the pre-read: `bN: me { id books: user_books(...) }`.
struct WireMeBooks: Decodable {
    var id: Int?
    var books: [WireLossy<WireUserBook>]
}
