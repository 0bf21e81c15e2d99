// The JSON shapes of AudiobookShelf 2.36, as Codable structs. Property order follows the
// server's key order. `@Nullable` keeps a key with `null` where ABS sends null; a plain optional
// is a key ABS leaves out (undefined) when there is no value.

/// Encodes nil as `null` (Codable's default is to leave the key out), decodes a missing key as nil.
@propertyWrapper
struct Nullable<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    func decode<Value>(_ type: Nullable<Value>.Type, forKey key: Key) throws -> Nullable<Value> {
        try decodeIfPresent(type, forKey: key) ?? Nullable(wrappedValue: nil)
    }
}

// MARK: - Server and user

struct WireStatus: Codable, Sendable, Equatable {
    var app: String
    var serverVersion: String
    var isInit: Bool
    var language: String
    var authMethods: [String]
}

struct WirePing: Codable, Sendable, Equatable {
    var success: Bool
}

struct WirePermissions: Codable, Sendable, Equatable {
    var download: Bool
    var update: Bool
    var delete: Bool
    var upload: Bool
    var createEreader: Bool
    var accessAllLibraries: Bool
    var accessAllTags: Bool
    var accessExplicitContent: Bool
    var selectedTagsNotAccessible: Bool
}

/// toOldJSONForBrowser: GET /api/me and POST /api/authorize (`WireMe`), and GET /api/users/:id,
/// whose progress carries the book's title, cover and update time.
struct WireUserJSON<Progress: Encodable & Sendable>: Encodable, Sendable {
    var id: String
    var username: String
    @Nullable var email: String?
    var type: String
    var token: String
    var isOldToken: Bool
    var mediaProgress: [Progress]
    var seriesHideFromContinueListening: [String]
    var bookmarks: [String]
    var isActive: Bool
    var isLocked: Bool
    @Nullable var lastSeen: Int64?
    var createdAt: Int64
    var permissions: WirePermissions
    var librariesAccessible: [String]
    var itemTagsSelected: [String]
    var hasOpenIDLink: Bool
}

typealias WireMe = WireUserJSON<WireMediaProgress>

/// MediaProgress.getOldMediaProgress().
struct WireMediaProgress: Codable, Sendable, Equatable {
    var id: String
    var userId: String
    @Nullable var libraryItemId: String?
    @Nullable var episodeId: String?
    var mediaItemId: String
    var mediaItemType: String
    var duration: Double
    var progress: Double
    var currentTime: Double
    var isFinished: Bool
    var hideFromContinueListening: Bool
    @Nullable var ebookLocation: String?
    @Nullable var ebookProgress: Double?
    var lastUpdate: Int64
    var startedAt: Int64
    @Nullable var finishedAt: Int64?
}

/// GET /api/users/:id's progress: the same keys, then the book's title, cover path and
/// updatedAt (a Date, so an ISO 8601 string); none of the three when the book is gone.
struct WireMediaProgressWithMedia: Encodable, Sendable {
    struct Media: Sendable {
        var displayTitle: String?
        var coverPath: String?
        var mediaUpdatedAt: String
    }

    var progress: WireMediaProgress
    var media: Media?

    private enum Keys: String, CodingKey { case displayTitle, coverPath, mediaUpdatedAt }

    func encode(to encoder: any Encoder) throws {
        try progress.encode(to: encoder)
        guard let media else { return }
        var container = encoder.container(keyedBy: Keys.self)
        if let title = media.displayTitle { try container.encode(title, forKey: .displayTitle) } else { try container.encodeNil(forKey: .displayTitle) }
        if let cover = media.coverPath { try container.encode(cover, forKey: .coverPath) } else { try container.encodeNil(forKey: .coverPath) }
        try container.encode(media.mediaUpdatedAt, forKey: .mediaUpdatedAt)
    }
}

/// GET /api/me/progress.
struct WireAllProgress: Encodable, Sendable {
    var mediaProgress: [WireMediaProgress]
}

