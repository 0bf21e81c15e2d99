import ArgumentParser
import Foundation
import MirrorStore
import MirrorWorkflows

extension ShelfMirror {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Snapshot the AudiobookShelf library into the mirror.",
            discussion: """
                Lists every book library (500 items a request), and fetches in full only the items that \
                are new or changed since the last sync (100 a request). A sync that is interrupted keeps \
                what it stored; the next one asks only for the rest. Items gone from the server are \
                marked removed, never deleted. Podcast libraries are skipped.

                Needs ABS_URL and ABS_TOKEN (or AUDIOBOOKSHELF_URL, AUDIOBOOKSHELF_API_KEY), from the \
                environment or a .env file. `shelfmirror doctor` checks them.

                Examples:
                  shelfmirror sync
                  shelfmirror sync --library Audiobooks
                  shelfmirror sync --full
                  ABS_URL=http://nas:13378 ABS_TOKEN=... shelfmirror sync
                """)

        enum Source: String, ExpressibleByArgument, CaseIterable { case abs, hardcover }

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions

        @Option(help: ArgumentHelp("Only this library (name or id).", valueName: "name"))
        var library: String?

        @Option(help: "Only one source: abs (Hardcover comes in a later version).")
        var only: Source?

        @Flag(help: "Fetch every item again, changed or not.")
        var full = false

        func run() async throws {
            if only == .hardcover {
                throw UsageError(summary: "Hardcover sync is not available in this version yet", hint: "Run `shelfmirror sync --only abs`.")
            }
            let settings = try Settings(flags: .init(database: global.db, absURL: server.absURL))
            let client = try Connections.audiobookshelf(settings)
            let mirror = try Mirror.openForWriting(path: settings.database.value)
            let bar = ProgressLine(label: "Syncing")
            let summary = try await ABSSync.run(mirror: mirror, client: client, options: SyncOptions(library: library, full: full)) { p in
                bar.update(done: p.listed, total: p.total, note: "\(p.library): \(p.fetched) fetched, \(p.requests) requests")
            }
            bar.finish()
            let c = summary.counts
            Console.err("Synced \(summary.libraries.joined(separator: ", ")) from AudiobookShelf \(summary.serverVersion) in "
                + String(format: "%.2f", summary.seconds) + " s: \(c.listed) items listed, \(c.new) new, \(c.changed) changed, "
                + "\(c.fetched) fetched, \(c.removed) removed; \(summary.requests) requests.")
            for (name, reason) in summary.skipped { Console.err("  skipped \(name): \(reason)") }
        }
    }
}
