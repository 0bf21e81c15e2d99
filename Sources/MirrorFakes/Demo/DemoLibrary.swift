import Foundation
import MirrorCore

/// A kind of mistake the demo's sample library carries: each is something a user would want
/// fixed, and each is one Hardcover (or the files' tags) knows the answer to.
public enum DemoErrorKind: String, Sendable, Equatable, Hashable, CaseIterable {
    /// No narrators in AudiobookShelf; Hardcover's audiobook edition names them.
    case missingNarrators = "missing narrators"
    /// No narrators in AudiobookShelf nor on Hardcover; the files' tags (composer) name them.
    case narratorsOnlyInTags = "narrators only in the tags"
    /// The book's number in its series is wrong (another book's number).
    case wrongSeriesNumber = "wrong series number"
    /// One letter dropped or doubled in a word of the title.
    case titleTypo = "typo in the title"
    /// One letter dropped or doubled in an author's surname (a second, misspelt author).
    case authorTypo = "typo in an author"
    /// No ASIN; Hardcover's audiobook edition has it.
    case missingASIN = "no ASIN"
    /// The ISBN is the print edition's and there is no ASIN: the audiobook edition must be chosen.
    case printISBN = "print edition's ISBN"
    case missingPublisher = "no publisher"
    case missingLanguage = "no language"
    case missingYear = "no year"

    /// The field the mistake is in.
    public var field: DiffField {
        switch self {
        case .missingNarrators, .narratorsOnlyInTags: .narrators
        case .wrongSeriesNumber: .series
        case .titleTypo: .title
        case .authorTypo: .authors
        case .missingASIN: .asin
        case .printISBN: .isbn
        case .missingPublisher: .publisher
        case .missingLanguage: .language
        case .missingYear: .publishedYear
        }
    }

    /// How many items of a library of `count` get this mistake.
    func quota(_ count: Int) -> Int {
        let per60: Int = switch self {
        case .missingNarrators: 8
        case .narratorsOnlyInTags: 2
        case .wrongSeriesNumber: 5
        case .titleTypo: 5
        case .authorTypo: 3
        case .missingASIN: 6
        case .printISBN: 4
        case .missingPublisher: 4
        case .missingLanguage: 3
        case .missingYear: 3
        }
        return max(1, (per60 * count + 30) / 60)
    }
}

/// One mistake in one item: what AudiobookShelf holds, and what is right — what Hardcover holds
/// for the item's book and audiobook edition (the files' tags, for `narratorsOnlyInTags`).
public struct DemoError: Sendable, Equatable {
    public var itemId: String
    public var kind: DemoErrorKind
    /// nil when the field is empty.
    public var wrong: FieldValue?
    public var right: FieldValue

    public var field: DiffField { kind.field }
}

/// A file of the sample library: where it goes and its bytes.
public struct DemoFile: Sendable {
    public var path: String
    public var bytes: [UInt8]
    public var itemId: String
    /// The tags written into it.
    public var tags: [DemoMP3.Tag]
    public var version: DemoMP3.TagVersion
}

/// The demo's sample library: a deterministic AudiobookShelf library of books with the mistakes
/// real libraries have (`DemoErrorKind`), a Hardcover catalog that knows the right values, and
/// the books' audio files (small tagged MP3s, see `DemoMP3`) for `scan` to read, and listening
/// state to take to Hardcover (`DemoListening`).
///
/// Made from a clean library: the catalog is derived from the clean items (so Hardcover holds
/// the right values), the files are tagged from them (as a good rip would be), and only then are
/// the mistakes put into the AudiobookShelf items, each where the catalog can set it right.
public struct DemoLibrary: Sendable {
    public static let defaultCount = 60
    public static let defaultSeed: UInt64 = 7

    public let library: FakeABSLibrary
    /// The items as AudiobookShelf holds them, mistakes included.
    public let items: [FakeABSItem]
    /// The same items without the mistakes.
    public let cleanItems: [FakeABSItem]
    public let catalog: FakeHardcoverCatalog
    /// By item id: its book and audiobook edition on Hardcover.
    public let truth: [String: FakeHardcoverTruth]
    /// In item order.
    public let errors: [DemoError]
    public let files: [DemoFile]
    /// The listening state (`DemoListeningKind`), in item order: progress on the sample
    /// AudiobookShelf, and the books already in the sample Hardcover reader's library.
    public let listening: [DemoListening]

