// The values a fake AudiobookShelf server holds, in ABS terms. They are plain data: the wire
// shapes (FakeABSWire*.swift) are derived from them on every read, as the real server derives
// its JSON from database rows.

/// A user and the permissions the fake checks. Tokens are opaque strings, as ABS JWTs are to clients.
public struct FakeABSUser: Sendable, Equatable {
    public var id: String
    public var username: String
    public var token: String
    /// "root", "admin", "user" or "guest".
    public var type: String
    public var canUpdate: Bool
    public var canAccessExplicit: Bool
    public var isActive: Bool

    public init(id: String, username: String, token: String, type: String,
                canUpdate: Bool, canAccessExplicit: Bool, isActive: Bool = true) {
        self.id = id
        self.username = username
        self.token = token
        self.type = type
        self.canUpdate = canUpdate
        self.canAccessExplicit = canAccessExplicit
        self.isActive = isActive
    }

    var isAdminOrUp: Bool { type == "root" || type == "admin" }
}

/// A library with its single folder.
public struct FakeABSLibrary: Sendable, Equatable {
    public var id: String
    public var name: String
    /// "book" or "podcast".
    public var mediaType: String
    public var folderPath: String
    public var folderId: String
    public var createdAt: Int64

    public init(id: String, name: String, mediaType: String, folderPath: String,
                folderId: String? = nil, createdAt: Int64 = 1_577_836_800_000) {
        self.id = id
        self.name = name
        self.mediaType = mediaType
        self.folderPath = folderPath
        self.folderId = folderId ?? "fo-" + id
        self.createdAt = createdAt
    }
}

public struct FakeABSAuthor: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// A series link of one book: the series and the book's sequence in it.
public struct FakeABSSeries: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var sequence: String?

    public init(id: String, name: String, sequence: String?) {
        self.id = id
        self.name = name
        self.sequence = sequence
    }
}

/// A chapter, times in seconds.
public struct FakeABSChapter: Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var title: String

    public init(start: Double, end: Double, title: String) {
        self.start = start
        self.end = end
        self.title = title
    }
}

public struct FakeABSAudioFile: Sendable, Equatable {
    /// 1-based track order.
    public var index: Int
    /// Decimal string, as ABS gives inodes.
    public var ino: String
    public var filename: String
    /// Absolute path on the server.
    public var path: String
    /// Path relative to the item folder.
    public var relPath: String
    public var size: Int64
    public var mtimeMs: Int64
    public var duration: Double
    public var bitRate: Int
    /// "aac", "mp3", ...
    public var codec: String
    /// ffprobe's format_long_name: "QuickTime / MOV", "MP2/3 (MPEG audio layer 2/3)".
    public var format: String
    public var channels: Int
    /// tagAlbum, tagArtist, ...: non-empty values only.
    public var metaTags: [String: String]
    /// Chapters embedded in this file (m4b), seconds from the file's start.
    public var chapters: [FakeABSChapter]
    public var embeddedCoverArt: String?

    public init(index: Int, ino: String, filename: String, path: String, relPath: String,
                size: Int64, mtimeMs: Int64, duration: Double, bitRate: Int, codec: String,
                format: String, channels: Int, metaTags: [String: String],
                chapters: [FakeABSChapter] = [], embeddedCoverArt: String? = nil) {
        self.index = index
        self.ino = ino
        self.filename = filename
        self.path = path
        self.relPath = relPath
        self.size = size
        self.mtimeMs = mtimeMs
        self.duration = duration
        self.bitRate = bitRate
        self.codec = codec
        self.format = format
        self.channels = channels
        self.metaTags = metaTags
        self.chapters = chapters
        self.embeddedCoverArt = embeddedCoverArt
    }

    /// ".m4b", ".mp3", ...
    var ext: String {
        guard let dot = filename.lastIndex(of: ".") else { return "" }
        return String(filename[dot...]).lowercased()
    }

    var mimeType: String {
        switch ext {
        case ".mp3": "audio/mpeg"
        case ".m4b", ".m4a", ".mp4": "audio/mp4"
        case ".flac": "audio/flac"
        case ".ogg", ".opus": "audio/ogg"
        default: "audio/mpeg"
        }
    }
}

/// One library item (a book, or in a podcast library a podcast).
public struct FakeABSItem: Sendable, Equatable {
    public var id: String
    public var ino: String
    public var libraryId: String
    public var folderId: String
    public var path: String
    public var relPath: String
    /// Milliseconds since the epoch.
    public var addedAt: Int64
    public var updatedAt: Int64
    /// The item's media (book) id, distinct from the item id as in ABS.
    public var mediaId: String
    /// An empty title is what ABS stores as null (it turns "" into null).
    public var title: String
    public var subtitle: String?
    public var authors: [FakeABSAuthor]
    public var narrators: [String]
    public var series: [FakeABSSeries]
    public var genres: [String]
    public var tags: [String]
    public var publishedYear: String?
    public var publishedDate: String?
    public var publisher: String?
    /// Stored HTML-sanitised, as ABS stores it.
    public var description: String?
    public var isbn: String?
    public var asin: String?
    public var language: String?
    public var explicit: Bool
    public var abridged: Bool
    public var audioFiles: [FakeABSAudioFile]
    public var coverPath: String?
    public var isMissing: Bool

