import Foundation
import MirrorCore
import MirrorTags
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Files made to harm their reader (fixtures/hostile): each is refused with the limit it hit, and
/// the process lives on. Before these limits each one crashed the scan (heap or stack overflow),
/// hung it, or took gigabytes of memory.
struct HostileFilesTests {
    static let hostile = Fixtures.root.appendingPathComponent("fixtures/hostile")

    /// A copy of a hostile fixture in `folder`, extended (sparse: no disk used) to `size` bytes.
    private func copy(_ name: String, into folder: TemporaryFolder, extendedTo size: Int64? = nil) throws -> String {
        let path = folder.file(name)
        try FileManager.default.copyItem(atPath: Self.hostile.appendingPathComponent(name).path, toPath: path)
        if let size { try #require(truncate(path, off_t(size)) == 0) }
        return path
    }

    private func write(_ data: Data, as name: String, in folder: TemporaryFolder) throws -> String {
        let path = folder.file(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    private func failure(_ path: String) -> ReadFailure? {
        if case .failure(let failure) = TagReader.read(path: path) { return failure }
        return nil
    }

    private static func bigEndian32(_ n: Int) -> Data { withUnsafeBytes(of: UInt32(n).bigEndian) { Data($0) } }

    private static func syncsafe(_ n: Int) -> Data {
        Data([UInt8((n >> 21) & 0x7F), UInt8((n >> 14) & 0x7F), UInt8((n >> 7) & 0x7F), UInt8(n & 0x7F)])
    }

    /// An ID3v2.4 tag of a CHAP frame holding a CHAP frame ... `depth` levels deep.
    private static func nestedChapters(depth: Int) -> Data {
        let fields = Data("c".utf8) + Data(count: 17)
        func frame(_ content: Data) -> Data { Data("CHAP".utf8) + syncsafe(content.count) + Data(count: 2) + content }
        var chapter = frame(fields)
        for _ in 1..<depth { chapter = frame(fields + chapter) }
        return Data("ID3".utf8) + Data([4, 0, 0]) + syncsafe(chapter.count) + chapter
    }

    private static var mp3Audio: Data {
        get throws { try Data(contentsOf: Fixtures.audio.appendingPathComponent("untagged.mp3")) }
    }

    /// A named pipe or a device where an audio file was (put there after a scan checked the path)
    /// is refused from the opened descriptor: opening a pipe with no writer used to wait for ever.
    @Test func aNamedPipeOrADeviceIsRefusedWithoutWaitingForAWriter() throws {
        let folder = try TemporaryFolder()
        let pipe = folder.file("book.mp3")
        try #require(mkfifo(pipe, 0o644) == 0)
        for path in [pipe, "/dev/zero"] {
            let refused = try #require(failure(path), "\(path)")
            #expect(refused.message.contains("not a regular file"), "\(path): \(refused.message)")
        }
    }

    @Test func anAtomClaimingMoreThan4GiBIsRefusedNotReadIntoA16ByteBuffer() throws {
        let folder = try TemporaryFolder()
        // The atoms claim a little over 4 GiB: the file holds that much (sparse, a few KB on disk).
        let path = try copy("huge-atom.m4b", into: folder, extendedTo: (4 << 30) + 256)
        let refused = try #require(failure(path))
        #expect(refused.reason == .limit)
        #expect(refused.format == "MP4")
        #expect(refused.message.contains("asks for 4.0 GiB in one read"), "\(refused.message)")
    }

    @Test func mp4AtomsNested60000DeepAreRefusedBeforeTagLibRecursesIntoThem() throws {
        let folder = try TemporaryFolder()
        let depth = 60_000
        let fixture = try Data(contentsOf: Self.hostile.appendingPathComponent("nested-moov.m4b"))
        var file = fixture.prefix(Int(fixture[3]))  // its ftyp atom (under 256 bytes)
        for level in 0..<depth { file += Self.bigEndian32(8 * (depth - level)) + Data("moov".utf8) }
        let path = try write(file, as: "nested.m4b", in: folder)
        let refused = try #require(failure(path))
        #expect(refused.reason == .limit)
        #expect(refused.message.contains("MP4 atoms nested more than 32 levels deep"), "\(refused.message)")
    }

    @Test func anAtomSizeThatWrapsTheOffsetEndsTheParse() throws {
        let folder = try TemporaryFolder()
        let path = try copy("wrapping-atom.m4b", into: folder)
        // Before, TagLib went back to the start of the file and parsed it again, for ever.
        let tags = try TagReader.read(path: path).get()
        #expect(tags.format == "MP4")
        #expect(tags.audio.durationMs == 0)
    }

    @Test func aGibibyteOfZerosAfterAnID3HeaderIsGivenUpAfter8MiBOfSearch() throws {
        let folder = try TemporaryFolder()
        let path = try copy("zeros-after-id3.mp3", into: folder, extendedTo: 1 << 30)
        let refused = try #require(failure(path))
        #expect(refused.reason == .limit)
        #expect(refused.format == "MP3")
        #expect(refused.message.contains("gave up after searching 8 MiB of this MP3 file without finding its audio"), "\(refused.message)")
    }

    @Test func chapterFramesNested20000DeepAreRefusedBeforeTagLibRecursesIntoThem() throws {
        let folder = try TemporaryFolder()
        let path = try write(Self.nestedChapters(depth: 20_000) + Self.mp3Audio, as: "chapters.mp3", in: folder)
        let refused = try #require(failure(path))
        #expect(refused.reason == .limit)
        #expect(refused.message.contains("ID3v2 chapter frames nested more than 32 levels deep"), "\(refused.message)")
    }

    @Test func chapterFramesNestedInTheID3ChunkOfAWAVFileAreRefusedToo() throws {
        let folder = try TemporaryFolder()
        let wav = try copy("nested-chapters.wav", into: folder)
        #expect(failure(wav)?.message.contains("chapter frames nested more than 32 levels deep") == true)
        let mp3 = try copy("nested-chapters.mp3", into: folder)
        #expect(failure(mp3)?.reason == .limit)
    }

    @Test func aCompressedFrameThatCouldInflateTo100MiBIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = try copy("zlib-bomb.mp3", into: folder)
        let refused = try #require(failure(path))
        #expect(refused.reason == .limit)
        #expect(refused.message.contains("compressed ID3v2 frame that could inflate to more than 64 MiB"), "\(refused.message)")
    }

    @Test func aTwentyMegabyteCoverIsStillRead() throws {
        // The limits leave room for what real files hold: here an ID3v2.3 APIC of 20 MB.
        let folder = try TemporaryFolder()
        var picture = Data([3]) + Data("image/jpeg".utf8) + Data([0, 3, 0])
        picture += Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data(repeating: 0x5A, count: 20_000_000)
        let title = Data([3]) + Data("Big Cover".utf8)
        var frames = Data("TIT2".utf8) + Self.bigEndian32(title.count) + Data(count: 2) + title
        frames += Data("APIC".utf8) + Self.bigEndian32(picture.count) + Data(count: 2) + picture
        let tag = Data("ID3".utf8) + Data([3, 0, 0]) + Self.syncsafe(frames.count) + frames
        let path = try write(tag + Self.mp3Audio, as: "cover.mp3", in: folder)
        let tags = try TagReader.read(path: path).get()
        #expect(tags.hasCover)
        #expect(tags.fields.title == "Big Cover")
        #expect(tags.audio.durationMs > 3000)
    }
}
