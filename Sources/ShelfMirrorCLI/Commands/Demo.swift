import ArgumentParser
import Foundation
import MirrorFakes
import MirrorWorkflows

extension ShelfMirror {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Run the whole pipeline on a built-in sample library, offline, and leave nothing behind.",
            discussion: """
                Starts a sample AudiobookShelf and a sample Hardcover (the built-in fake servers, in \
                this process, on 127.0.0.1) with a library of \(DemoLibrary.defaultCount) books carrying \
                the mistakes real libraries have — missing narrators, wrong series numbers, typos in \
                titles and authors, no ASIN, the print edition's ISBN, no publisher, language or year — \
                and writes the books' audio files (small tagged MP3s). Then, in a temporary mirror, it \
                runs sync, scan, match, diff, accept, push and undo, printing each step, checks on the \
                sample server that the push arrived and that the undo took it back, and removes \
                everything (on failure and Ctrl-C too). Needs no network and no settings; your own \
                mirror and configuration are not touched.

                Examples:
                  shelfmirror demo
                  shelfmirror demo --keep ./demo      # keep the mirror and the audio files
                  shelfmirror --db ./demo/mirror.sqlite diff --status all
                """)

        @Option(help: ArgumentHelp("Keep the mirror and the sample audio files in this folder (new or empty) instead of removing them.",
                                   valueName: "dir"))
        var keep: String?

        func validate() throws {
            if let keep {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: keep, isDirectory: &isFolder) {
                    guard isFolder.boolValue else { throw ValidationError("--keep \(keep): not a folder.") }
                    let entries = (try? FileManager.default.contentsOfDirectory(atPath: keep)) ?? []
                    if !entries.isEmpty {
                        throw ValidationError("--keep \(keep): the folder is not empty; give a new or empty folder, so that nothing of yours is overwritten.")
                    }
                }
            }
        }

        func run() async throws {
            let workspace = DemoWorkspace(keep: keep)
            // Watch for Ctrl-C before the folder exists, so that it can never be left behind.
            let interrupt = InterruptCleanup(removing: workspace.removable)
            do {
                try workspace.create()
            } catch {
                interrupt.cancel()
                throw error
            }
            let demo = DemoRun(workspace: workspace, terminal: .current)
            var failure: Error? = nil
            do {
                try await demo.run()
            } catch {
                failure = error
            }
            await demo.stopServers()
            demo.closeMirror()
            interrupt.cancel()
            workspace.finish()
            demo.printClosing(failed: failure != nil)
            if let failure { throw failure }
        }
    }
}

/// Where the demo works: a new folder under the temporary directory, removed at the end, or the
/// folder given with --keep, kept.
struct DemoWorkspace: Sendable {
    let root: URL
    let kept: Bool

    var library: String { root.appendingPathComponent("library").path }
    var mirror: String { root.appendingPathComponent("mirror.sqlite").path }
    /// The folder to remove at the end or on Ctrl-C; nil when it is kept.
    var removable: URL? { kept ? nil : root }

    init(keep: String?) {
        if let keep {
            root = URL(fileURLWithPath: keep).standardizedFileURL
            kept = true
        } else {
            root = FileManager.default.temporaryDirectory
                .appendingPathComponent("shelfmirror-demo-" + UUID().uuidString.prefix(8).lowercased(), isDirectory: true)
            kept = false
        }
    }

    func create() throws {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw WorkflowError(summary: "cannot create the demo's folder \(root.path): \(error.localizedDescription)",
                                hint: kept ? "Give a folder you can write to." : "Set TMPDIR to a folder you can write to.", kind: .io)
        }
    }

    /// Removes the folder unless it is kept.
    func finish() {
        guard let removable else { return }
        try? FileManager.default.removeItem(at: removable)
    }
}

/// On Ctrl-C (or SIGTERM) while the demo runs: remove its folder, then exit as interrupted.
/// The servers live in this process and end with it.
final class InterruptCleanup {
    private let sources: [any DispatchSourceSignal]

    init(removing folder: URL?) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if let folder {
                    // The demo goes on writing while this runs, so a removal can meet a file made
                    // after it listed the folder ("not empty"): try again until nothing is left.
                    for _ in 0..<50 {
                        if (try? FileManager.default.removeItem(at: folder)) != nil { break }
                        if !FileManager.default.fileExists(atPath: folder.path) { break }
                    }
                    Console.err("\nInterrupted; removed \(folder.path).")
                } else {
                    Console.err("\nInterrupted.")
                }
                exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