    public init(id: String, ino: String, libraryId: String, folderId: String, path: String, relPath: String,
                addedAt: Int64, updatedAt: Int64, mediaId: String? = nil,
                title: String, subtitle: String? = nil,
                authors: [FakeABSAuthor] = [], narrators: [String] = [], series: [FakeABSSeries] = [],
                genres: [String] = [], tags: [String] = [],
                publishedYear: String? = nil, publishedDate: String? = nil, publisher: String? = nil,
                description: String? = nil, isbn: String? = nil, asin: String? = nil, language: String? = nil,
                explicit: Bool = false, abridged: Bool = false,
                audioFiles: [FakeABSAudioFile] = [], coverPath: String? = nil, isMissing: Bool = false) {
        self.id = id
        self.ino = ino
        self.libraryId = libraryId
        self.folderId = folderId
        self.path = path
        self.relPath = relPath
        self.addedAt = addedAt
        self.updatedAt = updatedAt
        self.mediaId = mediaId ?? FakeIDs.derived(from: id, salt: "media")
        self.title = title
        self.subtitle = subtitle
        self.authors = authors
        self.narrators = narrators
        self.series = series
        self.genres = genres
        self.tags = tags
        self.publishedYear = publishedYear
        self.publishedDate = publishedDate
        self.publisher = publisher
        self.description = description
        self.isbn = isbn
        self.asin = asin
        self.language = language
        self.explicit = explicit
        self.abridged = abridged
        self.audioFiles = audioFiles
        self.coverPath = coverPath
        self.isMissing = isMissing
    }
}

// MARK: - Derived values, as ABS computes them

extension FakeABSItem {
    /// Total of the audio files' durations (seconds).
    public var duration: Double { audioFiles.reduce(0) { $0 + $1.duration } }

    /// media.size: the audio files' bytes.
    public var mediaSize: Int64 { audioFiles.reduce(0) { $0 + $1.size } }

    /// "A, B": authors joined as ABS's authorName.
    public var authorName: String { authors.map(\.name).joined(separator: ", ") }

    /// "Last, First" per author, joined with ", ".
    public var authorNameLF: String { authors.map { Self.lastFirst($0.name) }.joined(separator: ", ") }

    public var narratorName: String { narrators.joined(separator: ", ") }

    /// "Name #seq, Other": a series without sequence is its bare name.
    public var seriesName: String {
        series.map { s in
            guard let sequence = s.sequence, !sequence.isEmpty else { return s.name }
            return "\(s.name) #\(sequence)"
        }.joined(separator: ", ")
    }

    /// "Way of Kings, The": ABS's default sorting prefixes are "the" and "a".
    public var titleIgnorePrefix: String {
        for prefix in ["the", "a"] where title.lowercased().hasPrefix(prefix + " ") {
            let rest = title.dropFirst(prefix.count + 1)
            return "\(rest), \(prefix.prefix(1).uppercased())\(prefix.dropFirst())"
        }
        return title
    }

    /// Chapters of the book: those embedded in the files, offset by each file's start; a file
    /// without embedded chapters is one chapter titled by its file name (as an ABS scan does).
    public var chapters: [FakeABSChapter] {
        var result: [FakeABSChapter] = []
        var offset = 0.0
        for file in audioFiles {
            if file.chapters.isEmpty {
                let name = file.filename.split(separator: ".").dropLast().joined(separator: ".")
                result.append(FakeABSChapter(start: offset, end: offset + file.duration, title: name))
            } else {
                for c in file.chapters {
                    result.append(FakeABSChapter(start: offset + c.start, end: offset + c.end, title: c.title))
                }
            }
            offset += file.duration
        }
        return result
    }

    /// chapters.count, without building them.
    public var chapterCount: Int { audioFiles.reduce(0) { $0 + max(1, $1.chapters.count) } }

    var mtimeMs: Int64 { audioFiles.map(\.mtimeMs).max() ?? addedAt }
    var birthtimeMs: Int64 { (audioFiles.map(\.mtimeMs).min() ?? addedAt) - 40_000 }
    var lastScan: Int64 { max(addedAt, updatedAt) + 611 }
    var coverSize: Int64 { coverPath == nil ? 0 : 80_000 + Int64(abs(ino.hashValueStable % 400_000)) }

    /// "Brandon Sanderson" -> "Sanderson, Brandon"; a single word stays.
    static func lastFirst(_ name: String) -> String {
        let parts = name.split(separator: " ")
        guard parts.count > 1 else { return name }
        // The last word is the surname, with its particles: "Ursula K. Le Guin" -> "Le Guin, Ursula K.",
        // "Gabriel García Márquez" -> "Márquez, Gabriel García" (as parse-full-name does).
        let particles: Set<String> = ["le", "de", "van", "von", "der", "da", "di", "du", "la", "del", "den"]
        var surnameStart = parts.count - 1
        while surnameStart > 1, particles.contains(parts[surnameStart - 1].lowercased()) { surnameStart -= 1 }
        let first = parts[..<surnameStart].joined(separator: " ")
        let surname = parts[surnameStart...].joined(separator: " ")
        return "\(surname), \(first)"
    }
}

extension String {
    /// A hash that does not change between runs (String.hashValue is seeded per process).
    var hashValueStable: Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h >> 1)
    }
}
