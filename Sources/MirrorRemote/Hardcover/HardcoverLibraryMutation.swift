import Foundation
import MirrorCore

/// A value of a GraphQL input field, as it travels in the variables: `null` clears a nullable
/// column (a read's dates, an edition).
public enum HardcoverInputValue: Sendable, Equatable {
    case int(Int)
    case string(String)
    case bool(Bool)
    case null

    /// As JSONSerialization writes it.
    var json: Any {
        switch self {
        case .int(let n): n
        case .string(let s): s
        case .bool(let b): b
        case .null: NSNull()
        }
    }
}

/// The input fields shelfmirror writes, named as Hardcover's inputs name them. A user book takes
/// `status_id` and `edition_id` (UserBookCreateInput / UserBookUpdateInput); a read takes
/// `edition_id`, `started_at`, `finished_at` ("YYYY-MM-DD") and `progress_seconds` (DatesReadInput).
public enum HardcoverInputField: String, Sendable, CaseIterable {
    case statusId = "status_id"
    case editionId = "edition_id"
    case startedAt = "started_at"
    case finishedAt = "finished_at"
    case progressSeconds = "progress_seconds"

    /// Whether `value` is of this field's type (an Int, or a date as text); null always is.
    func accepts(_ value: HardcoverInputValue) -> Bool {
        switch (self, value) {
        case (_, .null): true
        case (.statusId, .int), (.editionId, .int), (.progressSeconds, .int): true
        case (.startedAt, .string), (.finishedAt, .string): true
        default: false
        }
    }

    /// The fields a user book's inputs have.
    static let userBookFields: Set<HardcoverInputField> = [.statusId, .editionId]
    /// The fields a read's input (DatesReadInput) has.
    static let readFields: Set<HardcoverInputField> = [.editionId, .startedAt, .finishedAt, .progressSeconds]
}

/// One write to the token's user's Hardcover library: one top-level mutation field.
public enum HardcoverLibraryMutation: Sendable, Equatable {
    /// insert_user_book: the book into the library (one user book per book: a second is refused).
    case insertUserBook(bookId: Int, fields: [HardcoverInputField: HardcoverInputValue])
    /// update_user_book: only the fields given change.
    case updateUserBook(id: Int, fields: [HardcoverInputField: HardcoverInputValue])
    /// delete_user_book, with its reads.
    case deleteUserBook(id: Int)
    /// insert_user_book_read: a new read of the user book.
    case insertRead(userBookId: Int, fields: [HardcoverInputField: HardcoverInputValue])
    /// update_user_book_read: only the fields given change.
    case updateRead(id: Int, fields: [HardcoverInputField: HardcoverInputValue])
    /// delete_user_book_read.
    case deleteRead(id: Int)
    /// edition_owned: toggles the edition on the user's owned list (Hardcover's toggle semantics are
    /// unverified: read `owned` back before and after).
    case editionOwned(editionId: Int)
}

/// What became of one mutation.
public enum HardcoverMutationOutcome: Sendable, Equatable {
    /// insert_user_book / update_user_book applied: the row as it is now, with its reads.
    case userBook(HardcoverUserBook)
    /// insert_user_book_read / update_user_book_read applied: the read as it is now.
    case read(HardcoverRead, userBookId: Int)
    /// delete_user_book / delete_user_book_read applied.
    case deleted(id: Int)
    /// edition_owned applied: the owned-list entry's id, nil once removed.
    case owned(listBookId: Int?)
    /// The mutation's own `error` string: refused, nothing changed.
    case refused(String)
    /// The request failed as a whole, or its answer could not be understood. `unknown` is true when
    /// the mutation may have applied (a 5xx, a timeout or a dropped connection after sending, an
    /// answer with `errors` and no data, a row that cannot be read): re-read before acting on it.
    /// false when it was not applied (never sent, or refused before anything ran).
    case failed(String, unknown: Bool)
}

/// Whether the token may write the user's library.
public enum HardcoverWriteAccess: Sendable, Equatable {
    case allowed
    /// Hardcover refused a write for want of this scope (as the 403's `scope` names it).
    case missingScope(String)
}
