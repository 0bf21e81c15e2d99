import Foundation

// The answers of the library's mutations and of the push's pre-read, as decoded at the edge.

/// One aliased mutation field's answer, whichever type it is: UserBookIdType {error id user_book},
/// UserBookReadIdType {error id user_book_read}, UserBookDeleteType {id book_id user_id} or
/// ListBookIdType {id}. Everything is optional: a refusal is an `error` and nulls.
struct WireMutationAnswer: Decodable {
    var error: String?
    var id: Int?
    var user_book: WireUserBook?
    var user_book_read: WireUserBookRead?
}

/// One aliased field of the pre-read: `bN: me { id books: user_books(...) }`.
struct WireMeBooks: Decodable {
    var id: Int?
    var books: [WireLossy<WireUserBook>]
}
