import ArgumentParser
import Foundation
import MirrorCore
import MirrorWeb
import MirrorWorkflows

extension ShelfMirror {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Browse, search and review the mirror in your browser (a local web page).",
            discussion: """
                The library (search as you type), each item with its tags, match and candidates, \
                the review queue (accept, reject, edit a value, another book — keys j/k, a, r, e), \
                the gaps, the push history, and a push preview with push and undo behind a \
                confirmation. Decisions are stored at once, as `accept` and `reject` store them; \
                a page that is out of date is told so and changes nothing.

                The first line printed is the address. It listens on 127.0.0.1 only unless --host \
                says otherwise; every change needs the token the pages hold, so no other site can \
                decide anything. Nothing is loaded from the internet (covers from your \
                AudiobookShelf server only when you ask). Ctrl-C stops it.

                Examples:
                  shelfmirror serve                    # http://127.0.0.1:8484/
                  shelfmirror serve --open             # and open it in the browser
                  shelfmirror serve --port 0           # any free port
                  shelfmirror serve --host 0.0.0.0     # reachable from your network (warned)
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions

        @Option(help: ArgumentHelp("The port to listen on (0: any free port).", valueName: "n"))
        var port: Int = 8484

        @Option(help: ArgumentHelp("The address to listen on; anything but loopback exposes your mirror to the network.", valueName: "address"))
        var host: String = "127.0.0.1"

        @Flag(help: "Open the address in the browser (xdg-open, or open on macOS).")
        var open = false

        @Flag(help: "Show covers on the item pages without asking (your browser loads them from the AudiobookShelf server).")
        var covers = false

        func validate() throws {
            if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
        }

        func run() async throws {
            let settings = try Settings(flags: .init(database: global.db, absURL: server.absURL))
            let options = WebOptions(host: host, port: port, covers: covers)
            let web = try await WebServer.start(settings: settings, options: options, stopOnSignals: true)
            Console.out(web.url.absoluteString)
            if !options.isLoopback {
                Console.err("warning: listening on \(host)\(options.isWildcard ? " (every address of this machine)" : ""): anyone who can reach it "
                    + "can read your mirror's pages, at this machine's address and port \(web.url.port ?? port). Changes still need the token the pages hold.")
            }
            Console.err("Serving \(settings.database.value) at \(web.url.absoluteString) — Ctrl-C stops.")
            if open { Self.openInBrowser(web.url) }
            try await web.wait()
        }

        static func openInBrowser(_ url: URL) {
            let process = Process()
            #if os(macOS)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/open")
            process.arguments = [url.absoluteString]
            #else
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["xdg-open", url.absoluteString]
            #endif
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            do {
                try process.run()
            } catch {
                Console.err("Could not open a browser (\(error.localizedDescription)); open \(url.absoluteString) yourself.")
            }
        }
    }
}
