import ArgumentParser
import Foundation
import MirrorFakes

extension ShelfMirror {
    /// Runs the built-in fake AudiobookShelf, for benchmarks and trying shelfmirror without a server.
    struct FakeABS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fake-abs",
            abstract: "Run a fake AudiobookShelf server with a generated library (for trying and benchmarks).",
            discussion: """
                Serves a deterministic library of realistic books on 127.0.0.1 until stopped (Ctrl-C). \
                It prints the address and an admin token to use as ABS_URL and ABS_TOKEN.

                Example:
                  shelfmirror fake-abs --items 2000 --port 13378 &
                  ABS_URL=http://127.0.0.1:13378 ABS_TOKEN=<printed token> shelfmirror sync
                """,
            shouldDisplay: false)

        @Option(help: "Books in the library.")
        var items: Int = 500

        @Option(help: "Port to listen on (0: any free port).")
        var port: Int = 13378

        @Option(help: "Seed of the generated library.")
        var seed: UInt64 = 1

        func validate() throws {
            if items < 0 { throw ValidationError("--items must be 0 or more.") }
            if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
        }

        func run() async throws {
            let state = FakeABSState.generated(items: items, seed: seed)
            let server = try await FakeABSServer.start(state: state, port: port)
            Console.out("ABS_URL=\(server.baseURL.absoluteString)")
            Console.out("ABS_TOKEN=\(FakeABSState.adminToken)")
            Console.err("Fake AudiobookShelf with \(items) books listening; Ctrl-C stops it.")
            let (stop, continuation) = AsyncStream<Void>.makeStream()
            let sources = [SIGINT, SIGTERM].map { sig in
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
                source.setEventHandler { continuation.finish() }
                source.resume()
                return source
            }
            for await _ in stop {}
            sources.forEach { $0.cancel() }
            await server.stop()
        }
    }
}
