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
