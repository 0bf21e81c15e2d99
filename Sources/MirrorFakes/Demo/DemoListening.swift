import Foundation
import MirrorCore

/// A kind of listening state the demo's sample library carries: each shows one rule of the
/// Hardcover diff (issue 14) at work.
public enum DemoListeningKind: String, Sendable, Equatable, Hashable, CaseIterable {
    /// Finished in AudiobookShelf; not in the Hardcover library: a read with AudiobookShelf's finish day.
    case finished = "finished"
    /// Part way in AudiobookShelf; not in the Hardcover library: a read in progress.
    case inProgress = "in progress"
    /// Part way in AudiobookShelf; marked Did Not Finish on Hardcover by hand: kept.
    case didNotFinishOnHardcover = "did not finish on Hardcover"
    /// Part way in AudiobookShelf; Hardcover's read is further on (another player): kept.
    case aheadOnHardcover = "ahead on Hardcover"
    /// Finished earlier (Hardcover has that read), started again in AudiobookShelf: one new read.
    case relisten = "re-listen"
    /// Finished in AudiobookShelf; Hardcover has no audiobook edition of the book: listed by `gaps`.
    case noAudiobookEdition = "no audiobook edition"

    /// How many items get it.
    var quota: Int {
        switch self {
        case .finished: 3
        case .inProgress: 2
        default: 1
        }
    }
}

/// One item's listening state in the demo: the admin user's progress on the sample
/// AudiobookShelf, and the book in the sample Hardcover reader's library before any push.
public struct DemoListening: Sendable, Equatable {
    public var itemId: String
    public var kind: DemoListeningKind
    /// As the sample AudiobookShelf holds it for `FakeABSState.adminUserId`.
    public var progress: FakeABSProgress
    /// The book in `FakeHardcoverUser.reader`'s library; nil when it is not there.
    public var userBook: FakeHardcoverUserBook?
}

extension DemoLibrary {
    /// The user whose progress the demo's AudiobookShelf holds: the admin token's.
    public static var listenerId: String { FakeABSState.adminUserId }