    /// `folder` is the library's folder: the items' and files' paths are under it.
    public init(folder: String, count: Int = defaultCount, seed: UInt64 = defaultSeed) {
        let root = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        var rng = SplitMix64(seed: seed ^ 0xDE30_0000_0000_0001)
        let library = FakeABSLibrary(id: FakeIDs.uuid(&rng), name: "Sample Audiobooks", mediaType: "book", folderPath: root,
                                     folderId: FakeIDs.uuid(&rng), createdAt: 1_577_800_000_000)
        self.library = library

        // 1. A clean library, every book as MP3 parts (durations only; the files come later).
        let generator = FakeABSGenerator(seed: seed, itemCount: max(8, count), library: library)
        var sequences: [String: Int] = [:]
        var clean = (0..<max(0, count)).map { index in
            generator.item(index: index, stream: 0, nextSequence: { id in
                sequences[id, default: 0] += 1
                return sequences[id]!
            })
        }
        FakeABSGenerator.separateFolders(&clean)
        for n in clean.indices { Self.makeMP3Parts(&clean[n]) }
        cleanItems = clean

        // 2. Hardcover, from the clean items: every item with an identifier findable by it, the
        // others by title. Hardcover spells the titles as the books have them.
        let derived = FakeHardcoverCatalog.derived(from: clean, mix: .init(identifier: 1, title: 0, search: 0),
                                                   extraBooks: count, seed: seed)
        catalog = Self.withLibraryTitles(derived, items: clean)
        truth = derived.truth

        // 3. The mistakes, each where Hardcover (or the tags) has the right value.
        var broken = clean
        var errors: [DemoError] = []
        var forcedComposer = Set<String>()
        let plan = Self.plan(clean, catalog: catalog, truth: truth, seed: seed)
        for (n, item) in clean.enumerated() {
            guard let kind = plan[item.id] else { continue }
            let error = Self.introduce(kind, into: &broken[n], clean: item, catalog: catalog, truth: truth[item.id])
            errors.append(error)
            if kind == .narratorsOnlyInTags { forcedComposer.insert(item.id) }
        }
        self.errors = errors

        // 4. The files, tagged from the clean items; AudiobookShelf's view of them follows.
        var files: [DemoFile] = []
        for n in broken.indices {
            let made = Self.files(for: clean[n], forceComposer: forcedComposer.contains(clean[n].id), seed: seed)
            for (f, file) in made.enumerated() {
                broken[n].audioFiles[f].size = Int64(file.bytes.count)
                broken[n].audioFiles[f].metaTags = Self.metaTags(file.tags)
            }
            files += made
        }
        items = broken
        self.files = files

        // 5. Listening state, on books the mistakes left alone.
        listening = Self.listening(items: broken, errors: errors, catalog: catalog, truth: truth)
    }

    /// A fake AudiobookShelf serving the library (admin token `FakeABSState.adminToken`), with
    /// the admin user's progress of `listening`.
    public func makeState() -> FakeABSState {
        FakeABSState(libraries: [library], items: items, users: FakeABSState.standardUsers, generator: nil,
                     progress: [Self.listenerId: listening.map(\.progress).sorted { $0.startedAt < $1.startedAt }])
    }

    /// Writes every audio file under the library's folder; returns the bytes written. Stops with
    /// `CancellationError` between files when the task is cancelled.
    @discardableResult
    public func writeFiles() throws -> Int {
        var total = 0
        for file in files {
            try Task.checkCancellation()
            let url = URL(fileURLWithPath: file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.bytes).write(to: url)
            total += file.bytes.count
        }
        return total
    }

    public func errors(of kind: DemoErrorKind) -> [DemoError] { errors.filter { $0.kind == kind } }

    public func item(id: String) -> FakeABSItem? { items.first { $0.id == id } }
}

// MARK: - Building

