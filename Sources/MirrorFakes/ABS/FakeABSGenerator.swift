/// Deterministic, realistic libraries: the same seed gives the same items, ids included.
struct FakeABSGenerator: Sendable {
    let seed: UInt64
    let library: FakeABSLibrary
    let authors: [FakeABSAuthor]
    let narrators: [String]
    let series: [SeriesPlan]
    let umbrellas: [FakeABSAuthor] // umbrella series: id and name

    struct SeriesPlan: Sendable {
        var id: String
        var name: String
        var author: Int // index in authors
    }

    init(seed: UInt64, itemCount: Int, library: FakeABSLibrary) {
        self.seed = seed
        self.library = library
        var rng = SplitMix64(seed: seed ^ 0xA5A5_0000_0000_0001)

        // ~N/8 authors, each name once: first x last names, shuffled, initials when that is not enough.
        let authorCount = max(4, itemCount / 8)
        var combos = Array(0..<(Names.first.count * Names.last.count))
        for i in stride(from: combos.count - 1, to: 0, by: -1) { combos.swapAt(i, rng.below(i + 1)) }
        var authors: [FakeABSAuthor] = []
        authors.reserveCapacity(authorCount)
        for k in 0..<authorCount {
            let combo = combos[k % combos.count]
            let first = Names.first[combo / Names.last.count], last = Names.last[combo % Names.last.count]
            let round = k / combos.count
            let name = round == 0 ? "\(first) \(last)" : "\(first) \(Names.initials[(round - 1) % Names.initials.count]). \(last)"
            authors.append(FakeABSAuthor(id: FakeIDs.uuid(&rng), name: name))
        }
        self.authors = authors

        let narratorCount = max(6, itemCount / 10)
        self.narrators = (0..<narratorCount).map { k in
            let first = Names.narratorFirst[k % Names.narratorFirst.count]
            let last = Names.narratorLast[(k / Names.narratorFirst.count + k * 7) % Names.narratorLast.count]
            let round = k / (Names.narratorFirst.count * Names.narratorLast.count)
            return round == 0 ? "\(first) \(last)" : "\(first) \(Names.initials[round % Names.initials.count]). \(last)"
        }

        // ~40% of books in a series of ~4: N/10 series, each with one author.
        let seriesCount = max(2, itemCount / 10)
        var usedSeriesNames = Set<String>()
        var series: [SeriesPlan] = []
        series.reserveCapacity(seriesCount)
        for k in 0..<seriesCount {
            var name = Self.seriesName(&rng)
            if !usedSeriesNames.insert(name).inserted { name += " \(k)" }
            series.append(SeriesPlan(id: FakeIDs.uuid(&rng), name: name, author: Self.popularIndex(&rng, authors.count)))
        }
        self.series = series
        self.umbrellas = Names.places.map { FakeABSAuthor(id: FakeIDs.uuid(&rng), name: "The \($0) Universe") }
    }

    /// Skewed: a few authors write many books.
    static func popularIndex(_ rng: inout SplitMix64, _ count: Int) -> Int {
        let u = rng.unit()
        return min(count - 1, Int(Double(count) * u * u))
    }

    static func seriesName(_ rng: inout SplitMix64) -> String {
        switch rng.below(4) {
        case 0: "The \(rng.pick(Names.nouns)) \(rng.pick(Names.collections))"
        case 1: "\(rng.pick(Names.places)) \(rng.pick(["Mysteries", "Chronicles", "Tales", "Files"]))"
        case 2: "The \(rng.pick(Names.adjectives)) \(rng.pick(Names.nouns)) \(rng.pick(Names.collections))"
        default: "\(rng.pick(Names.nouns)) of \(rng.pick(Names.places))"
        }
    }

    static func title(_ rng: inout SplitMix64) -> String {
        switch rng.below(8) {
        case 0, 1: "The \(rng.pick(Names.adjectives)) \(rng.pick(Names.nouns))"
        case 2: "A \(rng.pick(Names.nouns)) in \(rng.pick(Names.places))"
        case 3: "The \(rng.pick(Names.nouns)) of \(rng.pick(Names.places))"
        case 4: "\(rng.pick(Names.adjectives)) \(rng.pick(Names.nouns))s"
        case 5: "The \(rng.pick(Names.nouns))'s \(rng.pick(Names.nouns))"
        case 6: "Beneath the \(rng.pick(Names.adjectives)) \(rng.pick(Names.nouns))"
        default: "\(rng.pick(Names.nouns)) and \(rng.pick(Names.nouns))"
        }
    }

