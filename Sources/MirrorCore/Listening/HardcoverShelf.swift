/// One book's place in the Hardcover user's library, as diff and push compare it: its user book,
/// or nil when the book is not in the library. Each listening field's value is read from it the
/// same way for a proposal's base, push's conflict check and verification, and undo.
public struct HardcoverShelfEntry: Sendable, Equatable {
    public var bookId: Int
    public var userBook: HardcoverUserBook?

    public init(bookId: Int, userBook: HardcoverUserBook?) {
        self.bookId = bookId
        self.userBook = userBook
    }

    /// The read the progress and date fields are of: the latest (highest id).
    public var latestRead: HardcoverRead? {
        userBook?.reads.max { $0.id < $1.id }
    }

    /// The reads, oldest first.
    public var reads: [HardcoverRead] {
        (userBook?.reads ?? []).sorted { $0.id < $1.id }
    }

    /// A field as Hardcover holds it, as JSON (`ListeningValue`); nil when empty: no user book,
    /// no read, or no value.
    public func raw(_ field: ListeningField) -> String? {
        guard let userBook else { return nil }
        switch field {
        case .status: return ListeningValue.status(userBook.status)
        case .edition: return userBook.editionId.map(ListeningValue.int)
        case .owned: return ListeningValue.bool(userBook.owned)
        case .progressSeconds: return latestRead?.progressSeconds.map(ListeningValue.int)
        case .startedOn: return latestRead?.startedOn.map(ListeningValue.date)
        case .finishedOn: return latestRead?.finishedOn.map(ListeningValue.date)
        case .read: return latestRead.map { ReadValue($0).json }
        }
    }
}
