import ArgumentParser
import Foundation
import MirrorFakes

extension ShelfMirror {
    /// Runs the built-in fake AudiobookShelf (and Hardcover), for benchmarks and trying shelfmirror without a server.
    struct FakeABS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fake-abs",
            abstract: "Run a fake AudiobookShelf server with a generated library (for trying and benchmarks).",
            discussion: """
                Serves a deterministic library of realistic books on 127.0.0.1 until stopped (Ctrl-C). \
                It prints the address and an admin token to use as ABS_URL and ABS_TOKEN. With \
                --hardcover it also serves a fake Hardcover GraphQL API whose catalog holds the books \
                of the library (70% findable by identifier, 20% by exact title, 10% only by search) and \
                decoys, and prints HARDCOVER_URL and HARDCOVER_TOKEN.

                Example:
                  shelfmirror fake-abs --items 2000 --port 13378 --hardcover > servers.env &
                  set -a; . ./servers.env; set +a; shelfmirror sync
                """,
            shouldDisplay: false)

        enum Limits: String, ExpressibleByArgument, CaseIterable { case free, supporter, unlimited }

        @Option(help: "Books in the library.")
        var items: Int = 500

        @Option(help: "Port to listen on (0: any free port).")
        var port: Int = 13378

        @Option(help: "Seed of the generated library.")
        var seed: UInt64 = 1

        @Flag(help: "Also serve a fake Hardcover for the library (on another free port).")
        var hardcover = false

        @Option(help: "The fake Hardcover's quotas: free (60/min, burst 10, 5,000/day), supporter, or unlimited.")
        var hardcoverLimits: Limits = .free

        @Option(help: "Unrelated books in the fake Hardcover's catalog.")
        var hardcoverExtraBooks: Int = 200

        // Hidden, for the benchmarks (bench/listening_bench.py):

        /// The share of the books the admin user has listened to, 0–1 (by default about 3/8:
        /// `FakeABSListenedShare.standard`), finished and in progress in the default's proportion;
        /// 1 gives every book listening state.
        @Option(help: .hidden)
        var listened: Double?

        /// With --hardcover: the fake Hardcover user of HARDCOVER_TOKEN starts with this many books
        /// in their library: the first books of the catalog by id (mostly the library's own books,
        /// in the library's order, traps between them), each "Want to Read", not owned, no reads.
        @Option(help: .hidden)
        var hardcoverLibrary: Int = 0

        /// With --hardcover: appends one JSON line per request the fake Hardcover answers to this
        /// file, as it answers it (`FakeHardcoverRequestRecord.jsonLine`: status, cost counted
        /// against the quotas, top-level fields, operation name, why it was refused).
        @Option(help: .hidden)
        var hardcoverLog: String?

        func validate() throws {
            if items < 0 { throw ValidationError("--items must be 0 or more.") }
            if let listened, !(0...1).contains(listened) { throw ValidationError("--listened must be between 0 and 1.") }
            if hardcoverLibrary < 0 { throw ValidationError("--hardcover-library must be 0 or more.") }
            if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
            if hardcoverExtraBooks < 0 { throw ValidationError("--hardcover-extra-books must be 0 or more.") }
        }

        func run() async throws {
            let state = FakeABSState.generated(items: items, seed: seed, listened: listened.map(FakeABSListenedShare.scaled) ?? .standard)
            let server = try await FakeABSServer.start(state: state, port: port)
            var hardcoverServer: FakeHardcoverServer? = nil
            if hardcover {
                let books = Set(await state.allLibraries().filter { $0.mediaType == "book" }.map(\.id))
                let derived = FakeHardcoverCatalog.derived(from: await state.allItems().filter { books.contains($0.libraryId) },
                                                           extraBooks: hardcoverExtraBooks, seed: seed)
                let limits: FakeHardcoverLimits = switch hardcoverLimits {
                case .free: .free
                case .supporter: .supporter
                case .unlimited: .unlimited
                }
                let hardcoverState = FakeHardcoverState(catalog: derived.catalog, limits: limits)
                await hardcoverState.seedWantToRead(firstBooks: hardcoverLibrary)
                if let hardcoverLog { try await Self.log(hardcoverState, to: hardcoverLog) }
                hardcoverServer = try await FakeHardcoverServer.start(state: hardcoverState)
            }
            Console.out("ABS_URL=\(server.baseURL.absoluteString)")
            Console.out("ABS_TOKEN=\(FakeABSState.adminToken)")
            if let hardcoverServer {
                Console.out("HARDCOVER_URL=\(hardcoverServer.graphqlURL.absoluteString)")
                Console.out("HARDCOVER_TOKEN=\(FakeHardcoverState.validToken)")
            }
            Console.err("Fake AudiobookShelf with \(items) books listening" + (hardcover ? ", and a fake Hardcover" : "") + "; Ctrl-C stops it.")
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
            await hardcoverServer?.stop()
            await server.stop()
        }

        /// Appends every answered request to `path` as a JSON line (see `hardcoverLog`).
        static func log(_ state: FakeHardcoverState, to path: String) async throws {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let file = FileHandle(forWritingAtPath: path) else {
                throw ValidationError("--hardcover-log: cannot write \(path).")
            }
            await state.observeRequests { record in file.write(Data((record.jsonLine + "\n").utf8)) }
        }
    }
}