extension DemoLibrary {
    /// The item's audio as MP3 parts (as many as it had files), durations as the files will state them.
    static func makeMP3Parts(_ item: inout FakeABSItem) {
        let total = item.duration
        let count = max(1, item.audioFiles.count)
        let first = item.audioFiles.first
        let stereo = (first?.channels ?? 2) == 2
        let baseIno = UInt64(item.ino) ?? 0
        item.audioFiles = (1...count).map { part in
            let seconds = DemoMP3.seconds(frames: DemoMP3.frames(seconds: total / Double(count)))
            let filename = count == 1 ? "\(item.title).mp3" : "\(part < 10 ? "0" : "")\(part) - \(item.title).mp3"
            return FakeABSAudioFile(index: part, ino: String(baseIno + 1 + UInt64(part)), filename: filename,
                                    path: item.path + "/" + filename, relPath: filename, size: 0,
                                    mtimeMs: (first?.mtimeMs ?? item.addedAt) + Int64(part), duration: seconds,
                                    bitRate: DemoMP3.bitRate, codec: "mp3", format: "MP2/3 (MPEG audio layer 2/3)",
                                    channels: stereo ? 2 : 1, metaTags: [:])
        }
        item.coverPath = nil
        item.isMissing = false
    }

    /// The derived catalog with each item's book titled as the item (Hardcover's "(Unabridged)"
    /// and "Book 2" variants left out, so that a title that differs is a mistake in the library).
    static func withLibraryTitles(_ derived: FakeHardcoverDerived, items: [FakeABSItem]) -> FakeHardcoverCatalog {
        var titles: [Int: (old: String, new: String, subtitle: String?)] = [:]
        for item in items {
            guard let t = derived.truth[item.id] else { continue }
            titles[t.bookId] = (derived.catalog.book(id: t.bookId)?.title ?? item.title, item.title, item.subtitle)
        }
        let books = derived.catalog.books.map { book -> FakeHardcoverBook in
            guard let t = titles[book.id], t.old != t.new || book.subtitle != t.subtitle else { return book }
            var b = book
            b.title = t.new
            b.subtitle = t.subtitle
            b.slug = FakeHardcoverText.slug(t.new)
            return b
        }
        let editions = derived.catalog.editions.map { edition -> FakeHardcoverEdition in
            guard let t = titles[edition.bookId], edition.title == t.old else { return edition }
            var e = edition
            e.title = t.new
            e.subtitle = t.subtitle
            return e
        }
        return FakeHardcoverCatalog(books: books, editions: editions)
    }

    static func narrators(of edition: FakeHardcoverEdition) -> [String] {
        edition.contributions.filter { $0.contribution == "Narrator" }.map(\.authorName)
    }

    /// Whether Hardcover can set `kind` right in `item`.
    static func eligible(_ kind: DemoErrorKind, _ item: FakeABSItem, catalog: FakeHardcoverCatalog, truth: FakeHardcoverTruth?) -> Bool {
        guard let truth, let editionId = truth.editionId, let audio = catalog.edition(id: editionId),
              let book = catalog.book(id: truth.bookId) else { return false }
        let audioEditions = catalog.editions(ofBook: book.id).filter(\.isAudiobook)
        switch kind {
        case .missingNarrators:
            return !item.narrators.isEmpty && Set(narrators(of: audio)) == Set(item.narrators) && audioEditions.count == 1
        case .narratorsOnlyInTags:
            return !item.narrators.isEmpty && narrators(of: audio).isEmpty && audioEditions.count == 1
        case .wrongSeriesNumber:
            guard let s = item.series.first, let sequence = s.sequence, let number = Int(sequence),
                  let position = book.series.first?.position else { return false }
            return Double(number) == position
        case .titleTypo:
            return typo(in: item.title, salt: item.id) != nil && book.title == item.title
        case .authorTypo:
            return item.authors.count == 1 && typo(in: item.authors[0].name, salt: item.id, lastWordOnly: true) != nil
        case .missingASIN:
            return item.asin != nil && audio.asin == item.asin
        case .printISBN:
            let prints = catalog.editions(ofBook: book.id).filter { $0.readingFormatId == FakeHardcoverEdition.Format.physical.rawValue }
            return audio.asin != nil && audio.isbn13 != nil && audioEditions.count == 1
                && prints.contains { $0.isbn13 != nil && $0.isbn13 != audio.isbn13 }
        case .missingPublisher:
            return item.publisher != nil && audio.publisher == item.publisher
        case .missingLanguage:
            return item.language != nil && audio.language?.name == item.language
        case .missingYear:
            return item.publishedYear != nil && book.releaseYear.map(String.init) == item.publishedYear
        }
    }

