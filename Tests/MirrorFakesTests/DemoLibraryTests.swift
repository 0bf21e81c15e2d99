import Foundation
import MirrorCore
@testable import MirrorFakes
import Testing

/// The demo's sample library: its mistakes are really in the AudiobookShelf items, Hardcover
/// holds the right values, and the files are where the items say, with the bytes of MP3s.
struct DemoLibraryTests {
    static let folder = "/srv/sample"
    static let library = DemoLibrary(folder: folder)

    @Test func fiftyBooksOrMoreInOneLibraryTheSameEveryTime() {
        let lib = Self.library
        #expect(lib.items.count >= 50)
        #expect(Set(lib.items.map(\.libraryId)) == [lib.library.id])
        #expect(Set(lib.items.map(\.id)).count == lib.items.count)
        #expect(lib.items.allSatisfy { $0.path.hasPrefix(Self.folder + "/") && !$0.isMissing })

        let again = DemoLibrary(folder: Self.folder)
        #expect(again.items == lib.items)
        #expect(again.errors == lib.errors)
        #expect(again.catalog.books == lib.catalog.books && again.catalog.editions == lib.catalog.editions)
        #expect(again.files.map(\.bytes) == lib.files.map(\.bytes))
    }

    @Test func everyKindOfMistakeIsThereAtItsQuota() {
        let lib = Self.library
        for kind in DemoErrorKind.allCases {
            #expect(lib.errors(of: kind).count == kind.quota(lib.items.count), "\(kind.rawValue): \(lib.errors(of: kind).count)")
        }
        #expect(lib.errors.count >= 40)
        #expect(Set(lib.errors.map(\.itemId)).count == lib.errors.count, "one mistake per item")
        #expect(lib.items.count - lib.errors.count >= 10, "some books are right already")
    }

    @Test func eachMistakeIsInTheItemAndDiffersFromTheRightValue() throws {
        let lib = Self.library
        let clean = Dictionary(uniqueKeysWithValues: lib.cleanItems.map { ($0.id, $0) })
        for error in lib.errors {
            let item = try #require(lib.item(id: error.itemId))
            let now = item.value(error.field)
            #expect(Differ.same(error.field, now, error.wrong), "\(error.kind.rawValue) in \(item.title)")
            #expect(!Differ.same(error.field, now, error.right), "\(error.kind.rawValue) in \(item.title): \(now?.display ?? "")")
            // Only that field (and, for the print trap, the ASIN) differs from the clean item.
            let original = try #require(clean[error.itemId])
            for field in DiffField.allCases where field != error.field && !(error.kind == .printISBN && field == .asin) {
                #expect(Differ.same(field, item.value(field), original.value(field)), "\(field.rawValue) of \(item.title)")
            }
        }
        // The clean items are clean: every other item is unchanged.
        let broken = Set(lib.errors.map(\.itemId))
        for item in lib.items where !broken.contains(item.id) {
            #expect(DiffField.allCases.allSatisfy { Differ.same($0, item.value($0), clean[item.id]?.value($0)) })
        }
    }

    @Test func theMistakesLookAsTheyShould() throws {
        let lib = Self.library
        for error in lib.errors {
            switch error.kind {
            case .missingNarrators, .narratorsOnlyInTags, .missingASIN, .missingPublisher, .missingLanguage, .missingYear:
                #expect(error.wrong == nil, "\(error.kind.rawValue): the field is empty")
            case .wrongSeriesNumber:
                guard case .series(let wrong)? = error.wrong, case .series(let right) = error.right else {
                    Issue.record("series values")
                    continue
                }
                #expect(wrong.map(\.name) == right.map(\.name), "the same series")
                #expect(wrong.first?.sequence != right.first?.sequence, "another number")
            case .titleTypo, .authorTypo:
                let (wrong, right) = (Self.single(error.wrong), Self.single(error.right))
                #expect(wrong != nil && right != nil && Self.oneLetterApart(wrong ?? "", right ?? ""), "\(wrong ?? "") / \(right ?? "")")
            case .printISBN:
                let item = try #require(lib.item(id: error.itemId))
                #expect(item.asin == nil && item.isbn != nil)
            }
        }
        // A misspelt author is an author of its own, as a bad import makes one.
        for error in lib.errors(of: .authorTypo) {
            let item = try #require(lib.item(id: error.itemId))
            #expect(!lib.items.contains { other in other.id != item.id && other.authors.contains { $0.id == item.authors[0].id } })
        }
    }