/// ServerSettings.toJSONForBrowser() of a server set up with the defaults (no OpenID).
struct WireServerSettings: Encodable, Sendable {
    var id = "server-settings"
    var scannerFindCovers = false
    var scannerCoverProvider = "google"
    var scannerParseSubtitle = false
    var scannerPreferMatchedMetadata = false
    var scannerDisableWatcher = false
    var storeCoverWithItem = false
    var storeMetadataWithItem = false
    var metadataFileFormat = "json"
    var rateLimitLoginRequests = 10
    var rateLimitLoginWindow = 600_000
    var allowIframe = false
    var backupPath = "/metadata/backups"
    /// false: automatic backups are off.
    var backupSchedule = false
    var backupsToKeep = 2
    var maxBackupSize = 1
    var loggerDailyLogsToKeep = 7
    var loggerScannerLogsToKeep = 2
    var homeBookshelfView = 1
    var bookshelfView = 1
    var podcastEpisodeSchedule = "0 * * * *"
    var sortingIgnorePrefix = false
    var sortingPrefixes = ["the", "a"]
    var chromecastEnabled = false
    var dateFormat = "MM/dd/yyyy"
    var timeFormat = "HH:mm"
    var language = "en-us"
    var allowedOrigins: [String] = []
    var logLevel = 2
    var version: String
    var buildNumber = 1
    @Nullable var authLoginCustomMessage: String? = nil
    var authActiveAuthMethods = ["local"]
    @Nullable var authOpenIDIssuerURL: String? = nil
    @Nullable var authOpenIDAuthorizationURL: String? = nil
    @Nullable var authOpenIDTokenURL: String? = nil
    @Nullable var authOpenIDUserInfoURL: String? = nil
    @Nullable var authOpenIDJwksURL: String? = nil
    @Nullable var authOpenIDLogoutURL: String? = nil
    var authOpenIDTokenSigningAlgorithm = "RS256"
    var authOpenIDButtonText = "Login with OpenId"
    var authOpenIDAutoLaunch = false
    var authOpenIDAutoRegister = false
    @Nullable var authOpenIDMatchExistingBy: String? = nil
    var timeZone = "UTC"
}

/// POST /api/authorize (Auth.getUserLoginResponsePayload).
struct WireAuthorize: Encodable, Sendable {
    var user: WireMe
    @Nullable var userDefaultLibraryId: String?
    var serverSettings: WireServerSettings
    var ereaderDevices: [String]
    var Source: String
}

// MARK: - Libraries

struct WireFolder: Codable, Sendable, Equatable {
    var id: String
    var fullPath: String
    var libraryId: String
    var addedAt: Int64
}

struct WireLibrarySettings: Codable, Sendable, Equatable {
    var coverAspectRatio: Int
    var disableWatcher: Bool
    @Nullable var autoScanCronExpression: String?
    var skipMatchingMediaWithAsin: Bool?
    var skipMatchingMediaWithIsbn: Bool?
    var audiobooksOnly: Bool?
    var epubsAllowScriptedContent: Bool?
    var hideSingleBookSeries: Bool?
    var onlyShowLaterBooksInContinueSeries: Bool?
    var metadataPrecedence: [String]?
    var podcastSearchRegion: String?
    @Nullable var markAsFinishedPercentComplete: Int?
    var markAsFinishedTimeRemaining: Int
}

struct WireLibrary: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var folders: [WireFolder]
    var displayOrder: Int
    var icon: String
    var mediaType: String
    var provider: String
    var settings: WireLibrarySettings
    @Nullable var lastScan: Int64?
    @Nullable var lastScanVersion: String?
    var createdAt: Int64
    var lastUpdate: Int64
}

struct WireLibraries: Codable, Sendable, Equatable {
    var libraries: [WireLibrary]
}

/// GET /api/libraries/:id/items, without `results` (the server splices cached items in front).
struct WireItemsEnvelope: Codable, Sendable, Equatable {
    var total: Int
    var limit: Int
    var page: Int
    var sortBy: String?
    var sortDesc: Bool
    var filterBy: String?
    var mediaType: String
    var minified: Bool
    var collapseseries: Bool
    var include: String
    var offset: Int
}

/// The whole page, as a client reads it.
struct WireItemsPage: Codable, Sendable, Equatable {
    var results: [WireLibraryItemMinified]
    var total: Int
    var limit: Int
    var page: Int
    var sortBy: String?
    var sortDesc: Bool
    var filterBy: String?
    var mediaType: String
    var minified: Bool
    var collapseseries: Bool
    var include: String
    var offset: Int
}

