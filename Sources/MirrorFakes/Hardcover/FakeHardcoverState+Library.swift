// The users' libraries as tests and the demo set and read them, without HTTP (and without cost).

extension FakeHardcoverState {
    /// Adds user books (with their reads) to `user`'s library, in the order given, and returns them
    /// as stored: ids given to the user books and the reads, `userId` and `userBookId` set, an empty
    /// `dateAdded` made today (the clock's day), updated_at stamped; first_started_reading_date,
    /// last_read_date and read_count derived from the reads when there are any. Not checked: one
    /// user book per book and books that exist are the caller's to keep.
    @discardableResult
    public func seed(_ userBooks: [FakeHardcoverUserBook], for user: FakeHardcoverUser = .reader) -> [FakeHardcoverUserBook] {
        let now = clock.now()
        return userBooks.map { row in
            var row = row
            row.userId = user.id
            if row.dateAdded.isEmpty { row.dateAdded = HCDate.day(now) }
            return library.insert(row, stamp: library.stamp(now: now))
        }
    }

    /// Seeds `user`'s library with the catalog's first `count` books by id (all of them when it
    /// has fewer), each "Want to Read", not owned, without reads; returns them as stored. For a
    /// library of a given size (`fake-abs --hardcover-library`): a derived catalog holds the ABS
    /// library's books first, in its order, the trap books it adds between them.
    @discardableResult
    public func seedWantToRead(firstBooks count: Int, for user: FakeHardcoverUser = .reader) -> [FakeHardcoverUserBook] {
        let books = catalog.books.map(\.id).sorted().prefix(max(0, count))
        return seed(books.map { FakeHardcoverUserBook(bookId: $0, status: .wantToRead) }, for: user)
    }

    /// `user`'s library as it is now, by id.
    public func library(of user: FakeHardcoverUser = .reader) -> [FakeHardcoverUserBook] {
        library.library(of: user.id)
    }

    /// A user book by id, whoever's it is.
    public func userBook(id: Int) -> FakeHardcoverUserBook? { library.userBook(id) }

    /// The read's `progress` as the API answers it (percent, 0–100), nil when there is none.
    public func progress(ofRead id: Int) -> Double? {
        guard let read = library.read(id) else { return nil }
        return HCSource(tables: catalog.tables, library: library, viewer: .reader).progress(of: read)
    }

    /// "YYYY-MM-DD" of the fake's clock: what "today" is for dates it fills in.
    public nonisolated var today: String { HCDate.day(clock.now()) }
}