    @Test func hardcoverHoldsTheRightValues() throws {
        let lib = Self.library
        let catalog = lib.catalog
        for error in lib.errors {
            let truth = try #require(lib.truth[error.itemId])
            let book = try #require(catalog.book(id: truth.bookId))
            let audio = try #require(truth.editionId.flatMap { catalog.edition(id: $0) }, "an audiobook edition for \(book.title)")
            #expect(audio.isAudiobook && audio.bookId == book.id)
            let right = error.right
            let narrators = audio.contributions.filter { $0.contribution == "Narrator" }.map(\.authorName)
            switch error.kind {
            case .missingNarrators:
                #expect(Differ.same(.narrators, .list(narrators), right))
            case .narratorsOnlyInTags:
                #expect(narrators.isEmpty, "Hardcover does not know them")
                let composers = lib.files.filter { $0.itemId == error.itemId }.map { file in file.tags.first { $0.frame == "TCOM" }?.value }
                #expect(!composers.isEmpty && composers.allSatisfy { $0.map { Differ.same(.narrators, .list(NameList.split($0)), right) } ?? false })
            case .wrongSeriesNumber:
                let entries = book.series.map { SeriesEntry(name: $0.name, sequence: $0.position.map { String(Int($0)) }) }
                #expect(Differ.same(.series, .series(entries), right))
            case .titleTypo:
                #expect(Differ.same(.title, .text(book.title), right))
            case .authorTypo:
                let authors = book.contributions.filter { $0.contribution == nil }.map(\.authorName)
                #expect(Differ.same(.authors, .list(authors), right))
            case .missingASIN:
                #expect(audio.asin.map { Differ.same(.asin, .text($0), right) } ?? false)
            case .printISBN:
                let item = try #require(lib.item(id: error.itemId))
                let printed = catalog.editions(withIdentifier: try #require(item.isbn))
                #expect(!printed.isEmpty && printed.allSatisfy { $0.bookId == book.id && $0.format == .physical },
                        "the item's ISBN is a print edition of its book")
                #expect(audio.isbn13.map { Differ.same(.isbn, .text($0), right) } ?? false)
                #expect(audio.asin != nil, "the audiobook edition can be told by its ASIN")
                #expect(catalog.editions(ofBook: book.id).filter(\.isAudiobook).count == 1)
            case .missingPublisher:
                #expect(audio.publisher.map { Differ.same(.publisher, .text($0), right) } ?? false)
            case .missingLanguage:
                #expect(audio.language.map { Differ.same(.language, .text($0.name), right) } ?? false)
            case .missingYear:
                #expect(book.releaseYear.map { Differ.same(.publishedYear, .text(String($0)), right) } ?? false)
            }
        }
        // Hardcover titles its books as the library does, so a title that differs is a typo.
        for item in lib.cleanItems {
            let truth = try #require(lib.truth[item.id])
            #expect(catalog.book(id: truth.bookId)?.title == item.title)
        }
    }