    /// Item `index`, from its own stream so it does not depend on the others (stream 0: the
    /// generated library; 1: makeItem). `nextSequence` numbers books within a series.
    func item(index: Int, stream: UInt64, nextSequence: (String) -> Int) -> FakeABSItem {
        var rng = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(index) &* 0xD1B5_4A32_D192_ED03 ^ stream << 62)
        let id = FakeIDs.uuid(&rng)
        let mediaId = FakeIDs.uuid(&rng)
        let addedAt = Self.addedAt(index: index, seed: seed)

        // Series first: a series book is by the series' author.
        var itemSeries: [FakeABSSeries] = []
        var itemAuthors: [FakeABSAuthor]
        if rng.chance(0.4), !series.isEmpty {
            let plan = series[rng.below(series.count)]
            let number = nextSequence(plan.id)
            let sequence: String? = switch rng.below(20) {
            case 0: nil
            case 1: "\(max(1, number - 1)).5"
            default: String(number)
            }
            itemSeries.append(FakeABSSeries(id: plan.id, name: plan.name, sequence: sequence))
            if rng.chance(0.07) {
                let umbrella = umbrellas[rng.below(umbrellas.count)]
                itemSeries.append(FakeABSSeries(id: umbrella.id, name: umbrella.name,
                                                sequence: rng.chance(0.5) ? nil : String(rng.int(in: 1...30))))
            }
            itemAuthors = [authors[plan.author]]
        } else {
            itemAuthors = [authors[Self.popularIndex(&rng, authors.count)]]
        }
        if rng.chance(0.12) {
            let second = authors[rng.below(authors.count)]
            if second.id != itemAuthors[0].id { itemAuthors.append(second) }
        }

        let narratorCount = [0, 1, 1, 1, 1, 1, 2, 2, 3, 1][rng.below(10)]
        var itemNarrators: [String] = []
        for _ in 0..<narratorCount {
            let name = narrators[rng.below(narrators.count)]
            if !itemNarrators.contains(name) { itemNarrators.append(name) }
        }

        let title = Self.title(&rng)
        let subtitle: String? = rng.chance(0.18) ? rng.pick(Names.subtitles) : nil
        let year = rng.chance(0.8) ? rng.int(in: 1990...2024) : rng.int(in: 1847...1989)
        let publishedYear: String? = rng.chance(0.95) ? String(year) : nil
        let publishedDate: String? = publishedYear != nil && rng.chance(0.2)
            ? "\(year)-\(Self.twoDigits(rng.int(in: 1...12)))-\(Self.twoDigits(rng.int(in: 1...28)))" : nil
        let publisher: String? = rng.chance(0.9) ? rng.pick(Names.publishers) : nil
        let language: String? = switch rng.below(100) {
        case 0..<85: "English"
        case 85..<90: "German"
        case 90..<93: "French"
        case 93..<96: "Spanish"
        default: nil
        }
        let asin: String? = rng.chance(0.7) ? Self.asin(&rng) : nil
        let isbn: String? = rng.chance(0.4) ? Self.isbn13(&rng) : nil
        var genres: [String] = []
        for _ in 0..<rng.int(in: 1...3) {
            let genre = rng.pick(Names.genres)
            if !genres.contains(genre) { genres.append(genre) }
        }
        var tags: [String] = []
        for _ in 0..<[0, 0, 1, 1, 2][rng.below(5)] {
            let tag = rng.pick(Names.tags)
            if !tags.contains(tag) { tags.append(tag) }
        }
        let description: String? = rng.chance(0.92) ? Self.description(&rng, title: title) : nil

