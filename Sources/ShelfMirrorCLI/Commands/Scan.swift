import ArgumentParser
import Foundation
import MirrorStore
import MirrorWorkflows

extension ShelfMirror {
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read the embedded tags of audio files into the mirror.",
            discussion: """
                Walks the given folders (following symbolic links, skipping hidden entries) and reads \
                every audio file's tags and audio properties with TagLib, on every core. A file whose \
                size and modification time have not changed since the last scan is not opened again \
                (--full reads everything). Files that cannot be read are recorded with the reason and \
                the scan goes on; files that are gone are marked removed, never deleted.

                Examples:
                  shelfmirror scan ~/Audiobooks
                  shelfmirror scan /mnt/books/Sanderson /mnt/books/Jemisin --jobs 4
                  shelfmirror scan ~/Audiobooks --full
                  shelfmirror query "SELECT path, error FROM file_tags WHERE error IS NOT NULL"
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("Folders or files to scan.", valueName: "path"))
        var paths: [String] = []

        @Flag(help: "Read every file again, changed or not.")
        var full = false

        @Option(help: "Reader threads (default: the number of cores).")
        var jobs: Int?

        func validate() throws {
            if paths.isEmpty {
                throw ValidationError("Give one or more folders or files to scan, e.g. `shelfmirror scan ~/Audiobooks`.")
            }
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        }

        func run() throws {
            let mirror = try Mirror.openForWriting(path: global.settings.database.value)
            let bar = ProgressLine(label: "Reading")
            let summary = try ScanWorkflow.run(mirror: mirror, roots: paths, options: ScanOptions(full: full, jobs: jobs)) {
                bar.update(done: $0.read, total: $0.toRead)
            }
            bar.finish()
            report(summary)
        }

        private func report(_ summary: ScanSummary) {
            let c = summary.counts
            let time = String(format: "%.2f", summary.seconds)
            Console.err("Scanned \(c.seen) audio files in \(time) s: \(c.new) new, \(c.changed) changed, "
                + "\(c.unchanged) unchanged, \(c.errors) unreadable, \(c.removed) removed.")
            let shown = 20
            for (path, message) in summary.unreadable.prefix(shown) {
                Console.err("  unreadable: \(path): \(message)")
            }
            if summary.unreadable.count > shown {
                Console.err("  … and \(summary.unreadable.count - shown) more: shelfmirror query \"SELECT path, error FROM file_tags WHERE error IS NOT NULL\"")
            }
            for problem in summary.walkProblems.prefix(shown) {
                Console.err("  skipped: \(problem.path): \(problem.message)")
            }
        }
    }
}
