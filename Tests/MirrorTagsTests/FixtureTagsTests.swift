import Foundation
import MirrorCore
import MirrorTags
import TestSupport
import Testing

/// Every fixture, read through TagLib, agrees with what mutagen read from the same file.
struct FixtureTagsTests {
    static let names: [String] = (try? Fixtures.mutagenExpectations().keys.sorted()) ?? []

    @Test func everyFixtureHasAnExpectation() throws {
        #expect(Self.names.count >= 16)
    }

    @Test(arguments: names)
    func agreesWithMutagen(_ name: String) throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let expected = try #require(try Fixtures.mutagenExpectations()[name])
        let result = TagReader.read(path: audio.appendingPathComponent(name).path)

        if let error = expected["error"] as? String {
            guard case .failure(let failure) = result else {
                Issue.record("\(name): mutagen failed (\(error)) but TagLib read it")
                return
            }
            #expect(!failure.message.isEmpty)
            return
        }
        let tags = try result.get()
        #expect(tags.format == expected["format"] as? String, "format of \(name)")
        #expect(tags.audio.sampleRate == expected["sample_rate"] as? Int, "sample rate of \(name)")
        #expect(tags.audio.channels == expected["channels"] as? Int, "channels of \(name)")
        #expect(tags.hasCover == expected["has_cover"] as? Bool, "cover of \(name)")
        let duration = try #require(expected["duration_ms"] as? Int)
        #expect(abs(Int(tags.audio.durationMs) - duration) <= 70, "duration of \(name): \(tags.audio.durationMs) vs \(duration)")

        let chapters = (expected["chapters"] as? [[String: Any]]) ?? []
        #expect(tags.chapters.count == chapters.count, "chapters of \(name)")
        for (ours, theirs) in zip(tags.chapters, chapters) {
            #expect(ours.startMs == Int64(theirs["start_ms"] as? Int ?? -1))
            #expect(ours.endMs == Int64(theirs["end_ms"] as? Int ?? -1))
            #expect(ours.title == theirs["title"] as? String)
        }

        let fields = try #require(expected["fields"] as? [String: String])
        let f = tags.fields
        let ours: [String: String?] = [
            "title": f.title, "subtitle": f.subtitle, "artist": f.artist, "album": f.album,
            "album_artist": f.albumArtist, "composer": f.composer, "genre": f.genre, "year": f.year.map(String.init),
            "series": f.series, "series_part": f.seriesPart, "asin": f.asin, "isbn": f.isbn,
            "language": f.language, "publisher": f.publisher, "description": f.description,
        ]
        for (key, value) in ours {
            #expect(value == fields[key], "\(key) of \(name)")
        }
    }

    @Test func failuresSayWhy() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        func failure(_ name: String) -> ReadFailure? {
            if case .failure(let f) = TagReader.read(path: audio.appendingPathComponent(name).path) { return f }
            return nil
        }
        #expect(failure("empty.mp3")?.reason == .empty)
        #expect(failure("corrupt.mp3")?.reason == .unsupported)
        #expect(failure("truncated.m4b")?.reason == .invalid)
        #expect(failure("truncated.m4b")?.format == "MP4")
        #expect(failure("does-not-exist.mp3")?.reason == .cannotOpen)
        #expect(failure("does-not-exist.mp3")?.message.contains("No such file") == true)
    }

    @Test func misnamedFileIsReadByContent() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let tags = try TagReader.read(path: audio.appendingPathComponent("misnamed.m4b").path).get()
        #expect(tags.format == "MP3")
        #expect(tags.fields.title == "Misnamed")
    }

    @Test func longValuesAreCutAtACharacterBoundary() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let full = try TagReader.read(path: audio.appendingPathComponent("bigtag.mp3").path).get()
        #expect(full.truncatedValues == 0)
        #expect(full.fields.description?.count == 30_000)

        let cut = try TagReader.read(path: audio.appendingPathComponent("bigtag.mp3").path, maxValueBytes: 1001).get()
        #expect(cut.truncatedValues == 1)
        let description = try #require(cut.fields.description)
        #expect(description.utf8.count <= 1001)
        #expect(full.fields.description!.hasPrefix(description))
        // The artist, "Bïg Tåg Artist", cut in the middle of a two-byte letter stays valid UTF-8.
        let artist = try TagReader.read(path: audio.appendingPathComponent("bigtag.mp3").path, maxValueBytes: 2).get()
        #expect(artist.fields.artist == "B")
    }

    @Test(.enabled(if: geteuid() != 0, "root reads any file, so a permission error cannot be shown"))
    func unreadableFileIsReported() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let path = audio.appendingPathComponent("tagged.mp3").path
        chmod(path, 0)
        guard case .failure(let failure) = TagReader.read(path: path) else {
            Issue.record("an unreadable file was read")
            return
        }
        #expect(failure.reason == .cannotOpen)
    }
}