        // Folder: /audiobooks/<Author>/<Series>/<n - Title> or /audiobooks/<Author>/<Title>.
        let authorFolder = itemAuthors[0].name
        var relPath = authorFolder + "/"
        if let first = itemSeries.first {
            relPath += first.name + "/" + (first.sequence.map { "\($0) - \(title)" } ?? title)
        } else {
            relPath += title
        }
        let path = library.folderPath + "/" + relPath
        let ino = 2_251_799_813_685_248 + UInt64(index) * 8 + stream * 1_000_000_000

        let files = Self.audioFiles(&rng, title: title, path: path, ino: ino, addedAt: addedAt,
                                    authorName: itemAuthors.map(\.name).joined(separator: ", "),
                                    narrators: itemNarrators, series: itemSeries.first, genre: genres.first,
                                    year: publishedYear, publisher: publisher, asin: asin, subtitle: subtitle)
        let updatedAt = addedAt + (rng.chance(0.6) ? Int64(rng.int(in: 0...5_000)) : Int64(rng.int(in: 60_000...15_552_000_000)))

        return FakeABSItem(
            id: id, ino: String(ino), libraryId: library.id, folderId: library.folderId, path: path, relPath: relPath,
            addedAt: addedAt, updatedAt: updatedAt, mediaId: mediaId, title: title, subtitle: subtitle,
            authors: itemAuthors, narrators: itemNarrators, series: itemSeries, genres: genres, tags: tags,
            publishedYear: publishedYear, publishedDate: publishedDate, publisher: publisher, description: description,
            isbn: isbn, asin: asin, language: language, explicit: rng.chance(0.03), abridged: rng.chance(0.04),
            audioFiles: files, coverPath: rng.chance(0.88) ? path + "/cover.jpg" : nil, isMissing: rng.chance(0.003))
    }

    /// Increasing with the index, from 2020-01-01, about 75 minutes apart; 2% share the
    /// millisecond of the previous item (a scan adds items in bursts). Closed form: any index is cheap.
    static func addedAt(index: Int, seed: UInt64) -> Int64 {
        var rng = SplitMix64(seed: seed ^ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let tie = rng.chance(0.02)
        if tie, index > 0 { return addedAt(index: index - 1, seed: seed) }
        return 1_577_836_800_000 + Int64(index) * 4_500_000 + Int64(rng.below(4_000_000))
    }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    private static let asinAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    static func asin(_ rng: inout SplitMix64) -> String {
        var s = "B0"
        for _ in 0..<8 { s.append(asinAlphabet[rng.below(asinAlphabet.count)]) }
        return s
    }

    static func isbn13(_ rng: inout SplitMix64) -> String {
        var digits = [9, 7, rng.chance(0.8) ? 8 : 9]
        for _ in 0..<9 { digits.append(rng.below(10)) }
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        digits.append((10 - sum % 10) % 10)
        return digits.map(String.init).joined()
    }

    /// Stored the way ABS stores descriptions: sanitised HTML, & as &amp;.
    static func description(_ rng: inout SplitMix64, title: String) -> String {
        var paragraphs: [String] = []
        for p in 0..<rng.int(in: 1...3) {
            var sentences: [String] = []
            for _ in 0..<rng.int(in: 1...3) {
                let sentence = rng.pick(Names.sentences)
                if !sentences.contains(sentence) { sentences.append(sentence) }
            }
            var text = sentences.joined(separator: " ")
            if p == 0, rng.chance(0.3) { text = "<i>\(title.replacingAmpersands())</i> is a story of loss &amp; wonder. " + text }
            if rng.chance(0.15) { text = "<b>" + text + "</b>" }
            if rng.chance(0.1) { text += "<br />Unabridged." }
            paragraphs.append("<p>" + text + "</p>")
        }
        return paragraphs.joined()
    }

    static func audioFiles(_ rng: inout SplitMix64, title: String, path: String, ino: UInt64, addedAt: Int64,
                           authorName: String, narrators: [String], series: FakeABSSeries?, genre: String?,
                           year: String?, publisher: String?, asin: String?, subtitle: String?) -> [FakeABSAudioFile] {
        let total = Double(rng.int(in: 7_200...108_000)) + Double(rng.below(1000)) / 1000
        let mtime = addedAt - Int64(rng.int(in: 3_600_000...2_592_000_000))
        let stereo = rng.chance(0.8)
        var common: [String: String] = ["tagAlbum": title, "tagArtist": authorName, "tagAlbumArtist": authorName,
                                        "tagEncoder": "Lavf60.16.100"]
        if let genre { common["tagGenre"] = genre }
        if let series {
            common["tagSeries"] = series.name
            if let sequence = series.sequence { common["tagSeriesPart"] = sequence }
        }
        if let year { common["tagDate"] = year }
        if !narrators.isEmpty { common["tagComposer"] = narrators.joined(separator: ", ") }
        if let publisher { common["tagPublisher"] = publisher }
        if let asin, rng.chance(0.3) { common["tagASIN"] = asin }
        if let subtitle { common["tagSubtitle"] = subtitle }

        let count = [1, 1, 1, 1, 2, 3, 3, 4, 5, 1][rng.below(10)]
        if count == 1 && rng.chance(0.8) {
            // One m4b with embedded chapters.
            let bitRate = rng.pick([62_724, 64_000, 125_588, 127_999])
            var tags = common
            tags["tagTitle"] = title
            let chapterCount = rng.int(in: 3...24)
            var chapters: [FakeABSChapter] = []
            chapters.reserveCapacity(chapterCount)
            var start = 0.0
            for c in 0..<chapterCount {
                let end = c == chapterCount - 1 ? total : (total * Double(c + 1) / Double(chapterCount) * 1000).rounded() / 1000
                let name = c == 0 ? "Opening Credits" : c == chapterCount - 1 ? "End Credits" : "Chapter \(c)"
                chapters.append(FakeABSChapter(start: start, end: end, title: name))
                start = end
            }
            let filename = title + ".m4b"
            return [FakeABSAudioFile(index: 1, ino: String(ino + 2), filename: filename, path: path + "/" + filename,
                                     relPath: filename, size: Int64(total * Double(bitRate) / 8) + 312_411, mtimeMs: mtime,
                                     duration: total, bitRate: bitRate, codec: "aac", format: "QuickTime / MOV",
                                     channels: stereo ? 2 : 1, metaTags: tags, chapters: chapters,
                                     embeddedCoverArt: rng.chance(0.7) ? "mjpeg" : nil)]
        }
        // MP3 parts, one chapter each.
        let bitRate = rng.pick([64_000, 96_000, 128_000])
        let cover = rng.chance(0.3) ? "mjpeg" : nil
        return (1...count).map { part in
            let duration = (total / Double(count) * 1000).rounded() / 1000
            var tags = common
            tags["tagTitle"] = count == 1 ? title : "\(title) - Part \(part)"
            tags["tagTrack"] = "\(part)/\(count)"
            let filename = "\(twoDigits(part)) - \(title).mp3"
            return FakeABSAudioFile(index: part, ino: String(ino + 1 + UInt64(part)), filename: filename,
                                    path: path + "/" + filename, relPath: filename,
                                    size: Int64(duration * Double(bitRate) / 8) + 4_096, mtimeMs: mtime + Int64(part),
                                    duration: duration, bitRate: bitRate, codec: "mp3",
                                    format: "MP2/3 (MPEG audio layer 2/3)", channels: stereo ? 2 : 1, metaTags: tags,
                                    embeddedCoverArt: cover)
        }
    }
}