// MARK: - Files

struct WireFileMetadata: Codable, Sendable, Equatable {
    var filename: String
    var ext: String
    var path: String
    var relPath: String
    var size: Int64
    var mtimeMs: Int64
    var ctimeMs: Int64
    var birthtimeMs: Int64
}

struct WireFileChapter: Codable, Sendable, Equatable {
    var start: Double
    var end: Double
    var title: String
    var id: Int
}

struct WireChapter: Codable, Sendable, Equatable {
    var id: Int
    var start: Double
    var end: Double
    var title: String
}

struct WireAudioFile: Codable, Sendable, Equatable {
    var index: Int
    var ino: String
    var metadata: WireFileMetadata
    var addedAt: Int64
    var updatedAt: Int64
    @Nullable var trackNumFromMeta: Int?
    @Nullable var discNumFromMeta: Int?
    @Nullable var trackNumFromFilename: Int?
    @Nullable var discNumFromFilename: Int?
    var manuallyVerified: Bool
    var exclude: Bool
    @Nullable var error: String?
    var format: String
    var duration: Double
    var bitRate: Int
    @Nullable var language: String?
    var codec: String
    var timeBase: String
    var channels: Int
    var channelLayout: String
    var chapters: [WireFileChapter]
    @Nullable var embeddedCoverArt: String?
    var metaTags: WireMetaTags
    var mimeType: String
}

/// An audio file's metaTags, written in ABS's order (tagAlbum, tagAlbumSort, tagArtist, ...).
struct WireMetaTags: Codable, Sendable, Equatable {
    var values: [String: String]

    init(_ values: [String: String]) { self.values = values }

    static let order = ["tagAlbum", "tagAlbumSort", "tagArtist", "tagArtistSort", "tagGenre", "tagTitle", "tagTitleSort",
                        "tagSeries", "tagSeriesPart", "tagGrouping", "tagTrack", "tagDisc", "tagSubtitle",
                        "tagAlbumArtist", "tagDate", "tagComposer", "tagPublisher", "tagComment", "tagDescription",
                        "tagEncoder", "tagEncodedBy", "tagIsbn", "tagLanguage", "tagASIN", "tagItunesId",
                        "tagOverdriveMediaMarker", "tagOriginalYear", "tagReleaseCountry", "tagReleaseType",
                        "tagReleaseStatus", "tagISRC"]
    private static let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        values = try [String: String](from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        let keys = values.keys.sorted { a, b in
            let ra = Self.rank[a] ?? Int.max, rb = Self.rank[b] ?? Int.max
            return ra != rb ? ra < rb : a < b
        }
        for key in keys where !(values[key] ?? "").isEmpty {
            try container.encode(values[key]!, forKey: Key(stringValue: key))
        }
    }
}

/// An audio file as a playable track: the file's keys, then title, startOffset and contentUrl.
struct WireAudioTrack: Codable, Sendable, Equatable {
    var file: WireAudioFile
    var title: String
    var startOffset: Double
    var contentUrl: String

    private enum CodingKeys: String, CodingKey { case title, startOffset, contentUrl }

    init(file: WireAudioFile, title: String, startOffset: Double, contentUrl: String) {
        self.file = file
        self.title = title
        self.startOffset = startOffset
        self.contentUrl = contentUrl
    }

