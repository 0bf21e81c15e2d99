import Foundation

/// One user's listening state for one book, as AudiobookShelf keeps it (its MediaProgress).
/// Times are instants (the server's clock, UTC); a date in the listener's time zone is made
/// from them only when a target needs one.
public struct ListeningProgress: Sendable, Equatable {
    /// The AudiobookShelf item (`libraryItemId`).
    public var itemId: String
    /// Whose state this is: the AudiobookShelf user.
    public var userId: String
    public var currentSeconds: Double
    /// As the player reported it: 0 when it never did.
    public var durationSeconds: Double
    /// 0...1, as the server stores it (not always currentSeconds / durationSeconds).
    public var progress: Double
    public var isFinished: Bool
    /// The first listen (a re-listen keeps it).
    public var startedAt: Date?
    /// nil unless finished.
    public var finishedAt: Date?
    public var lastUpdate: Date?

    public init(itemId: String, userId: String, currentSeconds: Double, durationSeconds: Double, progress: Double,
                isFinished: Bool, startedAt: Date?, finishedAt: Date?, lastUpdate: Date?) {
        self.itemId = itemId
        self.userId = userId
        self.currentSeconds = currentSeconds
        self.durationSeconds = durationSeconds
        self.progress = progress
        self.isFinished = isFinished
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.lastUpdate = lastUpdate
    }
}

/// A user and their listening state, as one read of AudiobookShelf's `/api/me` gives it: books
/// only, one entry per item.
public struct ListeningState: Sendable, Equatable {
    public var user: ServerUser
    public var progress: [ListeningProgress]
    /// Entries that could not be read (not an object, no item id, a bad number or time, another
    /// user's, a second entry for the same item): left out, counted.
    public var skipped: Int
    /// Podcast episodes' progress: not books, left out.
    public var episodes: Int

    public init(user: ServerUser, progress: [ListeningProgress], skipped: Int = 0, episodes: Int = 0) {
        self.user = user
        self.progress = progress
        self.skipped = skipped
        self.episodes = episodes
    }
}