extension FakeABSGenerator {
    /// Two books by the same author with the same title get distinct folders, "Title (2015)",
    /// as people name them. `existing` are folders already taken.
    static func separateFolders(_ items: inout [FakeABSItem], existing: Set<String> = []) {
        var taken = existing
        for n in items.indices where !taken.insert(items[n].relPath).inserted {
            var k = 0
            var candidate: String
            repeat {
                k += 1
                let mark = k == 1 ? (items[n].publishedYear ?? "2") : "\(k + 1)"
                candidate = items[n].relPath + " (\(mark))"
            } while taken.contains(candidate)
            taken.insert(candidate)
            items[n].move(toRelPath: candidate)
        }
    }
}

extension FakeABSItem {
    /// The item's folder renamed: paths of the item, its files and its cover follow.
    mutating func move(toRelPath newRelPath: String) {
        let oldPath = path
        let root = path.hasSuffix(relPath) ? String(path.dropLast(relPath.count)) : ""
        relPath = newRelPath
        path = root + newRelPath
        for f in audioFiles.indices { audioFiles[f].path = path + "/" + audioFiles[f].relPath }
        if let cover = coverPath, cover.hasPrefix(oldPath + "/") { coverPath = path + cover.dropFirst(oldPath.count) }
    }
}

private extension String {
    func replacingAmpersands() -> String {
        contains("&") ? split(separator: "&", omittingEmptySubsequences: false).joined(separator: "&amp;") : self
    }
}

