import Foundation

// The AudiobookShelf JSON shapes shelfmirror reads (v2.18–2.36). They never leave MirrorRemote:
// ABSMapping turns them into Core types.

/// Text that some server versions send as a number or boolean ("2010" or 2010, "1" or 1).
struct FlexString: Decodable, Equatable {
    let value: String

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { value = s }
        else if let i = try? c.decode(Int64.self) { value = String(i) }
        else if let d = try? c.decode(Double.self) { value = d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d) }
        else if let b = try? c.decode(Bool.self) { value = b ? "true" : "false" }
        else { throw DecodingError.typeMismatch(String.self, .init(codingPath: c.codingPath, debugDescription: "expected text or a number")) }
    }
}

/// A number some versions send as text.
struct FlexNumber: Decodable, Equatable {
    let value: Double

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) { value = d }
        else if let s = try? c.decode(String.self), let d = Double(s) { value = d }
        else { throw DecodingError.typeMismatch(Double.self, .init(codingPath: c.codingPath, debugDescription: "expected a number")) }
    }
}

/// JavaScript truthiness, as the server coerces these flags.
struct FlexBool: Decodable, Equatable {
    let value: Bool

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { value = b }
        else if c.decodeNil() { value = false }
        else if let i = try? c.decode(Int.self) { value = i != 0 }
        else if let s = try? c.decode(String.self) { value = !s.isEmpty }
        else { value = false }
    }
}

/// POST /api/authorize: the token's user as /api/me gives it, and the server's settings.
struct WireAuthorize: Decodable {
    struct ServerSettings: Decodable {
        let version: String?
    }

    let user: WireMe
    let serverSettings: ServerSettings?
}

struct WireStatus: Decodable {
    let app: String?
    let serverVersion: String?
    let isInit: Bool?
}

struct WireMe: Decodable {
    struct Permissions: Decodable {
        let update: Bool?
        let accessExplicitContent: Bool?
    }

    let id: String
    let username: String?
    let type: String?
    let isActive: Bool?
    let permissions: Permissions?
    /// The user's listening state (older servers and fakes sent strings here).
    let mediaProgress: WireProgressList?
}

/// `mediaProgress` read entry by entry: an entry that cannot be read is kept as such and never
/// fails the user it comes with; a value that is not a list reads as no entries.
struct WireProgressList: Decodable {
    let entries: [WireProgressEntry]

    init(from decoder: Decoder) {
        var list: [WireProgressEntry] = []
        if var c = try? decoder.unkeyedContainer() {
            while !c.isAtEnd {
                guard let entry = try? c.decode(WireProgressEntry.self) else { break }
                list.append(entry)
            }
        }
        entries = list
    }
}

enum WireProgressEntry: Decodable {
    case progress(WireMediaProgress)
    /// Why it could not be read.
    case unreadable(String)

    init(from decoder: Decoder) {
        do {
            self = .progress(try WireMediaProgress(from: decoder))
        } catch let error as DecodingError {
            self = .unreadable(ABSClient.describe(error))
        } catch {
            self = .unreadable("undecodable")
        }
    }
}

/// MediaProgress.getOldMediaProgress() (ABS 2.36): times in ms since the epoch, seconds as floats.
struct WireMediaProgress: Decodable {
    let id: String?
    let userId: String?
    let libraryItemId: String?
    let episodeId: String?
    let mediaItemType: String?
    let duration: FlexNumber?
    let progress: FlexNumber?
    let currentTime: FlexNumber?
    let isFinished: FlexBool?
    let lastUpdate: WireTime?
    let startedAt: WireTime?
    let finishedAt: WireTime?
}

