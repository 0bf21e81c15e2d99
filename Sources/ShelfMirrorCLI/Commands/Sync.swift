import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Snapshot the AudiobookShelf library, then the Hardcover books it could match, into the mirror.",
            discussion: """
                AudiobookShelf: lists every book library (500 items a request) and fetches in full only \
                the items that are new or changed since the last sync (100 a request). Items gone from \
                the server are marked removed, never deleted. Podcast libraries are skipped.

                Hardcover (when HARDCOVER_TOKEN is set): finds each item's candidate books, cheapest \
                first — identifiers (ISBN, ASIN) many per request, then exact titles many per request, \
                then one search per item still unresolved — and fetches the books' details, many per \
                request. Requests are paced to Hardcover's 60 a minute; a lookup stays fresh for 30 days \
                unless the item's title, authors or identifiers change. The sync stops cleanly at \
                --max-hardcover-requests, or when today's quota falls to the reserve.

                An interrupted or stopped sync keeps what it stored; the next one goes on from there.

                Needs ABS_URL and ABS_TOKEN (or AUDIOBOOKSHELF_URL, AUDIOBOOKSHELF_API_KEY), and \
                HARDCOVER_TOKEN for Hardcover (https://hardcover.app/account/api), from the environment \
                or a .env file; a server's URL and its token must come from the same place. \
                `shelfmirror doctor` checks them.

                Examples:
                  shelfmirror sync
                  shelfmirror sync --library Audiobooks
                  shelfmirror sync --only hardcover --max-hardcover-requests 500
                  shelfmirror sync --full
                """)

        enum Source: String, ExpressibleByArgument, CaseIterable { case abs, hardcover }

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions

        @Option(help: ArgumentHelp("Only this library (name or id).", valueName: "name"))
        var library: String?

        @Option(help: "Only one source: abs or hardcover.")
        var only: Source?

        @Flag(help: "Fetch every item again, and look every item up on Hardcover again, however fresh.")
        var full = false

        @OptionGroup var hardcoverPacing: HardcoverPacingOptions

        @Option(help: ArgumentHelp("Days a Hardcover lookup stays fresh.", valueName: "days"))
        var refreshDays: Int = 30

        func validate() throws {
            if refreshDays < 0 { throw ValidationError("--refresh-days must be 0 or more.") }
            if only == .hardcover, library != nil {
                throw ValidationError("--library applies to AudiobookShelf; Hardcover lookups cover every item of the mirror.")
            }
        }

        func run() async throws {
            let settings = try Settings(flags: .init(database: global.db, absURL: server.absURL))
            // Both servers connected first: a setting refused for Hardcover stops the run before anything is sent.
            let abs = only == .hardcover ? nil : try Connections.audiobookshelfServer(settings)
            var hardcover: HardcoverServer?
            if only != .abs {
                if settings.hardcoverToken != nil || only == .hardcover { // no token: throws the missing-token error
                    hardcover = try Connections.hardcoverServer(settings, pacing: hardcoverPacing.pacing)
                }
            }
            if let abs {
                try await syncABS(abs, settings: settings)
            }
            guard only != .abs else { return }
            guard let hardcover else {
                Console.err("Hardcover skipped: HARDCOVER_TOKEN is not set (get a token at https://hardcover.app/account/api).")
                return
            }
            try await syncHardcover(hardcover, settings: settings)
        }

        private func syncABS(_ server: AudiobookShelfServer, settings: Settings) async throws {
            let mirror = try settings.openMirror()
            let bar = ProgressLine(label: "AudiobookShelf")
            var options = SyncOptions(library: library, full: full)
            options.redactor = settings.redactor
            let summary = try await ABSSync.run(mirror: mirror, server: server, options: options) { p in
                bar.update(done: p.listed, total: p.total, note: "\(p.library): \(p.fetched) fetched, \(p.requests) requests")
            }
            bar.finish()
            let c = summary.counts
            Console.err("Synced \(TerminalText.line(summary.libraries.joined(separator: ", "))) from AudiobookShelf \(TerminalText.line(summary.serverVersion)) in "
                + String(format: "%.2f", summary.seconds) + " s: \(c.listed) items listed, \(c.new) new, \(c.changed) changed, "
                + "\(c.fetched) fetched, \(c.removed) removed; " + Self.listening(summary.progress) + "; \(summary.requests) requests.")
            for (name, reason) in summary.skipped { Console.err("  skipped \(TerminalText.line(name)): \(TerminalText.line(reason))") }
        }

        private func syncHardcover(_ server: HardcoverServer, settings: Settings) async throws {
            let mirror = try settings.openMirror()
            var options = HardcoverSyncOptions(full: full)
            options.freshnessDays = refreshDays
            options.redactor = settings.redactor
            let bar = ProgressLine(label: "Hardcover")
            let summary = try await HardcoverSync.run(mirror: mirror, server: server, options: options) { p in
                let left = p.requestsLeft.map { ", \($0) left" } ?? ""
                bar.update(done: p.done, total: p.total, note: "\(p.phase.rawValue): \(p.requestsUsed) requests\(left)", eta: p.etaSeconds)
            }
            bar.finish()
            let r = summary.resolutions
            let found = [LookupResolution.asin, .isbn, .title, .search].compactMap { key in r[key].map { "\($0) by \(key.rawValue)" } }
            Console.err("Hardcover: \(summary.items) items, \(summary.lookedUp) looked up"
                + (found.isEmpty ? "" : " (" + found.joined(separator: ", ") + ")")
                + ", \(r[LookupResolution.none] ?? 0) not found, \(summary.booksFetched) books fetched; \(summary.requests) requests in "
                + String(format: "%.1f", summary.seconds) + " s"
                + (summary.dailyRemaining.map { "; \($0) left today" } ?? "") + ".")
            if let library = summary.library { Console.err(Self.library(library)) }
            for warning in summary.warnings { Console.err("warning: Hardcover \(TerminalText.line(warning))") }
            guard let stop = summary.stopped else { return }
            let resume = "\(summary.pending) items wait; `shelfmirror sync --only hardcover` goes on from here"
            switch stop {
            case .runLimit:
                Console.err("Stopped: \(HardcoverSync.describe(stop)). \(resume).")
            case .dailyReserve, .rateLimited:
                let resetIn: Int? = switch stop {
                case .dailyReserve(_, _, let seconds): seconds
                case .rateLimited(let seconds): seconds
                case .runLimit: nil
                }
                throw WorkflowError(summary: "Hardcover sync stopped: \(HardcoverSync.describe(stop))",
                                    hint: "\(resume)" + (resetIn.map { " after \(Self.when($0))" } ?? " tomorrow") + ".",
                                    kind: .rateLimited)
            }
        }

        /// "Hardcover library of user 1: 12 books, 15 reads, 1 row unreadable."
        static func library(_ l: HardcoverLibrarySyncCount) -> String {
            "Hardcover library of user \(l.userId): \(l.books) book\(l.books == 1 ? "" : "s"), \(l.reads) read\(l.reads == 1 ? "" : "s")"
                + (l.skipped > 0 ? ", \(l.skipped) row\(l.skipped == 1 ? "" : "s") unreadable" : "") + "."
        }

        /// "listening state of root: 12 books (5 finished), 1 entry unreadable".
        static func listening(_ p: ProgressSyncCount) -> String {
            "listening state of \(TerminalText.line(p.username)): \(p.stored) book\(p.stored == 1 ? "" : "s") (\(p.finished) finished)"
                + (p.skipped > 0 ? ", \(p.skipped) entr\(p.skipped == 1 ? "y" : "ies") unreadable" : "")
        }

        /// "14:05 UTC (in 3 h 12 min)".
        static func when(_ seconds: Int) -> String {
            let date = Date().addingTimeInterval(Double(seconds))
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "HH:mm 'UTC'"
            let h = seconds / 3600, m = (seconds % 3600 + 59) / 60
            return "\(formatter.string(from: date)) (in " + (h > 0 ? "\(h) h \(m) min" : "\(max(1, m)) min") + ")"
        }
    }
}