    init(from decoder: any Decoder) throws {
        file = try WireAudioFile(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        startOffset = try container.decode(Double.self, forKey: .startOffset)
        contentUrl = try container.decode(String.self, forKey: .contentUrl)
    }

    func encode(to encoder: any Encoder) throws {
        try file.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(title, forKey: .title)
        try container.encode(startOffset, forKey: .startOffset)
        try container.encode(contentUrl, forKey: .contentUrl)
    }
}

struct WireLibraryFile: Codable, Sendable, Equatable {
    var ino: String
    var metadata: WireFileMetadata
    @Nullable var isSupplementary: Bool?
    var addedAt: Int64
    var updatedAt: Int64
    var fileType: String
}

struct WireEbookFile: Codable, Sendable, Equatable {
    var ino: String
    var metadata: WireFileMetadata
    var ebookFormat: String
    var addedAt: Int64
    var updatedAt: Int64
}

// MARK: - Book metadata: old (arrays), minified (joined strings), expanded (both)

struct WireAuthorRef: Codable, Sendable, Equatable {
    var id: String
    var name: String
}

struct WireSeriesRef: Codable, Sendable, Equatable {
    var id: String
    var name: String
    @Nullable var sequence: String?
}

struct WireBookMetadata: Codable, Sendable, Equatable {
    @Nullable var title: String?
    @Nullable var subtitle: String?
    var authors: [WireAuthorRef]
    var narrators: [String]
    var series: [WireSeriesRef]
    var genres: [String]
    @Nullable var publishedYear: String?
    @Nullable var publishedDate: String?
    @Nullable var publisher: String?
    @Nullable var description: String?
    @Nullable var isbn: String?
    @Nullable var asin: String?
    @Nullable var language: String?
    var explicit: Bool
    var abridged: Bool
}

struct WireBookMetadataMinified: Codable, Sendable, Equatable {
    @Nullable var title: String?
    @Nullable var titleIgnorePrefix: String?
    @Nullable var subtitle: String?
    var authorName: String
    var authorNameLF: String
    var narratorName: String
    var seriesName: String
    var genres: [String]
    @Nullable var publishedYear: String?
    @Nullable var publishedDate: String?
    @Nullable var publisher: String?
    @Nullable var description: String?
    @Nullable var isbn: String?
    @Nullable var asin: String?
    @Nullable var language: String?
    var explicit: Bool
    var abridged: Bool
}

struct WireBookMetadataExpanded: Codable, Sendable, Equatable {
    @Nullable var title: String?
    @Nullable var subtitle: String?
    var authors: [WireAuthorRef]
    var narrators: [String]
    var series: [WireSeriesRef]
    var genres: [String]
    @Nullable var publishedYear: String?
    @Nullable var publishedDate: String?
    @Nullable var publisher: String?
    @Nullable var description: String?
    @Nullable var isbn: String?
    @Nullable var asin: String?
    @Nullable var language: String?
    var explicit: Bool
    var abridged: Bool
    @Nullable var titleIgnorePrefix: String?
    var authorName: String
    var authorNameLF: String
    var narratorName: String
    var seriesName: String
    @Nullable var descriptionPlain: String?
}

// MARK: - Book media

struct WireBookMediaMinified: Codable, Sendable, Equatable {
    var id: String
    var metadata: WireBookMetadataMinified
    @Nullable var coverPath: String?
    var tags: [String]
    var numTracks: Int
    var numAudioFiles: Int
    var numChapters: Int
    var duration: Double
    var size: Int64
}

struct WireBookMedia: Codable, Sendable, Equatable {
    var id: String
    var libraryItemId: String
    var metadata: WireBookMetadata
    @Nullable var coverPath: String?
    var tags: [String]
    var audioFiles: [WireAudioFile]
    var chapters: [WireChapter]
    @Nullable var ebookFile: WireEbookFile?
}

struct WireBookMediaExpanded: Codable, Sendable, Equatable {
    var id: String
    var metadata: WireBookMetadataExpanded
    @Nullable var coverPath: String?
    var tags: [String]
    var numTracks: Int
    var numAudioFiles: Int
    var numChapters: Int
    var duration: Double
    var size: Int64
    var libraryItemId: String
    var audioFiles: [WireAudioFile]
    var chapters: [WireChapter]
    @Nullable var ebookFile: WireEbookFile?
    var tracks: [WireAudioTrack]
}

// MARK: - Podcast media (kept small: the mirror only has to recognise and skip podcasts)

struct WirePodcastMetadata: Codable, Sendable, Equatable {
    @Nullable var title: String?
    @Nullable var author: String?
    @Nullable var description: String?
    @Nullable var releaseDate: String?
    var genres: [String]
    @Nullable var feedUrl: String?
    @Nullable var imageUrl: String?
    @Nullable var itunesPageUrl: String?
    @Nullable var itunesId: String?
    @Nullable var itunesArtistId: String?
    var explicit: Bool
    @Nullable var language: String?
    @Nullable var type: String?
    /// Minified and expanded only.
    var titleIgnorePrefix: String?
}

struct WirePodcastEpisode: Codable, Sendable, Equatable {
    var libraryItemId: String
    var podcastId: String
    var id: String
    var index: Int
    var title: String
    @Nullable var description: String?
    var audioFile: WireAudioFile
    var publishedAt: Int64
    var addedAt: Int64
    var updatedAt: Int64
}

/// Podcast media in its three forms; keys a form does not have are nil and left out.
struct WirePodcastMedia: Codable, Sendable, Equatable {
    var id: String
    var libraryItemId: String?
    var metadata: WirePodcastMetadata
    @Nullable var coverPath: String?
    var tags: [String]
    var numEpisodes: Int?
    var episodes: [WirePodcastEpisode]?
    var autoDownloadEpisodes: Bool
    @Nullable var autoDownloadSchedule: String?
    @Nullable var lastEpisodeCheck: Int64?
    var maxEpisodesToKeep: Int
    var maxNewEpisodesToDownload: Int
    var size: Int64?
}

/// A library item's media: a book in one of its forms, or a podcast.
enum WireMedia<Book: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    case book(Book)
    case podcast(WirePodcastMedia)

