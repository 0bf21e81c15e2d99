/// Audio properties of a file, as TagLib reports them.
public struct AudioProperties: Sendable, Equatable, Codable {
    public var durationMs: Int64
    public var bitrateKbps: Int
    public var sampleRate: Int
    public var channels: Int
    public var codec: String?

    public init(durationMs: Int64, bitrateKbps: Int, sampleRate: Int, channels: Int, codec: String?) {
        self.durationMs = durationMs
        self.bitrateKbps = bitrateKbps
        self.sampleRate = sampleRate
        self.channels = channels
        self.codec = codec
    }

    public var durationSeconds: Double { Double(durationMs) / 1000 }
}

/// An embedded chapter (ID3v2 CHAP).
public struct Chapter: Sendable, Equatable, Codable {
    public var startMs: Int64
    public var endMs: Int64
    public var title: String?

    public init(startMs: Int64, endMs: Int64, title: String?) {
        self.startMs = startMs
        self.endMs = endMs
        self.title = title
    }
}

/// Everything read from one readable audio file.
public struct FileTags: Sendable, Equatable {
    /// Container detected from the content: "MP3", "MP4", "FLAC", "Ogg Vorbis", "Opus", ...
    public var format: String
    public var audio: AudioProperties
    public var hasCover: Bool
    public var tags: TagMap
    public var chapters: [Chapter]
    /// How many tag values were cut because they were too long.
    public var truncatedValues: Int

    public init(format: String, audio: AudioProperties, hasCover: Bool, tags: TagMap, chapters: [Chapter], truncatedValues: Int = 0) {
        self.format = format
        self.audio = audio
        self.hasCover = hasCover
        self.tags = tags
        self.chapters = chapters
        self.truncatedValues = truncatedValues
    }

    /// The tag fields that matter for books, picked from the raw tags.
    public var fields: TagFields { TagFields(tags) }
}

/// Why a file could not be read. The scan records it and goes on.
public struct ReadFailure: Sendable, Equatable, Error {
    public enum Reason: String, Sendable, Equatable {
        case cannotOpen = "cannot-open"
        case empty
        case unsupported
        case invalid
        case internalError = "internal"
        /// Reading it would take more than any real audio file needs (a size above 64 MiB, too
        /// much data or search, atoms nested too deep): damaged, or made to harm readers.
        case limit
        /// A scan stopped (crashed, or was killed twice) while reading it; not read again unless
        /// asked (`scan --retry-bad` or `--full`).
        case stoppedScan = "stopped-scan"
    }

    public var reason: Reason
    public var message: String
    /// The container detected from the content, when there was one.
    public var format: String?

    public init(reason: Reason, message: String, format: String? = nil) {
        self.reason = reason
        self.message = message
        self.format = format
    }
}