    /// Which item gets which mistake: kinds take turns, each taking the next eligible item (in a
    /// seeded order) until its quota is met; an item gets at most one.
    static func plan(_ items: [FakeABSItem], catalog: FakeHardcoverCatalog, truth: [String: FakeHardcoverTruth],
                     seed: UInt64) -> [String: DemoErrorKind] {
        var order = items
        var rng = SplitMix64(seed: seed ^ 0x0E44_0450_0000_0001)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.below(i + 1)) }
        var plan: [String: DemoErrorKind] = [:]
        var left = Dictionary(uniqueKeysWithValues: DemoErrorKind.allCases.map { ($0, $0.quota(items.count)) })
        var progress = true
        while progress {
            progress = false
            for kind in DemoErrorKind.allCases where left[kind, default: 0] > 0 {
                guard let item = order.first(where: { plan[$0.id] == nil && eligible(kind, $0, catalog: catalog, truth: truth[$0.id]) })
                else { continue }
                plan[item.id] = kind
                left[kind, default: 0] -= 1
                progress = true
            }
        }
        return plan
    }

    /// Puts the mistake into `item`; returns what is now wrong and what is right.
    static func introduce(_ kind: DemoErrorKind, into item: inout FakeABSItem, clean: FakeABSItem,
                          catalog: FakeHardcoverCatalog, truth: FakeHardcoverTruth?) -> DemoError {
        let audio = truth?.editionId.flatMap { catalog.edition(id: $0) }
        switch kind {
        case .missingNarrators, .narratorsOnlyInTags:
            item.narrators = []
        case .wrongSeriesNumber:
            let number = Int(clean.series[0].sequence ?? "1") ?? 1
            item.series[0].sequence = String(number > 1 && item.id.hashValueStable % 2 == 0 ? number - 1 : number + 1)
        case .titleTypo:
            item.title = typo(in: clean.title, salt: clean.id) ?? clean.title
        case .authorTypo:
            let name = typo(in: clean.authors[0].name, salt: clean.id, lastWordOnly: true) ?? clean.authors[0].name
            item.authors = [FakeABSAuthor(id: FakeIDs.derived(from: clean.id, salt: "misspelt-author"), name: name)]
        case .missingASIN:
            item.asin = nil
        case .printISBN:
            item.isbn = catalog.editions(ofBook: truth?.bookId ?? 0).first {
                $0.readingFormatId == FakeHardcoverEdition.Format.physical.rawValue && $0.isbn13 != nil && $0.isbn13 != audio?.isbn13
            }?.isbn13
            item.asin = nil
        case .missingPublisher:
            item.publisher = nil
        case .missingLanguage:
            item.language = nil
        case .missingYear:
            item.publishedYear = nil
            item.publishedDate = nil
        }
        // The print trap's right ISBN is the audiobook edition's (the library may never have had one).
        let right = kind == .printISBN ? audio?.isbn13.map(FieldValue.text) : clean.value(kind.field)
        return DemoError(itemId: item.id, kind: kind, wrong: item.value(kind.field), right: right ?? .text(""))
    }

    /// A one-letter typo (a letter dropped, or doubled) in the longest word of 5+ letters, or
    /// of the last word; nil when there is none. The same text and salt give the same typo.
    static func typo(in text: String, salt: String, lastWordOnly: Bool = false) -> String? {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let candidates = words.indices.filter { i in
            (!lastWordOnly || i == words.count - 1) && words[i].count >= 5 && words[i].allSatisfy(\.isLetter)
        }
        guard let target = candidates.max(by: { words[$0].count < words[$1].count }) else { return nil }
        var letters = Array(words[target])
        let position = letters.count / 2
        if salt.hashValueStable % 2 == 0 {
            letters.remove(at: position)
        } else {
            letters.insert(letters[position], at: position)
        }
        words[target] = String(letters)
        return words.joined(separator: " ")
    }
}

// MARK: - Files

