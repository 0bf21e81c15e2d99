import Foundation
import MirrorCore
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

struct ScanWorkflowTests {
    private func rows(_ mirror: Mirror, _ sql: String) throws -> [[QueryValue]] {
        var rows: [[QueryValue]] = []
        try mirror.query(sql, timeout: 5, columns: { _ in }, row: { rows.append($0) })
        return rows
    }

    private func count(_ mirror: Mirror, _ sql: String) throws -> Int64 {
        guard case .integer(let n) = try rows(mirror, sql).first?.first else { return -1 }
        return n
    }

    @Test func aFirstScanReadsEverythingAndRecordsBadFiles() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        var reported: [ScanProgress] = []
        let summary = try ScanWorkflow.run(mirror: mirror, roots: [audio.path], options: ScanOptions(jobs: 2)) { reported.append($0) }

        #expect(summary.counts.seen == 16)
        #expect(summary.counts.new == 16)
        #expect(summary.counts.errors == 3)
        #expect(Set(summary.unreadable.map { URL(fileURLWithPath: $0.path).lastPathComponent }) == ["corrupt.mp3", "empty.mp3", "truncated.m4b"])
        #expect(reported.last?.read == 16)
        #expect(try count(mirror, "SELECT count(*) FROM file_tags WHERE error IS NULL AND format IS NOT NULL") == 13)
        #expect(try count(mirror, "SELECT count(*) FROM file_tags WHERE error IS NOT NULL") == 3)
        #expect(try rows(mirror, "SELECT status, files_seen, files_errors FROM scan_runs") == [[.text("finished"), .integer(16), .integer(3)]])
    }

    @Test func unchangedFilesAreNotReadAgain() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        _ = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])

        let again = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        #expect(again.counts.unchanged == 16)
        #expect(again.counts.new + again.counts.changed == 0)

        // A changed file (new modification time) is read again; --full reads all.
        let tagged = audio.appendingPathComponent("tagged.mp3").path
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: tagged)
        let changed = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        #expect(changed.counts.changed == 1)
        #expect(changed.counts.unchanged == 15)
        let full = try ScanWorkflow.run(mirror: mirror, roots: [audio.path], options: ScanOptions(full: true))
        #expect(full.counts.changed == 16)
    }

    @Test func aFileFixedOnDiskIsReadAgain() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        _ = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        let empty = audio.appendingPathComponent("empty.mp3")
        try FileManager.default.removeItem(at: empty)
        try FileManager.default.copyItem(at: audio.appendingPathComponent("tagged.mp3"), to: empty)

        let summary = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        #expect(summary.counts.changed == 1)
        #expect(try rows(mirror, "SELECT title, error FROM file_tags WHERE path LIKE '%/empty.mp3'") == [[.text("Prélude"), .null]])
    }

    @Test func vanishedFilesAreMarkedNotDeleted() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        _ = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        try FileManager.default.removeItem(at: audio.appendingPathComponent("tagged.flac"))

        let summary = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        #expect(summary.counts.removed == 1)
        #expect(try rows(mirror, "SELECT title, removed FROM file_tags WHERE path LIKE '%/tagged.flac'") == [[.text("Prélude"), .integer(1)]])
        #expect(try mirror.status().files == 15)
        #expect(try mirror.status().filesRemoved == 1)

        // Back on disk, it is present again.
        try FileManager.default.copyItem(at: Fixtures.audio.appendingPathComponent("tagged.flac"), to: audio.appendingPathComponent("tagged.flac"))
        let back = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        #expect(back.counts.changed == 1)
        #expect(try count(mirror, "SELECT count(*) FROM file_tags WHERE removed") == 0)
    }

    @Test func scanningASubfolderLeavesTheRestAlone() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let other = try Fixtures.copyAudio(into: folder, as: "audio-other")
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        _ = try ScanWorkflow.run(mirror: mirror, roots: [audio.path, other.path])
        // "audio" is a prefix of "audio-other": scanning it must not touch the other folder.
        try FileManager.default.removeItem(at: audio.appendingPathComponent("tagged.ogg"))
        let summary = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        #expect(summary.counts.seen == 15)
        #expect(summary.counts.removed == 1)
        #expect(try count(mirror, "SELECT count(*) FROM file_tags WHERE removed") == 1)
        #expect(try count(mirror, "SELECT count(*) FROM file_tags WHERE path LIKE '%/audio-other/%' AND NOT removed") == 16)
    }

    @Test func aMissingFolderStopsTheScanAndMarksNothing() throws {
        let folder = try TemporaryFolder()
        let audio = try Fixtures.copyAudio(into: folder)
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        _ = try ScanWorkflow.run(mirror: mirror, roots: [audio.path])
        try FileManager.default.moveItem(at: audio, to: folder.url.appendingPathComponent("unmounted"))

        #expect(throws: ScanError.self) { try ScanWorkflow.run(mirror: mirror, roots: [audio.path]) }
        #expect(try count(mirror, "SELECT count(*) FROM file_tags WHERE removed") == 0)
    }

    @Test func pathsAreStoredStandardised() throws {
        let folder = try TemporaryFolder()
        _ = try Fixtures.copyAudio(into: folder)
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        _ = try ScanWorkflow.run(mirror: mirror, roots: [folder.path + "/./audio/../audio/"])
        #expect(try count(mirror, "SELECT count(*) FROM file_tags WHERE path LIKE '\(folder.path)/audio/%'") == 16)
    }
}