    init(from decoder: any Decoder) throws {
        if let book = try? Book(from: decoder) {
            self = .book(book)
        } else {
            self = .podcast(try WirePodcastMedia(from: decoder))
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .book(let book): try book.encode(to: encoder)
        case .podcast(let podcast): try podcast.encode(to: encoder)
        }
    }

    var book: Book? {
        if case .book(let book) = self { return book }
        return nil
    }
}

// MARK: - Library items

/// toOldJSONMinified: list endpoints.
struct WireLibraryItemMinified: Codable, Sendable, Equatable {
    var id: String
    var ino: String
    @Nullable var oldLibraryItemId: String?
    var libraryId: String
    var folderId: String
    var path: String
    var relPath: String
    var isFile: Bool
    var mtimeMs: Int64
    var ctimeMs: Int64
    var birthtimeMs: Int64
    var addedAt: Int64
    var updatedAt: Int64
    var isMissing: Bool
    var isInvalid: Bool
    var mediaType: String
    var media: WireMedia<WireBookMediaMinified>
    var numFiles: Int
    var size: Int64
}

/// toOldJSON: GET /api/items/:id and the PATCH response.
struct WireLibraryItem: Codable, Sendable, Equatable {
    var id: String
    var ino: String
    @Nullable var oldLibraryItemId: String?
    var libraryId: String
    var folderId: String
    var path: String
    var relPath: String
    var isFile: Bool
    var mtimeMs: Int64
    var ctimeMs: Int64
    var birthtimeMs: Int64
    var addedAt: Int64
    var updatedAt: Int64
    var lastScan: Int64
    var scanVersion: String
    var isMissing: Bool
    var isInvalid: Bool
    var mediaType: String
    var media: WireMedia<WireBookMedia>
    var libraryFiles: [WireLibraryFile]
}

/// toOldJSONExpanded: ?expanded=1 and POST /api/items/batch/get.
struct WireLibraryItemExpanded: Codable, Sendable, Equatable {
    var id: String
    var ino: String
    @Nullable var oldLibraryItemId: String?
    var libraryId: String
    var folderId: String
    var path: String
    var relPath: String
    var isFile: Bool
    var mtimeMs: Int64
    var ctimeMs: Int64
    var birthtimeMs: Int64
    var addedAt: Int64
    var updatedAt: Int64
    var isMissing: Bool
    var isInvalid: Bool
    var mediaType: String
    var media: WireMedia<WireBookMediaExpanded>
    var numFiles: Int
    var size: Int64
    var lastScan: Int64
    var scanVersion: String
    var libraryFiles: [WireLibraryFile]
}

// MARK: - Responses

struct WireBatchGetResponse: Codable, Sendable, Equatable {
    var libraryItems: [WireLibraryItemExpanded]
}

struct WireUpdateMediaResponse: Codable, Sendable, Equatable {
    var updated: Bool
    var libraryItem: WireLibraryItem
}

struct WireBatchUpdateResponse: Codable, Sendable, Equatable {
    var success: Bool
    var updates: Int
}