    /// The sample listening state, in item order: the items of each kind (`DemoListeningKind`),
    /// taken in the library's order among the books without a mistake whose Hardcover book has
    /// one audiobook edition (`noAudiobookEdition`: the first whose book has none). Dates are
    /// fixed, in 2025 and 2026, so that the demo prints the same every day.
    static func listening(items: [FakeABSItem], errors: [DemoError], catalog: FakeHardcoverCatalog,
                          truth: [String: FakeHardcoverTruth]) -> [DemoListening] {
        let mistaken = Set(errors.map(\.itemId))
        var plain = items.filter { item in
            guard !mistaken.contains(item.id), item.duration > 3_600, let t = truth[item.id], t.editionId != nil else { return false }
            return catalog.editions(ofBook: t.bookId).filter(\.isAudiobook).count == 1
        }
        var out: [DemoListening] = []
        for kind in DemoListeningKind.allCases {
            for _ in 0..<kind.quota {
                let item: FakeABSItem?
                if kind == .noAudiobookEdition {
                    item = items.first { truth[$0.id].map { $0.editionId == nil } ?? false && !mistaken.contains($0.id) && $0.duration > 0 }
                } else {
                    item = plain.isEmpty ? nil : plain.removeFirst()
                }
                guard let item else { continue }
                out.append(listening(kind, item: item, index: out.count, truth: truth[item.id]))
            }
        }
        let order = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($0.element.id, $0.offset) })
        return out.sorted { (order[$0.itemId] ?? 0) < (order[$1.itemId] ?? 0) }
    }

    /// The `index`th item's state of `kind`.
    static func listening(_ kind: DemoListeningKind, item: FakeABSItem, index: Int, truth: FakeHardcoverTruth?) -> DemoListening {
        let user = listenerId
        let duration = item.duration
        // Whole seconds, as a player reports a position.
        func at(_ fraction: Double) -> Double { (duration * fraction).rounded(.down) }
        let edition = truth?.editionId
        let bookId = truth?.bookId ?? 0
        switch kind {
        case .finished:
            let finishes = [utc(2026, 2, 20, 22, 45), utc(2026, 5, 19, 19, 5), utc(2026, 9, 1, 6, 40)]
            let finish = finishes[index % finishes.count]
            let progress = FakeABSState.progress(of: item, userId: user, .finished(startedAt: finish - 17 * day - 5 * hour, finishedAt: finish))
            return DemoListening(itemId: item.id, kind: kind, progress: progress, userBook: nil)
        case .inProgress:
            let started = index % 2 == 0 ? utc(2026, 10, 5, 18, 0) : utc(2026, 10, 20, 7, 30)
            let progress = FakeABSState.progress(of: item, userId: user, .inProgress(
                currentTime: at(index % 2 == 0 ? 0.41 : 0.12), startedAt: started, lastUpdate: started + 8 * day + 2 * hour))
            return DemoListening(itemId: item.id, kind: kind, progress: progress, userBook: nil)
        case .didNotFinishOnHardcover:
            let started = utc(2026, 4, 1, 20, 15)
            let progress = FakeABSState.progress(of: item, userId: user, .inProgress(
                currentTime: at(0.23), startedAt: started, lastUpdate: started + 9 * day))
            let read = FakeHardcoverUserBookRead(editionId: edition, startedAt: HCDate.day(.milliseconds(started)),
                                                 progressSeconds: Int(at(0.23)))
            return DemoListening(itemId: item.id, kind: kind, progress: progress,
                                 userBook: FakeHardcoverUserBook(bookId: bookId, editionId: edition, status: .didNotFinish, reads: [read]))
        case .aheadOnHardcover:
            let started = utc(2026, 9, 20, 21, 0)
            let progress = FakeABSState.progress(of: item, userId: user, .inProgress(
                currentTime: at(0.30), startedAt: started, lastUpdate: utc(2026, 10, 12, 8, 20)))
            // Listened further in another player: Hardcover's read is 2 h 30 min on.
            let read = FakeHardcoverUserBookRead(editionId: edition, startedAt: HCDate.day(.milliseconds(started)),
                                                 progressSeconds: Int(at(0.30)) + 9_000)
            return DemoListening(itemId: item.id, kind: kind, progress: progress,
                                 userBook: FakeHardcoverUserBook(bookId: bookId, editionId: edition, status: .currentlyReading, reads: [read]))
        case .relisten:
            // Finished in December 2025 (Hardcover has that read), played again in October 2026: the
            // player's sync goes through the server's rules, as `FakeABSState.startAgain` does.
            let started = utc(2025, 12, 1, 19, 0), finish = utc(2025, 12, 28, 21, 30), again = utc(2026, 10, 25, 9, 15)
            var progress = FakeABSState.progress(of: item, userId: user, .finished(startedAt: started, finishedAt: finish))
            let position = 4_800.0
            progress.apply(["currentTime": .number(position), "duration": .number(duration), "progress": .number(position / duration)],
                           now: again)
            let read = FakeHardcoverUserBookRead(editionId: edition, startedAt: HCDate.day(.milliseconds(started)),
                                                 finishedAt: HCDate.day(.milliseconds(finish)), progressSeconds: Int(duration))
            return DemoListening(itemId: item.id, kind: kind, progress: progress,
                                 userBook: FakeHardcoverUserBook(bookId: bookId, editionId: edition, status: .read, reads: [read]))
        case .noAudiobookEdition:
            let finish = utc(2026, 6, 14, 20, 30)
            let progress = FakeABSState.progress(of: item, userId: user, .finished(startedAt: finish - 13 * day, finishedAt: finish))
            return DemoListening(itemId: item.id, kind: kind, progress: progress, userBook: nil)
        }
    }

    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    /// Milliseconds since the epoch of a UTC time.
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)) ?? Date(timeIntervalSince1970: 0)
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public func listening(of kind: DemoListeningKind) -> [DemoListening] { listening.filter { $0.kind == kind } }

    /// The reader's Hardcover library before any push: the user books of the listening state.
    public var hardcoverLibrary: [FakeHardcoverUserBook] { listening.compactMap(\.userBook) }

    /// A fake Hardcover serving the catalog, its reader's library seeded with `hardcoverLibrary`.
    public func makeHardcoverState(limits: FakeHardcoverLimits = .unlimited) async -> FakeHardcoverState {
        let state = FakeHardcoverState(catalog: catalog, limits: limits)
        await state.seed(hardcoverLibrary, for: .reader)
        return state
    }
}