    @Test func listeningStateOfEveryKindOnItsOwnBooksTheSameEveryTime() throws {
        let lib = Self.library
        for kind in DemoListeningKind.allCases {
            #expect(lib.listening(of: kind).count == (kind == .finished ? 3 : kind == .inProgress ? 2 : 1), "\(kind.rawValue)")
        }
        #expect(Set(lib.listening.map(\.itemId)).count == lib.listening.count, "one state per item")
        #expect(lib.listening.allSatisfy { $0.progress.libraryItemId == $0.itemId })
        #expect(DemoLibrary(folder: Self.folder).listening == lib.listening)
        // The metadata demo is left alone: no listened book carries a mistake.
        let mistaken = Set(lib.errors.map(\.itemId))
        #expect(!lib.listening.contains { mistaken.contains($0.itemId) })

        for listened in lib.listening {
            let truth = try #require(lib.truth[listened.itemId])
            let audio = lib.catalog.editions(ofBook: truth.bookId).filter(\.isAudiobook)
            let p = listened.progress
            switch listened.kind {
            case .finished:
                #expect(p.isFinished && p.finishedAt != nil && listened.userBook == nil)
                #expect(audio.count == 1 && truth.editionId == audio.first?.id)
            case .inProgress:
                #expect(!p.isFinished && p.currentTime > 0 && p.currentTime < p.duration && listened.userBook == nil)
            case .didNotFinishOnHardcover:
                let book = try #require(listened.userBook)
                #expect(!p.isFinished && p.currentTime > 0)
                #expect(book.bookId == truth.bookId && book.status == .didNotFinish)
            case .aheadOnHardcover:
                let book = try #require(listened.userBook)
                #expect(book.bookId == truth.bookId && book.status == .currentlyReading && book.editionId == truth.editionId)
                #expect((book.reads.last?.progressSeconds ?? 0) > Int(p.currentTime), "Hardcover is further on")
            case .relisten:
                let book = try #require(listened.userBook)
                #expect(book.bookId == truth.bookId && book.status == .read && book.reads.count == 1)
                let finished = try #require(book.reads.first?.finishedAt)
                #expect(!p.isFinished && p.finishedAt == nil && p.currentTime > 0, "played again: unfinished, as ABS keeps it")
                #expect(Self.day(p.startedAt) < finished && Self.day(p.lastUpdate) > finished, "started before the finish, played after it")
            case .noAudiobookEdition:
                #expect(p.isFinished && listened.userBook == nil)
                #expect(truth.editionId == nil && audio.isEmpty, "Hardcover has no audiobook edition of it")
            }
        }
        #expect(lib.hardcoverLibrary.count == 3)
    }

    @Test func theReListenIsWhatTheServerMakesOfAFinishedBookPlayedAgain() async throws {
        let lib = Self.library
        let listened = try #require(lib.listening(of: .relisten).first)
        let item = try #require(lib.item(id: listened.itemId))
        let state = lib.makeState()
        let user = DemoLibrary.listenerId
        #expect(await state.progress(userId: user).count == lib.listening.count, "the admin user's progress is served")
        // The first listen, finished; then the player starts again: the server's own rules.
        let first = try #require(lib.listening(of: .relisten).first?.userBook?.reads.first)
        await state.removeProgress(userId: user, itemId: item.id)
        let finishedAt = try #require(Self.ms(first.finishedAt ?? "")) + 43_200_000 // noon on the day Hardcover has
        await state.setProgress(userId: user, itemId: item.id, .finished(startedAt: listened.progress.startedAt, finishedAt: finishedAt))
        let again = await state.startAgain(userId: user, itemId: item.id, currentTime: listened.progress.currentTime,
                                           at: listened.progress.lastUpdate)
        #expect(again == listened.progress)
    }

    @Test func theSampleHardcoverReaderHasTheSeededBooks() async throws {
        let lib = Self.library
        let state = await lib.makeHardcoverState()
        let library = await state.library(of: .reader)
        #expect(library.map(\.bookId).sorted() == lib.hardcoverLibrary.map(\.bookId).sorted())
        #expect(library.allSatisfy { $0.userId == FakeHardcoverUser.reader.id })
        let dnf = try #require(lib.listening(of: .didNotFinishOnHardcover).first?.userBook)
        #expect(library.first { $0.bookId == dnf.bookId }?.status == .didNotFinish)
        #expect(await state.library(of: .second).isEmpty)
    }

