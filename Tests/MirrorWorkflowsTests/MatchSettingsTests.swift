import Foundation
import MirrorCore
import MirrorWorkflows
import TestSupport
import Testing

/// Matching weights and thresholds come from `[match]` in config.toml, checked line by line.
struct MatchSettingsTests {
    private func settings(_ toml: String) throws -> Settings {
        let folder = try TemporaryFolder()
        let path = folder.file("config.toml")
        try toml.write(toFile: path, atomically: true, encoding: .utf8)
        return try Settings(flags: .init(), environment: ["SHELFMIRROR_CONFIG": path, "HOME": folder.path], workingDirectory: folder.path)
    }

    @Test func overridesApplyAndTheRestKeepsItsDefaults() throws {
        let config = try settings("""
            [match]
            strong = 0.9
            close_second = 0.1

            [match.weights]
            narrators = 2.5
            year = 0
            """).matchConfig
        #expect(config.strong == 0.9)
        #expect(config.closeSecond == 0.1)
        #expect(config.weak == MatchConfig().weak)
        #expect(config.weight(.narrators) == 2.5)
        #expect(config.weight(.year) == 0)
        #expect(config.weight(.title) == MatchConfig().weight(.title))
    }

    @Test(arguments: [
        ("[match]\nstrong = 1.5\n", "between 0 and 1", 2),
        ("[match]\nstrong = \"high\"\n", "must be a number", 2),
        ("[match.weights]\ntitel = 2\n", "unknown key match.weights.titel", 2),
        ("[match]\nweak = 0.9\nstrong = 0.8\n", "match.weak must not be above match.strong", 2),
        ("[match.weights]\nauthors = -1\n", "0 or more", 2),
    ])
    func badValuesNameTheLine(_ toml: String, _ reason: String, _ line: Int) throws {
        #expect { try settings(toml) } throws: { error in
            guard let e = error as? ConfigFile.ParseError else { return false }
            return e.summary.contains(reason) && e.line == line
        }
    }
}

extension MatchSettingsTests {
    @Test func diffPoliciesComeFromConfigAndBadOnesNameTheLine() throws {
        let policy = try settings("[diff]\npolicy = \"replace\"\ngenres = \"ignore\"\n").diffPolicy
        #expect(policy.policy(.title) == .replace)
        #expect(policy.policy(.genres) == .ignore)
        for (toml, reason) in [("[diff]\ntitle = \"overwrite\"\n", "must be \"fill\", \"replace\" or \"ignore\""),
                               ("[diff]\ncolour = \"fill\"\n", "unknown key diff.colour")] {
            #expect { try settings(toml) } throws: { error in
                (error as? ConfigFile.ParseError).map { $0.summary.contains(reason) && $0.line == 2 } ?? false
            }
        }
    }
}

extension MatchSettingsTests {
    @Test func listeningOptionsComeFromConfigAndTheTimeZoneFromTZ() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("config.toml")
        try "[hardcover]\nowned = true\nwant_to_read = true\n".write(toFile: path, atomically: true, encoding: .utf8)
        let settings = try Settings(flags: .init(), environment: ["SHELFMIRROR_CONFIG": path, "HOME": folder.path, "TZ": ":Europe/Berlin"],
                                    workingDirectory: folder.path)
        #expect(settings.listeningPolicy.owned && settings.listeningPolicy.wantToRead)
        #expect(settings.listeningPolicy.timeZone.identifier == "Europe/Berlin")
        #expect(try self.settings("").listeningPolicy.owned == false, "off by default")
        #expect(Settings.timeZone(named: "Mars/Olympus") == nil)
        for (toml, reason) in [("[hardcover]\nowned = \"yes\"\n", "hardcover.owned must be true or false"),
                               ("[hardcover]\nshelf = true\n", "unknown key hardcover.shelf")] {
            #expect { try self.settings(toml) } throws: { error in
                (error as? ConfigFile.ParseError).map { $0.summary.contains(reason) && $0.line == 2 } ?? false
            }
        }
    }
}
