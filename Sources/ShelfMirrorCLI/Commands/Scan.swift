import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Read the embedded tags of audio files into the mirror.",
            discussion: """
                With no path, reads the audio files of the items `sync` mirrored from AudiobookShelf and \
                links each file to its item (file_tags.item_id). When AudiobookShelf sees the files under \
                another path than this machine does (Docker, a NAS), map it with --path-map SERVER=LOCAL.
                The server's paths are not trusted: only regular audio files inside the library folders are \
                read (the LOCAL sides of --path-map; without a map, the library folders AudiobookShelf \
                reported), judged after resolving `..` and symbolic links. A path that leads anywhere else, \
                a folder, a named pipe or device, or a file that is not audio is skipped without being \
                opened, and counted: "skipped N files the server listed".

                With paths, walks the given folders (following symbolic links, skipping hidden entries) and reads \
                every audio file's tags and audio properties with TagLib, on every core. A file whose \
                size and modification time have not changed since the last scan is not opened again \
                (--full reads everything). Files that cannot be read are recorded with the reason and \
                the scan goes on; files that are gone are marked removed, never deleted.

                Audio files are read as untrusted: one that would make TagLib read more than any real \
                file needs (sizes above 64 MiB, endless searching, atoms nested too deep) is recorded as \
                unreadable with the limit it hit. If a scan crashes or is killed anyway, the next scan \
                marks that run failed and records the file it crashed on (or that stopped two scans in a \
                row) as unreadable; like every unreadable file that has not changed, it is skipped from \
                then on: --retry-bad reads such files again.

                Examples:
                  shelfmirror scan
                  shelfmirror scan --path-map /audiobooks=/mnt/nas/audiobooks
                  shelfmirror scan ~/Audiobooks
                  shelfmirror scan /mnt/books/Sanderson /mnt/books/Jemisin --jobs 4
                  shelfmirror scan ~/Audiobooks --full
                  shelfmirror scan ~/Audiobooks --retry-bad
                  shelfmirror query "SELECT path, error FROM file_tags WHERE error IS NOT NULL"
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("Folders or files to scan.", valueName: "path"))
        var paths: [String] = []

        @Flag(help: "Read every file again, changed or not.")
        var full = false

        @Flag(name: .customLong("retry-bad"), help: "Read again the unchanged files recorded as unreadable (e.g. one a crashed scan stopped on).")
        var retryBad = false

        @Option(help: "Reader threads (default: the number of cores).")
        var jobs: Int?

        @Option(name: .customLong("path-map"), help: ArgumentHelp(
            "With no path: where the server's files are here, SERVER=LOCAL (repeatable; default: $SHELFMIRROR_PATH_MAP).",
            valueName: "server=local"))
        var pathMaps: [String] = []

        func validate() throws {
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
            for map in pathMaps where PathMap(map) == nil {
                throw ValidationError("--path-map takes SERVER=LOCAL, e.g. --path-map /audiobooks=/mnt/books (got \"\(map)\").")
            }
            if !paths.isEmpty, !pathMaps.isEmpty {
                throw ValidationError("--path-map applies to the items' files (scan with no path); drop it when giving folders.")
            }
        }

        func run() throws {
            let settings = try Settings(flags: .init(database: global.db, pathMaps: pathMaps))
            let mirror = try settings.openMirror()
            let bar = ProgressLine(label: "Reading")
            let options = ScanOptions(full: full, retryBad: retryBad, jobs: jobs)
            if paths.isEmpty {
                let items = try ScanWorkflow.runForItems(mirror: mirror, pathMaps: settings.pathMaps.value, options: options) {
                    bar.update(done: $0.read, total: $0.toRead)
                }
                bar.finish()
                if let scan = items.scan { report(scan) }
                report(items.skipped)
                if items.unreachable > 0, let example = items.example {
                    Console.err("  \(items.unreachable) of \(items.files) audio files (\(items.itemsUnreachable) items) are not on this machine, "
                        + "e.g. \(printable(example.server))" + (example.local == example.server ? "" : " (looked for at \(printable(example.local)))") + ".")
                    Console.err("  hint: if the server sees them under another path, map it: --path-map \(printable(ScanWorkflow.guessPrefix(example.server)))=/where/they/are/here")
                }
                return
            }
            let summary = try ScanWorkflow.run(mirror: mirror, roots: paths, options: options) {
                bar.update(done: $0.read, total: $0.toRead)
            }
            bar.finish()
            report(summary)
        }

        /// A path or message from the server or a file: escaped, on one line, cut.
        private func printable(_ text: String) -> String { TerminalText.line(text, limit: 300) }

        /// One line for the files the server listed that were not opened, and a few examples.
        private func report(_ skipped: SkippedFiles) {
            guard skipped.total > 0 else { return }
            let which = skipped.total == skipped[.outsideRoots] ? " outside the library folders" : ": " + ScanWorkflow.describe(skipped)
            Console.err("  skipped \(skipped.total) file\(skipped.total == 1 ? "" : "s") the server listed\(which); "
                + "only audio files inside the library folders are read (see scan --help)")
            for file in skipped.examples.prefix(SkippedFiles.examplesPerReason) {
                let local = file.localPath == file.serverPath ? "" : " (here \(printable(file.localPath)))"
                Console.err("    \(file.reason.rawValue): \(printable(file.serverPath))\(local)")
            }
        }

        private func report(_ summary: ScanSummary) {
            for run in summary.stoppedRuns {
                Console.err("The scan run \(run) did not finish (killed or crashed); it is marked failed.")
            }
            for (path, message) in summary.stoppedReads {
                Console.err("  unreadable: \(printable(path)): \(printable(message)); skipped from now on (--retry-bad reads it again)")
            }
            let c = summary.counts
            let time = String(format: "%.2f", summary.seconds)
            Console.err("Scanned \(c.seen) audio files in \(time) s: \(c.new) new, \(c.changed) changed, "
                + "\(c.unchanged) unchanged, \(c.errors) unreadable, \(c.removed) removed.")
            let shown = 20
            for (path, message) in summary.unreadable.prefix(shown) {
                Console.err("  unreadable: \(printable(path)): \(printable(message))")
            }
            if summary.unreadable.count > shown {
                Console.err("  … and \(summary.unreadable.count - shown) more: shelfmirror query \"SELECT path, error FROM file_tags WHERE error IS NOT NULL\"")
            }
            for problem in summary.walkProblems.prefix(shown) {
                Console.err("  skipped: \(printable(problem.path)): \(printable(problem.message))")
            }
        }
    }
}
