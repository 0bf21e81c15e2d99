import Foundation

/// What `diff --target hardcover` may propose beyond listening state (`[hardcover]` in
/// config.toml), and the time zone finish dates are days in.
public struct ListeningPolicy: Sendable, Equatable {
    /// A finish (or start) is the listener's day: ABS keeps instants, Hardcover dates.
    public var timeZone: TimeZone
    /// Propose `owned` for the books listened to.
    public var owned = false
    /// Propose "Want to Read" for matched items with no listening state and no user book.
    public var wantToRead = false

    public init(timeZone: TimeZone = .current, owned: Bool = false, wantToRead: Bool = false) {
        self.timeZone = timeZone
        self.owned = owned
        self.wantToRead = wantToRead
    }
}

/// An item whose listening state may go to Hardcover: its match is auto or confirmed, and the
/// matched book has an audiobook edition.
public struct ListeningSubject: Sendable {
    public var itemId: String
    /// The current AudiobookShelf user's progress; nil when they never played the item.
    public var progress: ListeningProgress?
    /// The audiobook edition a new read and the user book go on: the match's, or the book's.
    public var audioEdition: Int
    /// The matched book's editions the mirror knows, by id: whether each is an audiobook.
    public var editionIsAudio: [Int: Bool]
    /// The matched book in the current Hardcover user's library.
    public var shelf: HardcoverShelfEntry

    public init(itemId: String, progress: ListeningProgress?, audioEdition: Int, editionIsAudio: [Int: Bool], shelf: HardcoverShelfEntry) {
        self.itemId = itemId
        self.progress = progress
        self.audioEdition = audioEdition
        self.editionIsAudio = editionIsAudio
        self.shelf = shelf
    }
}

/// One proposed change of the Hardcover listening state of one item's book.
public struct ListeningProposal: Sendable, Equatable {
    public var field: ListeningField
    /// JSON, as Hardcover holds it (`HardcoverShelfEntry.raw`); nil when empty.
    public var current: String?
    /// JSON (`ListeningValue`).
    public var proposed: String
    public var action: Proposal.Action
}

/// The Hardcover state an item's listening progress calls for, as field proposals. The rules
/// (issue 14), each a guard against what users of other tools complain of:
/// - Nothing is ever moved backwards: progress ahead on Hardcover is kept, a finished read is
///   not reopened, "Read" does not go back to "Currently Reading" but for a re-listen.
/// - A state set on Hardcover that AudiobookShelf cannot express (Paused, Did Not Finish,
///   Ignored) is kept: nothing is proposed for that book.
/// - Dates are the listener's days (`ListeningPolicy.timeZone`) of AudiobookShelf's instants:
///   the finish date is `finishedAt`'s, never the day of the sync.
/// - A finish within a day of the latest read's finish is that read's (time zones differ); a
///   later finish, or listening after that day, is a re-listen: a new read, never a duplicate
///   (once pushed, the new read is the latest and the same rules propose nothing more).
/// - Reads and the user book go on the audiobook edition the match chose.
/// - An item with no listening state proposes nothing (unless "want to read" is asked for).
public enum ListeningDiffer {
    /// Statuses only a person sets: kept as they are.
    public static let setByHand: Set<HardcoverReadingStatus> = [.paused, .didNotFinish, .ignored]

