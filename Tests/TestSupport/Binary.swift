import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a run of the built `shelfmirror` binary printed and returned.
public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// A child process started with posix_spawn. (Foundation's Process.run() crashed now and then
/// in memcpy while the tests ran in parallel; spawning directly avoids it.)
public final class Child: @unchecked Sendable {
    public enum Termination: Equatable { case exit, uncaughtSignal }

    public let processIdentifier: pid_t
    private let lock = NSLock()
    private var waitStatus: Int32?

    init(pid: pid_t) { processIdentifier = pid }

    public var isRunning: Bool {
        lock.withLock {
            guard waitStatus == nil else { return false }
            var status: Int32 = 0
            if waitpid(processIdentifier, &status, WNOHANG) == processIdentifier { waitStatus = status }
            return waitStatus == nil
        }
    }

    /// Waits for the child to end, off the cooperative pool (see `onOwnThread`).
    public func exit() async {
        await onOwnThread { self.waitUntilExit() }
    }

    /// Sends `signal` (`times` times) as soon as `condition` holds, checking every millisecond on
    /// a thread of its own: on the cooperative pool, which the whole suite keeps busy, a check
    /// or the signal after it can come seconds late, after the child has finished. Returns
    /// whether the signal reached the running child; false if it ended first, or the condition
    /// did not hold within `limit`.
    public func signal(_ signal: Int32, times: Int = 1, within limit: TimeInterval = 60,
                       when condition: @escaping @Sendable () -> Bool) async -> Bool {
        await onOwnThread {
            let deadline = Date().addingTimeInterval(limit)
            while self.isRunning, !condition(), Date() < deadline { usleep(1000) }
            let sent = self.isRunning && Date() < deadline
            if sent { for _ in 0..<times { kill(self.processIdentifier, signal) } }
            return sent
        }
    }

    func waitUntilExit() {
        lock.withLock {
            guard waitStatus == nil else { return }
            var status: Int32 = 0
            while waitpid(processIdentifier, &status, 0) < 0 && errno == EINTR {}
            waitStatus = status
        }
    }

    private var status: Int32 { waitUntilExit(); return lock.withLock { waitStatus ?? 0 } }
    private var signalled: Bool { (status & 0x7f) != 0 && (status & 0x7f) != 0x7f }

    public var terminationReason: Termination { signalled ? .uncaughtSignal : .exit }
    /// The exit status, or the signal number when killed.
    public var terminationStatus: Int32 { signalled ? status & 0x7f : (status >> 8) & 0xff }
}

public enum Binary {
    /// The `shelfmirror` executable built beside the test bundle.
    public static let url: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("shelfmirror")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return Fixtures.root.appendingPathComponent(".build/debug/shelfmirror")
    }()

    /// Starts the binary with standard input from /dev/null; the caller waits for it.
    /// Pipes are made close-on-exec and spawned under one lock, so no other child started by
    /// the tests inherits (and holds open) another's pipe.
    private static let spawnLock = NSLock()

    /// `workingDirectory`: where the child starts (where it looks for `.env`); the tests' own by default.
    public static func start(_ arguments: [String], environment: [String: String] = [:],
                             workingDirectory: String? = nil) throws -> (Child, FileHandle, FileHandle) {
        try spawnLock.withLock { try spawn(arguments, environment: environment, workingDirectory: workingDirectory) }
    }

    /// Runs another program (`make`, `systemd-analyze`), found on PATH, to the end, spawned and
    /// read like the binary (the same environment, without a developer's servers and tokens).
    public static func runProgram(_ program: String, _ arguments: [String], environment: [String: String] = [:],
                                  workingDirectory: String? = nil) async throws -> RunResult {
        let (child, out, err) = try spawnLock.withLock {
            try spawn(arguments, environment: environment, workingDirectory: workingDirectory, program: program)
        }
        return await finish(child, out, err)
    }

    /// `program`: another program than the binary, looked up on PATH by `env`.
    private static func spawn(_ arguments: [String], environment: [String: String],
                              workingDirectory: String?, program: String? = nil) throws -> (Child, FileHandle, FileHandle) {
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "SHELFMIRROR_DB")
        // A developer's own servers and tokens never reach a test run.
        for key in env.keys where key.hasPrefix("ABS_") || key.hasPrefix("AUDIOBOOKSHELF_") || key.hasPrefix("HARDCOVER_") {
            env.removeValue(forKey: key)
        }
        for (k, v) in environment { env[k] = v }

        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw POSIXError(.EMFILE) }
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // Another working folder through `env -C` (Swift's Glibc does not import
        // posix_spawn_file_actions_addchdir_np).
        let executable = program.map { ["/usr/bin/env", $0] } ?? [url.path]
        let command = workingDirectory.map { ["/usr/bin/env", "-C", $0] + executable } ?? executable

        let argv: [UnsafeMutablePointer<CChar>?] = (command + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard result == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL)
        }
        return (Child(pid: pid), FileHandle(fileDescriptor: outPipe[0], closeOnDealloc: true),
                FileHandle(fileDescriptor: errPipe[0], closeOnDealloc: true))
    }

    /// Runs the binary to the end, off the cooperative pool (see `onOwnThread`).
    public static func run(_ arguments: [String], environment: [String: String] = [:],
                           workingDirectory: String? = nil) async throws -> RunResult {
        let (child, out, err) = try start(arguments, environment: environment, workingDirectory: workingDirectory)
        return await finish(child, out, err)
    }

    /// Reads what a started child prints, to the end, and waits for it to exit, off the
    /// cooperative pool.
    public static func finish(_ child: Child, _ out: FileHandle, _ err: FileHandle) async -> RunResult {
        await onOwnThread {
            // Read both pipes to the end before waiting, so a full pipe cannot block the child.
            let errRead = DispatchGroup()
            nonisolated(unsafe) var errData = Data()
            errRead.enter()
            Thread.detachNewThread {
                errData = err.readDataToEndOfFile()
                errRead.leave()
            }
            let outData = out.readDataToEndOfFile()
            errRead.wait()
            child.waitUntilExit()
            return RunResult(status: child.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
        }
    }
}
