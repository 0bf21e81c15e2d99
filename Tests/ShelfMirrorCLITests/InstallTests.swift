import Foundation
@testable import ShelfMirrorCLI
import TestSupport
import Testing

/// `make install` and `make uninstall` (.ci/install.sh), with the debug binary as `BIN=`, so no
/// release build is needed: the files, their contents, and the units through `systemd-analyze`.
struct InstallTests {
    /// Every file an install puts under its prefix, and nothing else.
    static let installed = [
        "bin/shelfmirror",
        "share/man/man1/shelfmirror.1",
        "share/bash-completion/completions/shelfmirror",
        "share/zsh/site-functions/_shelfmirror",
        "share/fish/vendor_completions.d/shelfmirror.fish",
        "share/shelfmirror/systemd/shelfmirror.service",
        "share/shelfmirror/systemd/shelfmirror.timer",
    ]

    static func make(_ arguments: [String]) async throws -> RunResult {
        try await Binary.runProgram("make", ["--no-print-directory", "-s"] + arguments, workingDirectory: Fixtures.root.path)
    }

    static func files(under folder: String) -> Set<String> {
        var found: Set<String> = []
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let path = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isFolder), !isFolder.boolValue {
                found.insert(path)
            }
        }
        return found
    }

    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// Whether `program` is on PATH.
    static func onPath(_ program: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(program)")
        }
    }

    @Test func aStagedInstallHasEveryFileAndUninstallRemovesExactlyThem() async throws {
        let folder = try TemporaryFolder()
        let dest = folder.file("dest")
        let install = try await Self.make(["install", "DESTDIR=\(dest)", "PREFIX=/usr", "BIN=\(Binary.url.path)"])
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        #expect(Self.files(under: dest) == Set(Self.installed.map { "usr/" + $0 }))
        let usr = dest + "/usr"

        let version = try await Binary.run(["--version"])
        let installedVersion = try await Binary.runProgram(usr + "/bin/shelfmirror", ["--version"])
        #expect(installedVersion.status == 0)
        #expect(installedVersion.stdout == version.stdout)

        let bash = try Self.text(usr + "/share/bash-completion/completions/shelfmirror")
        let zsh = try Self.text(usr + "/share/zsh/site-functions/_shelfmirror")
        let fish = try Self.text(usr + "/share/fish/vendor_completions.d/shelfmirror.fish")
        #expect(bash.contains("-F _shelfmirror shelfmirror\n"))
        #expect(zsh.hasPrefix("#compdef shelfmirror\n"))
        #expect(fish.contains("complete -c 'shelfmirror'"))

        // The man page, from the commands' own help: every command a user sees has its section.
        let man = try Self.text(usr + "/share/man/man1/shelfmirror.1")
        #expect(man.contains(".TH SHELFMIRROR 1 "))
        #expect(man.contains(".SH NAME\nshelfmirror \\- "))
        let visible = ShelfMirror.configuration.subcommands.map { $0.configuration }.filter { $0.shouldDisplay }
        #expect(visible.count > 10)
        for command in visible {
            let name = try #require(command.commandName)
            let roffName = name.replacing("-", with: "\\-")
            #expect(man.contains(".SS \"\(roffName)\""), "no section for \(name) in the man page")
            // Each completion script has a function (bash, zsh) or a completion (fish) for it.
            #expect(bash.contains("\n_shelfmirror_\(name)() {"), "bash does not complete \(name)")
            #expect(zsh.contains("\n_shelfmirror_\(name)() {"), "zsh does not complete \(name)")
            #expect(fish.contains("-fa '\(name)'"), "fish does not complete \(name)")
        }
        #expect(!man.contains(".SS \"fake\\-abs\"") && !man.contains(".SS \"eval\""), "a hidden command in the man page")
        #expect(!man.contains("\\-\\-experimental\\-dump\\-help"))

        let service = try Self.text(usr + "/share/shelfmirror/systemd/shelfmirror.service")
        let timer = try Self.text(usr + "/share/shelfmirror/systemd/shelfmirror.timer")
        #expect(service.contains("\nExecStart=/usr/bin/shelfmirror run\n"))
        #expect(service.contains("\nType=oneshot\n"))
        #expect(service.contains("\nEnvironmentFile=-%h/.config/shelfmirror/env\n"))
        #expect(!service.contains(dest))
        #expect(timer.contains("\nOnCalendar=hourly\n"))
        #expect(timer.contains("\nWantedBy=timers.target\n"))

        // Uninstall removes what install wrote, and leaves another package's file alone.
        try "not ours".write(toFile: usr + "/bin/other", atomically: true, encoding: .utf8)
        let uninstall = try await Self.make(["uninstall", "DESTDIR=\(dest)", "PREFIX=/usr"])
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        #expect(Self.files(under: dest) == ["usr/bin/other"])
        #expect(!FileManager.default.fileExists(atPath: usr + "/share/shelfmirror"))
    }

    @Test func aBinaryThatIsNotThereInstallsNothing() async throws {
        let folder = try TemporaryFolder()
        let dest = folder.file("dest")
        let install = try await Self.make(["install", "DESTDIR=\(dest)", "BIN=\(folder.file("missing"))"])
        #expect(install.status != 0)
        #expect(install.stderr.contains("is not an executable"))
        #expect(Self.files(under: dest).isEmpty)
    }

    /// Installed where they will run (no DESTDIR), so ExecStart names a binary that is there, and
    /// the man page they point at is found through MANPATH.
    @Test(.enabled(if: onPath("systemd-analyze"), "systemd-analyze is not installed: the units are not verified"))
    func theUnitsPassSystemdAnalyzeVerify() async throws {
        let folder = try TemporaryFolder()
        let prefix = folder.file("prefix")
        let install = try await Self.make(["install", "PREFIX=\(prefix)", "BIN=\(Binary.url.path)"])
        #expect(install.status == 0, "\(install.stderr)")
        let service = try Self.text(prefix + "/share/shelfmirror/systemd/shelfmirror.service")
        #expect(service.contains("\nExecStart=\(prefix)/bin/shelfmirror run\n"))

        let units = ["shelfmirror.service", "shelfmirror.timer"].map { prefix + "/share/shelfmirror/systemd/" + $0 }
        // Without man, verify cannot look the Documentation= page up; it checks the rest.
        let man = Self.onPath("man") ? [] : ["--man=no"]
        let verify = try await Binary.runProgram("systemd-analyze", ["verify"] + man + units,
                                                 environment: ["MANPATH": prefix + "/share/man"])
        #expect(verify.status == 0, "\(verify.stderr)")
        // Unknown keys and bad values are only warned about: there must be none.
        #expect(verify.stderr.isEmpty, "\(verify.stderr)")

        let uninstall = try await Self.make(["uninstall", "PREFIX=\(prefix)"])
        #expect(uninstall.status == 0)
        #expect(Self.files(under: prefix).isEmpty)
    }
}
