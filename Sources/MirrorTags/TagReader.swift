import CTagLibShim
import MirrorCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads one audio file through TagLib. Thread-safe: files are independent.
public enum TagReader {
    /// Longest tag value kept, in bytes; longer ones are cut (and counted).
    public static let maxValueBytes = 64 * 1024

    public static var taglibVersion: String { String(cString: sm_taglib_version()) }

    public static func read(path: String, maxValueBytes: Int = maxValueBytes) -> Result<FileTags, ReadFailure> {
        let file = sm_read_file(path, maxValueBytes)
        defer { sm_file_free(file) }
        let info = file.pointee
        let format = info.format.map(string)
        guard info.status == SM_OK else {
            let message = info.error.map(string) ?? "unreadable"
            return .failure(ReadFailure(reason: reason(info.status), message: message, format: format))
        }
        var tags = TagMap()
        if let properties = info.properties {
            for i in 0..<info.property_count {
                tags.append(string(properties[i].key), string(properties[i].value))
            }
        }
        var chapters: [Chapter] = []
        if let list = info.chapters {
            chapters.reserveCapacity(info.chapter_count)
            for i in 0..<info.chapter_count {
                let c = list[i]
                chapters.append(Chapter(startMs: c.start_ms, endMs: c.end_ms, title: c.title.map(string)))
            }
        }
        let audio = AudioProperties(
            durationMs: info.length_ms,
            bitrateKbps: Int(info.bitrate_kbps),
            sampleRate: Int(info.sample_rate),
            channels: Int(info.channels),
            codec: info.codec.map(string)
        )
        return .success(FileTags(
            format: format ?? "unknown",
            audio: audio,
            hasCover: info.has_cover != 0,
            tags: tags,
            chapters: chapters,
            truncatedValues: Int(info.truncated_values)
        ))
    }

    /// Bytes from TagLib are UTF-8; anything invalid is repaired rather than dropped.
    private static func string(_ pointer: UnsafePointer<CChar>) -> String {
        String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }

    private static func reason(_ status: sm_status) -> ReadFailure.Reason {
        switch status {
        case SM_ERR_OPEN: .cannotOpen
        case SM_ERR_EMPTY: .empty
        case SM_ERR_UNSUPPORTED: .unsupported
        case SM_ERR_INVALID: .invalid
        case SM_ERR_LIMIT: .limit
        default: .internalError
        }
    }
}