    @Test func everyAudioFileIsAFileOfTheLibrary() throws {
        let lib = Self.library
        let paths = lib.items.flatMap { $0.audioFiles.map(\.path) }
        #expect(paths == lib.files.map(\.path))
        #expect(Set(paths).count == paths.count)
        let byPath = Dictionary(uniqueKeysWithValues: lib.files.map { ($0.path, $0) })
        for item in lib.items {
            for file in item.audioFiles {
                let written = try #require(byPath[file.path])
                #expect(file.path == item.path + "/" + file.relPath)
                #expect(file.codec == "mp3" && file.filename.hasSuffix(".mp3"))
                #expect(file.size == Int64(written.bytes.count))
                #expect(file.metaTags["tagAlbum"] == lib.cleanItems.first { $0.id == item.id }?.title)
                #expect(Self.infoFrames(written.bytes) == DemoMP3.frames(seconds: file.duration), "the Info frame states the ABS duration")
            }
            #expect(item.duration > 3_600, "\(item.title) lasts hours")
        }
        #expect(Set(lib.files.map(\.version)) == [.v23, .v24], "both tag versions are written")
    }

    @Test func mp3BytesAreAnID3TagThenMPEGFrames() {
        let bytes = DemoMP3.file(tags: [DemoMP3.Tag("TIT2", "Zoë"), .custom("ASIN", "B0TEST1234")], version: .v23, seconds: 3_600)
        #expect(Array(bytes.prefix(5)) == Array("ID3".utf8) + [3, 0])
        let tagSize = Int(bytes[6]) << 21 | Int(bytes[7]) << 14 | Int(bytes[8]) << 7 | Int(bytes[9])
        let audio = Array(bytes[(10 + tagSize)...])
        #expect(Array(audio.prefix(4)) == [0xFF, 0xFB, 0x90, 0x00], "MPEG-1 Layer III, 128 kbit/s, 44.1 kHz")
        #expect(audio.count == DemoMP3.frameLength * (1 + DemoMP3.silentFrames))
        for n in 0...DemoMP3.silentFrames { #expect(audio[n * DemoMP3.frameLength] == 0xFF) }
        #expect(Self.infoFrames(bytes) == DemoMP3.frames(seconds: 3_600))
        // ID3v2.3 text that is not Latin-1-safe ASCII is UTF-16 with a byte order mark.
        let title = Array(bytes[10..<(10 + 10 + 1 + 2 + 6)])
        #expect(Array(title.prefix(4)) == Array("TIT2".utf8))
        #expect(title[10] == 1 && title[11] == 0xFF && title[12] == 0xFE)
    }

    /// The frame count an MP3's Info frame states: the first frame after the ID3v2 tag.
    static func infoFrames(_ bytes: [UInt8]) -> Int? {
        guard bytes.count > 10, Array(bytes.prefix(3)) == Array("ID3".utf8) else { return nil }
        let start = 10 + (Int(bytes[6]) << 21 | Int(bytes[7]) << 14 | Int(bytes[8]) << 7 | Int(bytes[9]))
        guard bytes.count > start + 60, bytes[start] == 0xFF, bytes[start + 1] == 0xFB else { return nil }
        let info = start + 4 + (bytes[start + 3] & 0xC0 == 0xC0 ? 17 : 32)
        guard Array(bytes[info..<(info + 4)]) == Array("Info".utf8) else { return nil }
        return bytes[(info + 8)..<(info + 12)].reduce(0) { $0 << 8 | Int($1) }
    }

    /// "YYYY-MM-DD" (UTC) of a time in ms.
    static func day(_ ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000).formatted(Date.ISO8601FormatStyle().year().month().day())
    }

    /// Midnight UTC of "YYYY-MM-DD", in ms.
    static func ms(_ day: String) -> Int64? {
        (try? Date(day + "T00:00:00Z", strategy: .iso8601)).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    /// The one text of a title or a one-name list.
    static func single(_ value: FieldValue?) -> String? {
        switch value {
        case .text(let s)?: s
        case .list(let l)? where l.count == 1: l[0]
        default: nil
        }
    }

    static func oneLetterApart(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a), Array(b))
        guard abs(x.count - y.count) == 1 else { return false }
        let (short, long) = x.count < y.count ? (x, y) : (y, x)
        return (0..<long.count).contains { i in Array(long[..<i] + long[(i + 1)...]) == short }
    }
}
