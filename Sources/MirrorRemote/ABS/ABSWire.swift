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