extension FakeABSState {
    /// A deterministic, realistic server: `items` books in one library named `libraryName`
    /// (folder /audiobooks), a podcast library "Podcasts" with 2 podcasts, and the standard users
    /// (adminToken, userToken, inactiveToken). The admin has listened to some books (seeded, about
    /// 3/8 by default; `listened` sets the share: see `generatedProgress`); the other users have
    /// no progress.
    public static func generated(items count: Int, seed: UInt64 = 1, libraryName: String = "Audiobooks",
                                 listened: FakeABSListenedShare = .standard) -> FakeABSState {
        var rng = SplitMix64(seed: seed ^ 0x11B2_A7E5)
        let books = FakeABSLibrary(id: FakeIDs.uuid(&rng), name: libraryName, mediaType: "book",
                                   folderPath: "/audiobooks", folderId: FakeIDs.uuid(&rng), createdAt: 1_577_800_000_000)
        let podcasts = FakeABSLibrary(id: FakeIDs.uuid(&rng), name: "Podcasts", mediaType: "podcast",
                                      folderPath: "/podcasts", folderId: FakeIDs.uuid(&rng), createdAt: 1_577_800_100_000)
        let generator = FakeABSGenerator(seed: seed, itemCount: count, library: books)
        var sequences: [String: Int] = [:]
        var items: [FakeABSItem] = []
        items.reserveCapacity(count + 2)
        for index in 0..<count {
            items.append(generator.item(index: index, stream: 0, nextSequence: { id in
                sequences[id, default: 0] += 1
                return sequences[id]!
            }))
        }
        FakeABSGenerator.separateFolders(&items)
        let progress = generatedProgress(books: items, userId: adminUserId, seed: seed, share: listened)
        items += podcastItems(&rng, library: podcasts)
        return FakeABSState(libraries: [books, podcasts], items: items, users: standardUsers, generator: generator,
                            progress: [adminUserId: progress])
    }

    private static func podcastItems(_ rng: inout SplitMix64, library: FakeABSLibrary) -> [FakeABSItem] {
        [("Tech Talk Weekly", "Tech Talk Network"), ("The History Hour", "Clio Audio")].enumerated().map { n, show in
            let id = FakeIDs.uuid(&rng)
            let path = library.folderPath + "/" + show.0
            let ino = 2_251_799_900_000_000 + UInt64(n) * 16
            let addedAt: Int64 = 1_590_000_000_000 + Int64(n) * 86_400_000
            let episodes = (1...3).map { e in
                let filename = "Episode \(e).mp3"
                return FakeABSAudioFile(index: e, ino: String(ino + 1 + UInt64(e)), filename: filename,
                                        path: path + "/" + filename, relPath: filename, size: 28_800_000 + Int64(e) * 1_000,
                                        mtimeMs: addedAt + Int64(e) * 604_800_000, duration: 1_800 + Double(e),
                                        bitRate: 128_000, codec: "mp3", format: "MP2/3 (MPEG audio layer 2/3)",
                                        channels: 2, metaTags: ["tagTitle": "Episode \(e)", "tagAlbum": show.0,
                                                                "tagArtist": show.1])
            }
            return FakeABSItem(id: id, ino: String(ino), libraryId: library.id, folderId: library.folderId, path: path,
                               relPath: show.0, addedAt: addedAt, updatedAt: addedAt + 1_000, mediaId: FakeIDs.uuid(&rng),
                               title: show.0, authors: [FakeABSAuthor(id: FakeIDs.uuid(&rng), name: show.1)],
                               genres: ["Podcast"], description: "<p>A weekly show.</p>", language: "English",
                               audioFiles: episodes, coverPath: path + "/cover.jpg")
        }
    }
}
