import Foundation
import MirrorTags
import TestSupport
import Testing

struct FolderWalkerTests {
    @Test func findsAudioByExtensionAndSkipsTheRest() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        try Data("hidden".utf8).write(to: audio.appendingPathComponent(".hidden.mp3"))
        try Data("apple double".utf8).write(to: audio.appendingPathComponent("._tagged.mp3"))
        try FileManager.default.createDirectory(at: audio.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try Data().write(to: audio.appendingPathComponent(".git/inside.mp3"))
        try Data().write(to: audio.appendingPathComponent("UPPER.MP3"))

        let outcome = FolderWalker.walk(roots: [audio.path])
        let names = outcome.files.map { URL(fileURLWithPath: $0.path).lastPathComponent }
        #expect(names.contains("tagged.m4b"))
        #expect(names.contains("UPPER.MP3"))
        #expect(!names.contains("notes.txt"))
        #expect(!names.contains { $0.hasPrefix(".") })
        #expect(!names.contains("inside.mp3"))
        #expect(names == names.sorted())
        #expect(outcome.problems.isEmpty)
        let tagged = try #require(outcome.files.first { $0.path.hasSuffix("/tagged.mp3") })
        #expect(tagged.sizeBytes == Int64(try FileManager.default.attributesOfItem(atPath: tagged.path)[.size] as! Int))
        #expect(tagged.mtimeNs > 0)
    }

    @Test func symbolicLinkLoopsEnd() throws {
        let folder = try TemporaryFolder()
        let books = folder.url.appendingPathComponent("books/author")
        try FileManager.default.createDirectory(at: books, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Fixtures.audio.appendingPathComponent("tagged.mp3"), to: books.appendingPathComponent("a.mp3"))
        // author/loop -> books (an ancestor), and a link to a linked folder.
        try FileManager.default.createSymbolicLink(atPath: books.appendingPathComponent("loop").path, withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: folder.file("books/self"), withDestinationPath: folder.file("books"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("books/broken.mp3"), withDestinationPath: folder.file("nowhere.mp3"))

        let outcome = FolderWalker.walk(roots: [folder.file("books")])
        #expect(outcome.files.count == 1)
        #expect(outcome.problems.contains { $0.message.contains("loop") })
        #expect(outcome.problems.contains { $0.path.hasSuffix("broken.mp3") && $0.message == "broken symbolic link" })
    }

    @Test func linkedFoldersAreFollowed() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let library = folder.url.appendingPathComponent("library")
        try FileManager.default.createDirectory(at: library, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: library.appendingPathComponent("linked").path, withDestinationPath: audio.path)
        let outcome = FolderWalker.walk(roots: [library.path])
        #expect(outcome.files.contains { $0.path == library.path + "/linked/tagged.flac" })
    }

    @Test func aFileCanBeARoot() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let file = audio.appendingPathComponent("tagged.opus").path
        let outcome = FolderWalker.walk(roots: [file, file])
        #expect(outcome.files.map(\.path) == [file])
    }

    @Test func missingRootIsAProblem() {
        let outcome = FolderWalker.walk(roots: ["/nonexistent/shelfmirror"])
        #expect(outcome.files.isEmpty)
        #expect(outcome.problems.first?.message == "No such file or directory")
    }
}