/// An instant as ABS sends it: ms since the epoch (an integer, a float or digits in a string), or
/// an ISO 8601 string.
struct WireTime: Decodable, Equatable {
    let date: Date

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        func fromMilliseconds(_ ms: Double) throws -> Date {
            guard ms.isFinite, abs(ms) < 1e15 else {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "a time out of range"))
            }
            return Date(timeIntervalSince1970: ms / 1000)
        }
        if let ms = try? c.decode(Int64.self) {
            date = try fromMilliseconds(Double(ms))
        } else if let ms = try? c.decode(Double.self) {
            date = try fromMilliseconds(ms)
        } else if let text = try? c.decode(String.self) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let ms = Double(trimmed) {
                date = try fromMilliseconds(ms)
            } else if let parsed = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(trimmed))
                        ?? (try? Date.ISO8601FormatStyle().parse(trimmed)) {
                date = parsed
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "not a time"))
            }
        } else {
            throw DecodingError.typeMismatch(Int64.self, .init(codingPath: c.codingPath, debugDescription: "expected ms since the epoch"))
        }
    }
}

struct WireLibraries: Decodable {
    struct Library: Decodable {
        struct Folder: Decodable { let fullPath: String? }
        let id: String
        let name: String
        let mediaType: String?
        let folders: [Folder]?
    }

    let libraries: [Library]
}

/// GET /api/libraries/:id/items — entries are always minified.
struct WireItemsPage: Decodable {
    let results: [WireMinifiedItem]
    let total: Int
}

struct WireMinifiedItem: Decodable {
    struct Media: Decodable {
        struct Metadata: Decodable {
            let title: String?
            let subtitle: String?
            let authorName: String?
            let narratorName: String?
            let seriesName: String?
            let genres: [String]?
            let publishedYear: FlexString?
            let publishedDate: FlexString?
            let publisher: String?
            let description: String?
            let isbn: FlexString?
            let asin: FlexString?
            let language: String?
            let explicit: FlexBool?
            let abridged: FlexBool?
        }

        let metadata: Metadata?
        let tags: [String]?
        let duration: FlexNumber?
        let size: FlexNumber?
        let numAudioFiles: Int?
        let numTracks: Int?
        let coverPath: String?
    }

    let id: String
    let updatedAt: Int64?
    let mtimeMs: Int64?
    let size: FlexNumber?
    let numFiles: Int?
    let isMissing: Bool?
    let media: Media?
}

struct WireBatchGet: Decodable {
    let libraryItems: [WireExpandedItem]
}

struct WireExpandedItem: Decodable {
    struct Media: Decodable {
        struct Metadata: Decodable {
            struct Author: Decodable { let name: String }
            struct Series: Decodable {
                let name: String
                let sequence: FlexString?
            }

            let title: String?
            let subtitle: String?
            let authors: [Author]?
            let narrators: [String]?
            let series: [Series]?
            let genres: [String]?
            let publishedYear: FlexString?
            let publishedDate: FlexString?
            let publisher: String?
            let description: String?
            let descriptionPlain: String?
            let isbn: FlexString?
            let asin: FlexString?
            let language: String?
            let explicit: FlexBool?
            let abridged: FlexBool?
        }

        let metadata: Metadata
        let tags: [String]?
        let duration: FlexNumber?
        let size: FlexNumber?
        let audioFiles: [WireAudioFile]?
    }

    let id: String
    let libraryId: String
    let path: String?
    let relPath: String?
    let addedAt: Int64?
    let updatedAt: Int64?
    let isMissing: Bool?
    let size: FlexNumber?
    let media: Media
}

struct WireAudioFile: Decodable {
    struct FileMetadata: Decodable {
        let filename: String?
        let path: String
        let relPath: String?
        let size: FlexNumber?
    }

    struct Chapter: Decodable {
        let start: FlexNumber
        let end: FlexNumber
        let title: String?
    }

    let index: Int?
    let ino: FlexString
    let metadata: FileMetadata
    let duration: FlexNumber?
    let bitRate: FlexNumber?
    let codec: String?
    let format: String?
    let chapters: [Chapter]?
    let metaTags: [String: FlexString]?
}

struct WireBatchUpdate: Decodable {
    var success: Bool?
    var updates: Int?
}

struct WirePatchMedia: Decodable {
    var updated: Bool?
}
