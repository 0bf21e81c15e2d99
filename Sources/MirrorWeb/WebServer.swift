import Foundation
import Hummingbird
import Logging
import MirrorCore
import MirrorWorkflows
import NIOCore
import ServiceLifecycle

/// `serve`: the mirror in a browser. `start` binds and returns once the server accepts
/// connections (tests, `--port 0`); `run` serves until SIGINT or SIGTERM.
public final class WebServer: Sendable {
    /// e.g. http://127.0.0.1:8484/
    public let url: URL
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(url: URL, group: ServiceGroup, task: Task<Void, any Error>) {
        self.url = url
        self.group = group
        self.task = task
    }

    /// Opens the mirror the settings name (read-only: it must exist) and listens. A bind error
    /// (the port taken) is thrown as a `WebError`.
    public static func start(settings: Settings, options: WebOptions, stopOnSignals: Bool = false) async throws -> WebServer {
        let site = try WebSite(settings: settings, options: options)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestGuard(site: site))
        WebPages.register(on: router, site: site)
        WebActions.register(on: router, site: site)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "shelfmirror.serve")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? options.port)
                continuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: stopOnSignals ? [.sigterm, .sigint] : [],
                                                      logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            do {
                try await task.value
            } catch {
                let text = String(describing: error)
                let reason = text.contains("Address already in use") ? "another program listens there" : text
                throw WebError.cannotListen(host: options.host, port: options.port, reason: reason)
            }
            throw WebError.cannotListen(host: options.host, port: options.port, reason: "the server stopped before it listened")
        }
        // Every address: the address on this machine is loopback's.
        let name = options.isWildcard ? "127.0.0.1" : options.host
        let host = name.contains(":") ? "[\(name)]" : name
        return WebServer(url: URL(string: "http://\(host):\(bound)/")!, group: group, task: task)
    }

    /// Waits until the server stops (a signal, when started with `stopOnSignals`, or `stop()`).
    public func wait() async throws {
        try await task.value
    }

    /// Stops gracefully: answers the requests under way, then closes.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    deinit { task.cancel() }
}

/// Why `serve` could not start.
public enum WebError: UserFacingError, Equatable {
    case cannotListen(host: String, port: Int, reason: String)

    public var kind: FailureKind { .unavailable }
    public var summary: String {
        switch self {
        case .cannotListen(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
        }
    }
    public var hint: String? { "Another program may use the port: choose another with --port N (0: any free port)." }
}
