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
                runs sync, scan, match, diff, accept, push and undo, printing each step, and checks on the \
                sample server that the push arrived and that the undo took it back. Then the other \
                direction: the sample listener's progress (finished, in progress, a re-listen) goes to \
                the sample Hardcover reader's library on the audiobook editions, a Did Not Finish and \
                progress further on Hardcover are kept, a second sync and diff propose nothing, gaps \
                lists the book Hardcover has no audiobook edition of, and the push is undone. At the \
                end everything is removed (on failure and Ctrl-C too). Needs no network and no \
                settings; your own mirror and configuration are not touched.

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
                _ = interrupt.finish()
                throw error
            }
            let demo = DemoRun(workspace: workspace, terminal: .current)
            let work = Task { try await demo.run() }
            interrupt.onInterrupt { work.cancel() }
            var failure: Error? = nil
            do {
                try await work.value
            } catch {
                failure = error
            }
            // The folder is removed only now that the demo's task has ended and the mirror is
            // closed: nothing writes into it any more, so a file written late cannot bring it back.
            demo.closeMirror()
            if let signal = interrupt.finish() {
                // The sample servers end with the process: stopping them would wait for
                // answers that the cancelled demo no longer wants.
                workspace.finish()
                Console.err("\nInterrupted" + (workspace.removable.map { "; removed \($0.path)." } ?? "."))
                throw ExitCode(128 + signal)
            }
            await demo.stopServers()
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

/// Ctrl-C (or SIGTERM) while the demo runs: the demo is cancelled, and `Demo.run` removes the
/// folder once the demo has stopped writing, then exits as interrupted. Should the demo not stop
/// within `grace`, or should a second signal come, the handler removes the folder itself and
/// exits. The servers live in this process and end with it.
final class InterruptCleanup: @unchecked Sendable {
    private let folder: URL?
    private let grace: DispatchTimeInterval
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    private var signalReceived: Int32?
    private var finished = false
    private var cancelWork: (@Sendable () -> Void)?

    init(removing folder: URL?, grace: DispatchTimeInterval = .seconds(5)) {
        self.folder = folder
        self.grace = grace
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.handle(number) }
            source.resume()
            return source
        }
    }

    /// What to call on the first signal: cancel the demo's work.
    func onInterrupt(_ cancel: @escaping @Sendable () -> Void) {
        let already = lock.withLock { () -> Bool in
            cancelWork = cancel
            return signalReceived != nil
        }
        if already { cancel() }
    }

    /// Called once the demo has stopped: the signal received, if any. Later signals are ignored:
    /// what is left (removing the folder, the closing lines) takes a moment and must not be cut.
    /// Never returns when the handler has begun removing the folder itself: it ends the process.
    func finish() -> Int32? {
        let (mine, received) = lock.withLock { () -> (Bool, Int32?) in
            if finished { return (false, signalReceived) }
            finished = true
            return (true, signalReceived)
        }
        if !mine {
            while true { sleep(60) }
        }
        return received
    }

    private func handle(_ number: Int32) {
        let (first, done, cancel) = lock.withLock { () -> (Bool, Bool, (@Sendable () -> Void)?) in
            let first = signalReceived == nil
            if first { signalReceived = number }
            return (first, finished, cancelWork)
        }
        if done { return }
        guard first else { return removeAndExit(number) }
        cancel?()
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in removeAndExit(number) }
    }

    /// The demo did not stop in time, or the user asked twice: remove the folder while the demo
    /// may still be writing into it, and exit.
    private func removeAndExit(_ number: Int32) {
        let mine = lock.withLock { () -> Bool in
            if finished { return false }
            finished = true
            return true
        }
        guard mine else { return }
        if let folder {
            Self.remove(folder)
            Console.err("\nInterrupted; removed \(folder.path).")
        } else {
            Console.err("\nInterrupted.")
        }
        exit(128 + number)
    }

    /// Removes `folder` while something may still be writing into it (and making missing
    /// folders on the way): the folder is moved aside and its name held by an empty file, so
    /// that nothing can make it again, then both are removed.
    static func remove(_ folder: URL) {
        let path = folder.path
        let parent = folder.deletingLastPathComponent()
        var aside: [URL] = []
        var holder: Int32 = -1
        for attempt in 0..<50 {
            let tomb = parent.appendingPathComponent(".\(folder.lastPathComponent).removing-\(attempt)")
            if rename(path, tomb.path) == 0 { aside.append(tomb) }
            holder = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if holder >= 0 || errno != EEXIST { break }  // made again in between: move it aside too
        }
        for tomb in aside {
            // Files made after the listing fail a removal with "not empty": try again.
            for _ in 0..<50 where (try? FileManager.default.removeItem(at: tomb)) == nil {
                if !FileManager.default.fileExists(atPath: tomb.path) { break }
            }
        }
        if holder >= 0 {
            close(holder)
            unlink(path)
        }
    }
}
