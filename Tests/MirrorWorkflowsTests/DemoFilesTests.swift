import Foundation
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorTags
import MirrorWorkflows
import TestSupport
import Testing

/// The demo's generated MP3s, read back through TagLib (the project's own reader): MP3 with the
/// book's duration, and the tags written, in ID3v2.3 and ID3v2.4 alike.
struct DemoFilesTests {
    @Test func tagLibReadsEveryFileWithItsTagsAndDuration() throws {
        let folder = try TemporaryFolder()
        let library = DemoLibrary(folder: folder.file("library"))
        let written = try library.writeFiles()
        #expect(written == library.files.reduce(0) { $0 + $1.bytes.count })
        #expect(written < 2_000_000, "a few kilobytes a file")

        let durations = Dictionary(uniqueKeysWithValues: library.items.flatMap(\.audioFiles).map { ($0.path, $0.duration) })
        var versions = Set<DemoMP3.TagVersion>()
        for file in library.files {
            let tags = try TagReader.read(path: file.path).get()
            #expect(tags.format == "MP3")
            #expect(tags.audio.sampleRate == 44_100 && tags.audio.bitrateKbps == 128)
            let expected = try #require(durations[file.path])
            #expect(abs(Double(tags.audio.durationMs) / 1000 - expected) < 0.5, "\(file.path): \(tags.audio.durationMs) ms, ABS says \(expected) s")
            for tag in file.tags {
                let key = Self.propertyKey(tag)
                let read = tags.tags[key]
                if key == "DATE" || key == "TRACKNUMBER" {
                    #expect(read.first?.hasPrefix(tag.value.prefix(4)) == true, "\(key) of \(file.path)")
                } else {
                    #expect(read == [tag.value], "\(key) of \(file.path): \(read)")
                }
            }
            versions.insert(file.version)
        }
        #expect(versions == [.v23, .v24])
    }

    @Test func theFieldsAreWhatAudiobookShelfWouldReadFromThem() throws {
        let folder = try TemporaryFolder()
        let library = DemoLibrary(folder: folder.file("library"))
        try library.writeFiles()
        let clean = Dictionary(uniqueKeysWithValues: library.cleanItems.map { ($0.id, $0) })
        var withNarrators = 0, nonASCII = 0
        for file in library.files {
            let fields = try TagReader.read(path: file.path).get().fields
            let item = try #require(clean[file.itemId])
            #expect(fields.album == item.title)
            #expect(fields.artist == item.authors.map(\.name).joined(separator: ", "))
            #expect(fields.series == item.series.first?.name)
            #expect(fields.seriesPart == item.series.first?.sequence)
            if let composer = fields.composer {
                #expect(NameList.split(composer) == item.narrators)
                withNarrators += 1
            }
            if let asin = fields.asin { #expect(asin == item.asin) }
            if fields.album?.unicodeScalars.contains(where: { $0.value > 0x7F }) == true || fields.artist?.unicodeScalars.contains(where: { $0.value > 0x7F }) == true {
                nonASCII += 1
            }
        }
        #expect(withNarrators > library.files.count / 2)
        #expect(nonASCII > 0, "names with diacritics survive both tag versions")
        // The files of an item whose narrators only the tags know all name them.
        for error in library.errors(of: .narratorsOnlyInTags) {
            for file in library.files where file.itemId == error.itemId {
                let composer = try TagReader.read(path: file.path).get().fields.composer
                #expect(Differ.same(.narrators, composer.map { .list(NameList.split($0)) }, error.right))
            }
        }
    }

    @Test func scanReadsTheItemsOwnFilesAfterASync() async throws {
        let folder = try TemporaryFolder()
        let library = DemoLibrary(folder: folder.file("library"))
        try library.writeFiles()
        try await withFakeABS(library.makeState()) { server in
            let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
            let client = ABSClient(connection: try ABSConnection(url: server.baseURL.absoluteString, token: FakeABSState.adminToken),
                                   httpClient: .mirror)
            _ = try await ABSSync.run(mirror: mirror, client: client)
            let summary = try ScanWorkflow.runForItems(mirror: mirror, pathMaps: [])
            #expect(summary.unreachable == 0)
            #expect(summary.files == library.files.count)
            #expect(summary.scan?.counts.new == library.files.count)
            #expect(summary.scan?.counts.errors == 0)
        }
    }

    /// TagLib's PropertyMap name of a frame.
    static func propertyKey(_ tag: DemoMP3.Tag) -> String {
        if let description = tag.description { return description }
        return switch tag.frame {
        case "TIT2": "TITLE"
        case "TALB": "ALBUM"
        case "TPE1": "ARTIST"
        case "TPE2": "ALBUMARTIST"
        case "TIT3": "SUBTITLE"
        case "TCOM": "COMPOSER"
        case "TDRC", "TYER": "DATE"
        case "TPUB": "LABEL"
        case "TCON": "GENRE"
        case "TLAN": "LANGUAGE"
        case "TRCK": "TRACKNUMBER"
        case "TSSE": "ENCODING"
        default: tag.frame
        }
    }
}