    public static func proposals(_ subject: ListeningSubject, policy: ListeningPolicy) -> [ListeningProposal] {
        let shelf = subject.shelf
        let userBook = shelf.userBook
        if let status = userBook?.status, setByHand.contains(status) { return [] }
        var out: [ListeningProposal] = []
        func propose(_ field: ListeningField, _ value: String) {
            let current = shelf.raw(field)
            guard !ListeningValue.same(field, current, value) else { return }
            out.append(ListeningProposal(field: field, current: current, proposed: value, action: current == nil ? .fill : .replace))
        }

        guard let progress = subject.progress, let listen = Listen(progress, timeZone: policy.timeZone) else {
            if policy.wantToRead, userBook == nil {
                propose(.status, ListeningValue.status(.wantToRead))
                propose(.edition, ListeningValue.int(subject.audioEdition))
            }
            return out
        }

        let reads = shelf.reads
        let status: HardcoverReadingStatus?
        switch plan(listen, latest: reads.last, previous: reads.dropLast().last, edition: subject.audioEdition) {
        case .newRead(let read):
            propose(.read, read.json)
            status = read.finishedOn != nil ? .read : .currentlyReading
        case .update(let progressSeconds, let startedOn, let finishedOn):
            if let progressSeconds { propose(.progressSeconds, ListeningValue.int(progressSeconds)) }
            if let startedOn { propose(.startedOn, ListeningValue.date(startedOn)) }
            if let finishedOn { propose(.finishedOn, ListeningValue.date(finishedOn)) }
            status = finishedOn != nil ? .read : (userBook?.status == .wantToRead ? .currentlyReading : nil)
        case .none:
            // The latest read already says it; a user book still "Want to Read" catches up.
            status = userBook?.status == .wantToRead ? (reads.last?.finishedOn != nil ? .read : .currentlyReading) : nil
        }
        if let status { propose(.status, ListeningValue.status(status)) }

        if let edition = userBook?.editionId {
            if subject.editionIsAudio[edition] == false { propose(.edition, ListeningValue.int(subject.audioEdition)) }
        } else {
            propose(.edition, ListeningValue.int(subject.audioEdition))
        }
        if policy.owned, userBook?.owned != true { propose(.owned, ListeningValue.bool(true)) }
        return out
    }

    /// What the reads need.
    enum ReadPlan: Equatable {
        case none
        case newRead(ReadValue)
        /// The latest (open) read's fields to fill or move forward.
        case update(progressSeconds: Int?, startedOn: HardcoverDate?, finishedOn: HardcoverDate?)
    }

    /// A listen as days and whole seconds.
    struct Listen {
        var finished: Bool
        var started: HardcoverDate?
        var finishedDay: HardcoverDate?
        var lastDay: HardcoverDate?
        /// The position, whole seconds; for a finished listen, the end.
        var seconds: Int

        /// nil when there is no state: never played, or at 0 and not finished.
        init?(_ p: ListeningProgress, timeZone: TimeZone) {
            guard p.isFinished || p.currentSeconds > 0 || p.progress > 0 else { return nil }
            finished = p.isFinished
            started = p.startedAt.map { HardcoverDate($0, in: timeZone) }
            finishedDay = p.isFinished ? p.finishedAt.map { HardcoverDate($0, in: timeZone) } : nil
            lastDay = p.lastUpdate.map { HardcoverDate($0, in: timeZone) }
            let position = p.isFinished ? max(p.currentSeconds, p.durationSeconds) : p.currentSeconds
            seconds = position.isFinite ? Int(max(0, position).rounded(.down)) : 0
        }
    }

    static func plan(_ listen: Listen, latest: HardcoverRead?, previous: HardcoverRead?, edition: Int) -> ReadPlan {
        func newRead(startedAfter finish: HardcoverDate?) -> ReadPlan {
            // A re-listen's start is known only when AudiobookShelf's is after the last finish (some
            // versions keep the first listen's start).
            let started = listen.started.flatMap { s in finish.map { s > $0 } ?? true ? s : nil }
            return .newRead(ReadValue(editionId: edition, startedOn: started, finishedOn: listen.finished ? listen.finishedDay : nil,
                                      progressSeconds: listen.seconds > 0 ? listen.seconds : nil))
        }
        guard let latest else { return newRead(startedAfter: nil) }
        if let finish = latest.finishedOn {
            if listen.finished {
                // The same read within a day (time zones); a later finish is a re-listen's.
                guard let day = listen.finishedDay, day.ordinal > finish.ordinal + 1 else { return .none }
                return newRead(startedAfter: finish)
            }
            guard let last = listen.lastDay, last > finish, listen.seconds > 0 else { return .none }
            return newRead(startedAfter: finish)
        }
        // The latest read is open: fill it and move it forward, never back.
        let progress = listen.seconds > (latest.progressSeconds ?? 0) ? listen.seconds : nil
        var started: HardcoverDate?
        if latest.startedOn == nil, let s = listen.started, previous?.finishedOn.map({ s > $0 }) ?? true { started = s }
        var finished: HardcoverDate?
        if listen.finished, let day = listen.finishedDay, latest.startedOn.map({ day >= $0 }) ?? true { finished = day }
        guard progress != nil || started != nil || finished != nil else { return .none }
        return .update(progressSeconds: progress, startedOn: started, finishedOn: finished)
    }
}