struct SettingsTests {
    @Test func flagBeatsEnvironmentBeatsDotEnvBeatsDefault() throws {
        let folder = try TemporaryFolder()
        try "SHELFMIRROR_DB=/from/dotenv.sqlite\n".write(toFile: folder.file(".env"), atomically: true, encoding: .utf8)
        let env = ["SHELFMIRROR_DB": "/from/env.sqlite", "HOME": "/home/reader"]

        let flag = try Settings(databaseFlag: "~/flag.sqlite", environment: env, workingDirectory: folder.path).database
        #expect(flag == Setting(value: "/home/reader/flag.sqlite", source: .flag("--db")))
        let fromEnv = try Settings(databaseFlag: nil, environment: env, workingDirectory: folder.path).database
        #expect(fromEnv == Setting(value: "/from/env.sqlite", source: .environment("SHELFMIRROR_DB")))
        let fromDotEnv = try Settings(databaseFlag: nil, environment: ["HOME": "/home/reader"], workingDirectory: folder.path).database
        #expect(fromDotEnv == Setting(value: "/from/dotenv.sqlite", source: .dotEnv(path: folder.file(".env"), variable: "SHELFMIRROR_DB")))
        let byDefault = try Settings(databaseFlag: nil, environment: ["HOME": "/home/reader"], workingDirectory: "/nonexistent").database
        #expect(byDefault == Setting(value: "/home/reader/.local/share/shelfmirror/mirror.sqlite", source: .defaultValue))
        let xdg = try Settings(databaseFlag: nil, environment: ["HOME": "/h", "XDG_DATA_HOME": "/xdg"], workingDirectory: "/nonexistent").database
        #expect(xdg.value == "/xdg/shelfmirror/mirror.sqlite")
    }

    @Test func theConfigFileComesLast() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.file("config/shelfmirror"), withIntermediateDirectories: true)
        try """
            abs_url = "http://from-config:13378"
            abs_token = "config-token"
            path_map = ["/audiobooks=/mnt/a", "/other=/mnt/b"]
            """.write(toFile: folder.file("config/shelfmirror/config.toml"), atomically: true, encoding: .utf8)
        let env = ["HOME": "/home/reader", "XDG_CONFIG_HOME": folder.file("config")]

        let fromConfig = try Settings(flags: .init(), environment: env, workingDirectory: "/nonexistent")
        #expect(fromConfig.absURL?.value == "http://from-config:13378")
        #expect(fromConfig.absURL?.source == .configFile(path: folder.file("config/shelfmirror/config.toml"), key: "abs_url"))
        #expect(fromConfig.absToken?.value == Secret("config-token"))
        #expect(fromConfig.pathMaps.value == [PathMap(server: "/audiobooks", local: "/mnt/a"), PathMap(server: "/other", local: "/mnt/b")])

        // The environment (and its aliases) beat the file; a flag beats both.
        var withEnv = env
        withEnv["AUDIOBOOKSHELF_URL"] = "http://from-env:13378"
        withEnv["AUDIOBOOKSHELF_API_KEY"] = "env-key"
        let overridden = try Settings(flags: .init(), environment: withEnv, workingDirectory: "/nonexistent")
        #expect(overridden.absURL == Setting(value: "http://from-env:13378", source: .environment("AUDIOBOOKSHELF_URL")))
        #expect(overridden.absToken?.source == .environment("AUDIOBOOKSHELF_API_KEY"))
        #expect(String(describing: overridden.absToken!.value) == "‹redacted›")
        let flagged = try Settings(flags: .init(absURL: "http://flag:1"), environment: withEnv, workingDirectory: "/nonexistent")
        #expect(flagged.absURL?.source == .flag("--abs-url"))
    }

    @Test func aConfigFileWithAMistakeIsRefused() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.file("shelfmirror"), withIntermediateDirectories: true)
        try "abs_url = \"http://x\"\nabs_tokn = \"typo\"\n".write(toFile: folder.file("shelfmirror/config.toml"), atomically: true, encoding: .utf8)
        do {
            _ = try Settings(flags: .init(), environment: ["XDG_CONFIG_HOME": folder.path, "HOME": "/h"], workingDirectory: "/nonexistent")
            Issue.record("accepted")
        } catch let error as ConfigFile.ParseError {
            #expect(error.line == 2)
            #expect(error.reason.contains("unknown key abs_tokn"))
        }
    }
}
