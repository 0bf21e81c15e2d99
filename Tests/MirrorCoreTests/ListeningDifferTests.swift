import Foundation
import MirrorCore
import Testing

/// The rules of `diff --target hardcover`, one by one: what the listening progress of an item
/// proposes against the book's place in the Hardcover user's library.
struct ListeningDifferTests {
    static let audio = 501
    static let print = 502
    static let utc = TimeZone(identifier: "UTC")!

    static func instant(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    static func day(_ text: String) -> HardcoverDate {
        HardcoverDate(text)!
    }

    static func progress(seconds: Double, finished: Bool = false, started: String? = "2026-03-01T20:00:00Z",
                         finishedAt: String? = nil, last: String? = nil) -> ListeningProgress {
        ListeningProgress(itemId: "li_1", userId: "u1", currentSeconds: seconds, durationSeconds: 36_000, progress: min(1, seconds / 36_000),
                          isFinished: finished, startedAt: started.map(instant), finishedAt: finishedAt.map(instant),
                          lastUpdate: (last ?? finishedAt ?? started).map(instant))
    }

    static func subject(_ progress: ListeningProgress?, _ userBook: HardcoverUserBook? = nil) -> ListeningSubject {
        ListeningSubject(itemId: "li_1", progress: progress, audioEdition: audio, editionIsAudio: [audio: true, print: false],
                         shelf: HardcoverShelfEntry(bookId: 10, userBook: userBook))
    }

    static func userBook(_ status: HardcoverReadingStatus, edition: Int? = audio, owned: Bool = false, _ reads: HardcoverRead...) -> HardcoverUserBook {
        HardcoverUserBook(id: 77, bookId: 10, editionId: edition, status: status, owned: owned, updatedAt: "2026-03-01T00:00:00+00:00", reads: reads)
    }

    static func proposals(_ subject: ListeningSubject, policy: ListeningPolicy = ListeningPolicy(timeZone: utc)) -> [ListeningField: String] {
        Dictionary(ListeningDiffer.proposals(subject, policy: policy).map { ($0.field, $0.proposed) }) { a, _ in a }
    }

    // MARK: - First listens

    @Test func aBookInProgressNotInTheLibraryGetsANewReadOnTheAudiobookEditionAndCurrentlyReading() {
        let p = Self.proposals(Self.subject(Self.progress(seconds: 5_400)))
        #expect(p[.status] == ListeningValue.status(.currentlyReading))
        #expect(p[.edition] == ListeningValue.int(Self.audio))
        let read = ReadValue(json: p[.read] ?? "")
        #expect(read == ReadValue(editionId: Self.audio, startedOn: Self.day("2026-03-01"), finishedOn: nil, progressSeconds: 5_400))
        #expect(p[.owned] == nil, "owned is opt-in")
    }

    @Test func aFinishedBookGetsAReadFinishedOnTheDayOfFinishedAtInTheListenersTimeZoneNeverToday() {
        // 23:30 UTC on March 5th is March 6th in Berlin and still March 5th in New York.
        let listen = Self.progress(seconds: 36_000, finished: true, finishedAt: "2026-03-05T23:30:00Z")
        let utc = ReadValue(json: Self.proposals(Self.subject(listen))[.read] ?? "")
        #expect(utc?.finishedOn == Self.day("2026-03-05"))
        let berlin = ReadValue(json: Self.proposals(Self.subject(listen),
                                                    policy: ListeningPolicy(timeZone: TimeZone(identifier: "Europe/Berlin")!))[.read] ?? "")
        #expect(berlin?.finishedOn == Self.day("2026-03-06"))
        #expect(utc?.progressSeconds == 36_000)
        #expect(Self.proposals(Self.subject(listen))[.status] == ListeningValue.status(.read))
    }

    @Test func noListeningStateProposesNothingUnlessWantToReadIsAskedFor() {
        #expect(Self.proposals(Self.subject(nil)).isEmpty)
        #expect(Self.proposals(Self.subject(Self.progress(seconds: 0, started: nil))).isEmpty, "at 0 and not finished: no state")
        var policy = ListeningPolicy(timeZone: Self.utc)
        policy.wantToRead = true
        let p = Self.proposals(Self.subject(nil), policy: policy)
        #expect(p == [.status: ListeningValue.status(.wantToRead), .edition: ListeningValue.int(Self.audio)])
        #expect(Self.proposals(Self.subject(nil, Self.userBook(.read)), policy: policy).isEmpty, "a book already in the library is left")
    }

    // MARK: - Never backwards, never a duplicate

    @Test func progressAheadOnHardcoverIsKeptAndBehindIsMovedForward() {
        let open = HardcoverRead(id: 1, editionId: Self.audio, startedOn: Self.day("2026-03-01"), progressSeconds: 9_000)
        #expect(Self.proposals(Self.subject(Self.progress(seconds: 5_400), Self.userBook(.currentlyReading, open))).isEmpty)
        let p = Self.proposals(Self.subject(Self.progress(seconds: 12_000), Self.userBook(.currentlyReading, open)))
        #expect(p == [.progressSeconds: "12000"])
    }

    @Test func aReadFinishedOnHardcoverIsNotReopenedAndTheSameFinishWithinADayIsNotADuplicate() {
        let done = HardcoverRead(id: 1, editionId: Self.audio, startedOn: Self.day("2026-03-01"), finishedOn: Self.day("2026-03-05"),
                                 progressSeconds: 36_000)
        let book = Self.userBook(.read, done)
        // ABS still mid-book (another device lagging): kept.
        #expect(Self.proposals(Self.subject(Self.progress(seconds: 30_000, last: "2026-03-04T10:00:00Z"), book)).isEmpty)
        // Finished the same day, or the next (time zones): the same read.
        for finish in ["2026-03-05T10:00:00Z", "2026-03-06T01:00:00Z"] {
            let listen = Self.progress(seconds: 36_000, finished: true, finishedAt: finish)
            #expect(Self.proposals(Self.subject(listen, book)).isEmpty, "\(finish)")
        }
    }

    @Test func aReListenAfterTheLastFinishIsANewReadAndOncePushedNothingMore() {
        let first = HardcoverRead(id: 1, editionId: Self.audio, startedOn: Self.day("2026-01-01"), finishedOn: Self.day("2026-01-20"),
                                  progressSeconds: 36_000)
        // ABS keeps the first listen's start; the re-listen is in progress since March.
        let listen = Self.progress(seconds: 7_200, started: "2026-01-01T08:00:00Z", last: "2026-03-10T21:00:00Z")
        let p = Self.proposals(Self.subject(listen, Self.userBook(.read, first)))
        let read = ReadValue(json: p[.read] ?? "")
        #expect(read == ReadValue(editionId: Self.audio, startedOn: nil, finishedOn: nil, progressSeconds: 7_200),
                "a new read, its start unknown (ABS's is the first listen's)")
        #expect(p[.status] == ListeningValue.status(.currentlyReading))
        // After the push the new read is the latest: the same state proposes nothing.
        let second = HardcoverRead(id: 2, editionId: Self.audio, progressSeconds: 7_200)
        #expect(Self.proposals(Self.subject(listen, Self.userBook(.currentlyReading, first, second))).isEmpty)
        // Finished again later: the open read is finished, not a third read.
        let again = Self.progress(seconds: 36_000, finished: true, started: "2026-01-01T08:00:00Z", finishedAt: "2026-03-20T21:00:00Z")
        let finish = Self.proposals(Self.subject(again, Self.userBook(.currentlyReading, first, second)))
        #expect(finish[.read] == nil)
        #expect(finish[.finishedOn] == ListeningValue.date(Self.day("2026-03-20")))
        #expect(finish[.progressSeconds] == "36000")
        #expect(finish[.status] == ListeningValue.status(.read))
    }

