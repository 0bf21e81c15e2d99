/// An AudiobookShelf library, as the mirror keeps it.
public struct Library: Sendable, Equatable {
    public var id: String
    public var name: String
    /// "book" or "podcast"
    public var mediaType: String
    public var folders: [String]

    public init(id: String, name: String, mediaType: String, folders: [String]) {
        self.id = id
        self.name = name
        self.mediaType = mediaType
        self.folders = folders
    }
}

/// Book metadata of a library item, as AudiobookShelf holds it.
public struct ItemMetadata: Sendable, Equatable {
    public var title: String?
    public var subtitle: String?
    public var authors: [String] = []
    public var narrators: [String] = []
    public var series: [SeriesEntry] = []
    public var genres: [String] = []
    /// ABS keeps the year as text ("2010"); kept as given.
    public var publishedYear: String?
    public var publishedDate: String?
    public var publisher: String?
    /// As the server stores it: sanitised HTML.
    public var descriptionHTML: String?
    /// The same as plain text, for comparing and searching.
    public var descriptionPlain: String?
    public var isbn: String?
    public var asin: String?
    public var language: String?
    public var explicit: Bool = false
    public var abridged: Bool = false

    public init() {}
}

/// One audio file of an item, as AudiobookShelf probed it.
public struct ItemAudioFile: Sendable, Equatable {
    public var index: Int
    public var ino: String
    public var path: String
    public var relPath: String
    public var sizeBytes: Int64
    public var durationSeconds: Double
    public var codec: String?
    public var bitrate: Int?
    public var format: String?
    /// ABS's `metaTags` (tagAlbum, tagArtist, ...), non-empty values only.
    public var metaTags: [String: String]
    public var chapters: [Chapter]

    public init(index: Int, ino: String, path: String, relPath: String, sizeBytes: Int64, durationSeconds: Double,
                codec: String?, bitrate: Int?, format: String?, metaTags: [String: String], chapters: [Chapter]) {
        self.index = index
        self.ino = ino
        self.path = path
        self.relPath = relPath
        self.sizeBytes = sizeBytes
        self.durationSeconds = durationSeconds
        self.codec = codec
        self.bitrate = bitrate
        self.format = format
        self.metaTags = metaTags
        self.chapters = chapters
    }
}

/// A book of an AudiobookShelf library, fully expanded.
public struct LibraryItem: Sendable, Equatable {
    public var id: String
    public var libraryId: String
    public var path: String
    public var relPath: String
    /// Milliseconds since the epoch, as ABS gives them.
    public var addedAtMs: Int64
    public var updatedAtMs: Int64
    public var isMissing: Bool
    public var metadata: ItemMetadata
    public var tags: [String]
    public var durationSeconds: Double
    public var sizeBytes: Int64
    public var audioFiles: [ItemAudioFile]

    public init(id: String, libraryId: String, path: String, relPath: String, addedAtMs: Int64, updatedAtMs: Int64,
                isMissing: Bool, metadata: ItemMetadata, tags: [String], durationSeconds: Double, sizeBytes: Int64,
                audioFiles: [ItemAudioFile]) {
        self.id = id
        self.libraryId = libraryId
        self.path = path
        self.relPath = relPath
        self.addedAtMs = addedAtMs
        self.updatedAtMs = updatedAtMs
        self.isMissing = isMissing
        self.metadata = metadata
        self.tags = tags
        self.durationSeconds = durationSeconds
        self.sizeBytes = sizeBytes
        self.audioFiles = audioFiles
    }
}

/// An entry of the (always minified) library listing: enough to tell whether the expanded item
/// must be fetched again. The fingerprint covers every listed field, so an author rename (which
/// does not move `updatedAt`) still changes it.
public struct ListedItem: Sendable, Equatable {
    public var id: String
    public var updatedAtMs: Int64
    public var fingerprint: String

    public init(id: String, updatedAtMs: Int64, fingerprint: String) {
        self.id = id
        self.updatedAtMs = updatedAtMs
        self.fingerprint = fingerprint
    }
}

/// The signed-in AudiobookShelf user, as far as shelfmirror cares.
public struct ServerUser: Sendable, Equatable {
    public var id: String
    public var username: String
    public var type: String
    public var canUpdate: Bool
    public var canAccessExplicit: Bool
    public var isActive: Bool

    public init(id: String, username: String, type: String, canUpdate: Bool, canAccessExplicit: Bool, isActive: Bool) {
        self.id = id
        self.username = username
        self.type = type
        self.canUpdate = canUpdate
        self.canAccessExplicit = canAccessExplicit
        self.isActive = isActive
    }
}

public struct ServerStatus: Sendable, Equatable {
    public var app: String
    public var version: String
    public var isInitialized: Bool

    public init(app: String, version: String, isInitialized: Bool) {
        self.app = app
        self.version = version
        self.isInitialized = isInitialized
    }
}
