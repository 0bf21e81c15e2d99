/// Small, valid MP3 files written without an encoder, for the demo's sample library: an ID3v2
/// tag, then an "Info" frame (the Xing header LAME writes into constant-bitrate files) that states
/// the whole book's length, then a few silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz).
/// TagLib, ffprobe and mutagen all take the length from the Info frame, so a file of a few
/// kilobytes reads as a ten-hour audiobook part, with its tags.
public enum DemoMP3 {
    public enum TagVersion: Sendable, Equatable {
        /// ID3v2.3: ISO-8859-1 text, or UTF-16 with a byte order mark; the year in TYER.
        case v23
        /// ID3v2.4: UTF-8 text; the date in TDRC.
        case v24
    }

    /// One tag value: a text frame ("TIT2", "TPE1", ...) or a user text frame ("TXXX" with a description).
    public struct Tag: Sendable, Equatable {
        public var frame: String
        /// TXXX only: the name TagLib reports the value under ("ASIN", "SERIES", ...).
        public var description: String?
        public var value: String

        public init(_ frame: String, _ value: String) {
            self.frame = frame
            self.description = nil
            self.value = value
        }

        /// A TXXX frame: `name` is what TagLib (and ABS) see as the key.
        public static func custom(_ name: String, _ value: String) -> Tag {
            var tag = Tag("TXXX", value)
            tag.description = name
            return tag
        }
    }

    public static let sampleRate = 44_100
    public static let samplesPerFrame = 1_152
    public static let bitRate = 128_000
    /// 144 × 128,000 / 44,100, no padding.
    public static let frameLength = 417
    /// Silent frames after the Info frame: enough for a reader to see a steady stream.
    static let silentFrames = 6

    /// Frames (of 1,152 samples) in `seconds` of audio, at least one.
    public static func frames(seconds: Double) -> Int {
        max(1, Int((seconds * Double(sampleRate) / Double(samplesPerFrame)).rounded()))
    }

    /// The length a reader computes from the Info frame for `frames` frames.
    public static func seconds(frames: Int) -> Double {
        Double(frames) * Double(samplesPerFrame) / Double(sampleRate)
    }

    /// A whole file: the tag (frames in the order given; empty values left out), then the audio.
    public static func file(tags: [Tag], version: TagVersion = .v24, seconds: Double, stereo: Bool = true) -> [UInt8] {
        id3v2(tags, version: version) + audio(frames: frames(seconds: seconds), stereo: stereo)
    }

    // MARK: - ID3v2

    static func id3v2(_ tags: [Tag], version: TagVersion) -> [UInt8] {
        var body: [UInt8] = []
        for tag in tags where !tag.value.isEmpty {
            let frame = version == .v23 && tag.frame == "TDRC" ? "TYER" : version == .v24 && tag.frame == "TYER" ? "TDRC" : tag.frame
            let content = textContent(tag, version: version)
            body += Array(frame.utf8)
            body += version == .v24 ? synchsafe(content.count) : bigEndian(UInt32(content.count))
            body += [0, 0] // frame flags
            body += content
        }
        return Array("ID3".utf8) + [version == .v24 ? 4 : 3, 0, 0] + synchsafe(body.count) + body
    }

    /// The encoding byte, then (TXXX) the description and its terminator, then the value.
    static func textContent(_ tag: Tag, version: TagVersion) -> [UInt8] {
        let strings = [tag.description, tag.value].compactMap { $0 }
        switch version {
        case .v24:
            var out: [UInt8] = [3]
            if let d = tag.description { out += Array(d.utf8) + [0] }
            return out + Array(tag.value.utf8)
        case .v23 where strings.allSatisfy({ $0.unicodeScalars.allSatisfy { $0.value < 0x80 } }):
            var out: [UInt8] = [0]
            if let d = tag.description { out += Array(d.utf8) + [0] }
            return out + Array(tag.value.utf8)
        case .v23:
            // UTF-16, little-endian with its byte order mark, as most Windows taggers write it.
            func utf16(_ s: String) -> [UInt8] { [0xFF, 0xFE] + s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
            var out: [UInt8] = [1]
            if let d = tag.description { out += utf16(d) + [0, 0] }
            return out + utf16(tag.value)
        }
    }

    /// 28 bits in four bytes of seven.
    static func synchsafe(_ n: Int) -> [UInt8] {
        [UInt8((n >> 21) & 0x7F), UInt8((n >> 14) & 0x7F), UInt8((n >> 7) & 0x7F), UInt8(n & 0x7F)]
    }

    static func bigEndian(_ n: UInt32) -> [UInt8] {
        [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)]
    }

    // MARK: - MPEG audio

    /// MPEG-1 Layer III, no CRC, 128 kbit/s, 44.1 kHz, no padding; stereo or mono.
    static func header(stereo: Bool) -> [UInt8] { [0xFF, 0xFB, 0x90, stereo ? 0x00 : 0xC0] }

    /// The Info frame, then silent frames. All-zero side information means no main data: silence.
    static func audio(frames: Int, stereo: Bool) -> [UInt8] {
        let sideInfo = stereo ? 32 : 17
        var info = header(stereo: stereo) + [UInt8](repeating: 0, count: sideInfo)
        info += Array("Info".utf8)
        info += bigEndian(3) // flags: frame count and byte count present
        info += bigEndian(UInt32(clamping: frames))
        info += bigEndian(UInt32(clamping: frames * frameLength))
        info += [UInt8](repeating: 0, count: frameLength - info.count)
        var out = info
        for _ in 0..<silentFrames {
            out += header(stereo: stereo) + [UInt8](repeating: 0, count: frameLength - 4)
        }
        return out
    }
}