    // MARK: - Kept as set by hand

    @Test func didNotFinishPausedAndIgnoredOnHardcoverAreKept() {
        for status in [HardcoverReadingStatus.didNotFinish, .paused, .ignored] {
            let read = HardcoverRead(id: 1, editionId: Self.audio, startedOn: Self.day("2026-03-01"), progressSeconds: 100)
            let listen = Self.progress(seconds: 36_000, finished: true, finishedAt: "2026-03-05T10:00:00Z")
            #expect(Self.proposals(Self.subject(listen, Self.userBook(status, read))).isEmpty, "\(status)")
        }
    }

    // MARK: - The edition

    @Test func aUserBookOnAPrintEditionMovesToTheAudiobookOneAndAnUnknownEditionIsLeft() {
        let read = HardcoverRead(id: 1, editionId: Self.audio, startedOn: Self.day("2026-03-01"), progressSeconds: 5_400)
        let onPrint = Self.proposals(Self.subject(Self.progress(seconds: 5_400), Self.userBook(.currentlyReading, edition: Self.print, read)))
        #expect(onPrint == [.edition: ListeningValue.int(Self.audio)])
        let unknown = Self.proposals(Self.subject(Self.progress(seconds: 5_400), Self.userBook(.currentlyReading, edition: 9_999, read)))
        #expect(unknown.isEmpty, "an edition the mirror does not know is not replaced")
    }

    @Test func wantToReadCatchesUpAndOwnedIsProposedOnlyWhenAsked() {
        let p = Self.proposals(Self.subject(Self.progress(seconds: 600), Self.userBook(.wantToRead)))
        #expect(p[.status] == ListeningValue.status(.currentlyReading))
        #expect(ReadValue(json: p[.read] ?? "")?.progressSeconds == 600)
        var policy = ListeningPolicy(timeZone: Self.utc)
        policy.owned = true
        #expect(Self.proposals(Self.subject(Self.progress(seconds: 600)), policy: policy)[.owned] == "true")
        #expect(Self.proposals(Self.subject(Self.progress(seconds: 600), Self.userBook(.wantToRead, owned: true)), policy: policy)[.owned] == nil)
    }

    @Test func aProposalsBaseIsHardcoversValueAndItsActionFillOrReplace() {
        let read = HardcoverRead(id: 1, editionId: Self.audio, startedOn: nil, progressSeconds: 100)
        let made = ListeningDiffer.proposals(Self.subject(Self.progress(seconds: 5_400), Self.userBook(.currentlyReading, read)),
                                             policy: ListeningPolicy(timeZone: Self.utc))
        let progress = made.first { $0.field == .progressSeconds }
        #expect(progress?.current == "100" && progress?.action == .replace)
        let started = made.first { $0.field == .startedOn }
        #expect(started?.current == nil && started?.action == .fill && started?.proposed == ListeningValue.date(Self.day("2026-03-01")))
    }
}