extension DemoLibrary {
    /// The item's MP3 parts, tagged as a tagger would from the clean metadata, with the usual
    /// gaps: some files have no composer (narrators), publisher or ASIN; a third are ID3v2.3.
    static func files(for item: FakeABSItem, forceComposer: Bool, seed: UInt64) -> [DemoFile] {
        var rng = SplitMix64(seed: seed ^ UInt64(bitPattern: Int64(item.id.hashValueStable)) &* 0x2545_F491_4F6C_DD1D)
        let version: DemoMP3.TagVersion = rng.below(3) == 0 ? .v23 : .v24
        let withComposer = forceComposer || rng.chance(0.7)
        let withPublisher = rng.chance(0.6)
        let withASIN = rng.chance(0.4)
        let withLanguage = rng.chance(0.5)
        let authors = item.authors.map(\.name).joined(separator: ", ")
        var common: [DemoMP3.Tag] = [DemoMP3.Tag("TALB", item.title), DemoMP3.Tag("TPE1", authors), DemoMP3.Tag("TPE2", authors)]
        if let subtitle = item.subtitle { common.append(DemoMP3.Tag("TIT3", subtitle)) }
        if withComposer, !item.narrators.isEmpty { common.append(DemoMP3.Tag("TCOM", item.narrators.joined(separator: ", "))) }
        if let year = item.publishedYear { common.append(DemoMP3.Tag("TDRC", year)) }
        if withPublisher, let publisher = item.publisher { common.append(DemoMP3.Tag("TPUB", publisher)) }
        if let genre = item.genres.first { common.append(DemoMP3.Tag("TCON", genre)) }
        if withLanguage, let code = languageCode(item.language) { common.append(DemoMP3.Tag("TLAN", code)) }
        if withASIN, let asin = item.asin { common.append(.custom("ASIN", asin)) }
        if let series = item.series.first {
            common.append(.custom("SERIES", series.name))
            if let sequence = series.sequence { common.append(.custom("SERIES-PART", sequence)) }
        }
        let count = item.audioFiles.count
        return item.audioFiles.map { file in
            var tags = [DemoMP3.Tag("TIT2", count == 1 ? item.title : "\(item.title) - Part \(file.index)")]
            tags += common
            tags.append(DemoMP3.Tag("TRCK", "\(file.index)/\(count)"))
            tags.append(DemoMP3.Tag("TSSE", "shelfmirror demo"))
            let bytes = DemoMP3.file(tags: tags, version: version, seconds: file.duration, stereo: file.channels == 2)
            return DemoFile(path: file.path, bytes: bytes, itemId: item.id, tags: tags, version: version)
        }
    }

    /// ISO 639-2, as TLAN holds it.
    static func languageCode(_ name: String?) -> String? {
        switch name {
        case "English": "eng"
        case "German": "ger"
        case "French": "fre"
        case "Spanish": "spa"
        default: nil
        }
    }

    /// What AudiobookShelf reports of the tags (its `metaTags`, from ffprobe).
    static func metaTags(_ tags: [DemoMP3.Tag]) -> [String: String] {
        var out: [String: String] = [:]
        for tag in tags {
            let key: String? = switch (tag.frame, tag.description) {
            case ("TIT2", _): "tagTitle"
            case ("TALB", _): "tagAlbum"
            case ("TPE1", _): "tagArtist"
            case ("TPE2", _): "tagAlbumArtist"
            case ("TIT3", _): "tagSubtitle"
            case ("TCOM", _): "tagComposer"
            case ("TDRC", _), ("TYER", _): "tagDate"
            case ("TPUB", _): "tagPublisher"
            case ("TCON", _): "tagGenre"
            case ("TLAN", _): "tagLanguage"
            case ("TRCK", _): "tagTrack"
            case ("TSSE", _): "tagEncoder"
            case ("TXXX", "ASIN"?): "tagASIN"
            case ("TXXX", "SERIES"?): "tagSeries"
            case ("TXXX", "SERIES-PART"?): "tagSeriesPart"
            default: nil
            }
            if let key { out[key] = tag.value }
        }
        return out
    }
}

// MARK: - Fields

extension FakeABSItem {
    /// The item's metadata as `diff` compares it (the description as plain text), to check what
    /// the server holds against proposals.
    public var bookFields: BookFields {
        var b = BookFields()
        b.title = title.isEmpty ? nil : title
        b.subtitle = subtitle
        b.authors = authors.map(\.name)
        b.narrators = narrators
        b.series = series.map { SeriesEntry(name: $0.name, sequence: $0.sequence) }
        b.publishedYear = publishedYear.flatMap(TextCleaner.year(in:))
        b.publisher = publisher
        b.description = description.map(HTMLText.plain)
        b.isbn = isbn
        b.asin = asin
        b.language = language
        b.genres = genres
        return b
    }

    /// One field as `diff` sees it; nil when empty.
    public func value(_ field: DiffField) -> FieldValue? { Differ.value(field, of: bookFields) }
}
