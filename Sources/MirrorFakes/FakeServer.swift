import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A fake server on loopback over its state: `FakeABSServer` (`FakeServer<FakeABSState>`) and
/// `FakeHardcoverServer` (`FakeServer<FakeHardcoverState>`). `start` binds (port 0: an ephemeral
/// port) and returns once the server accepts connections; `stop()` stops it gracefully. Tests
/// start one with `withFakeABS { }` / `withFakeHardcover { }` (TestSupport), which await the stop.
public final class FakeServer<State: Sendable>: Sendable {
    public let state: State
    public let port: Int
    /// e.g. http://127.0.0.1:54321
    public let baseURL: URL
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(state: State, host: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.state = state
        self.port = port
        self.baseURL = URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)")!
        self.group = group
        self.task = task
    }

    /// Runs `responder` on `host:port` over `state`, returning once it listens. A bind error is
    /// thrown.
    static func launch<Responder: HTTPResponder>(state: State, responder: Responder, host: String, port: Int, label: String)
        async throws -> FakeServer where Responder.Context == FakeRequestContext {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            try await task.value // rethrows the bind error
            throw FakeServerError.didNotStart
        }
        return FakeServer(state: state, host: host, port: bound, group: group, task: task)
    }

    /// Stops gracefully: stops accepting, answers the requests under way, closes idle
    /// connections. (Cancelling instead drops connections accepted but not yet served, and NIO
    /// traps on those.) A request still unanswered after `limit` (one a latency fault holds) is
    /// cut off. The default limit is long: in the test suite on two cores a graceful stop has
    /// taken several seconds (Hummingbird starts it from a task that waits for a thread of the
    /// busy cooperative pool), and the cut-off cancels, which is what the graceful stop avoids.
    public func stop(limit: Duration = .seconds(10)) async {
        let (task, group) = (self.task, self.group)
        let cutOff = Task {
            try await Task.sleep(for: limit)
            task.cancel()
        }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        cutOff.cancel()
    }

    /// A server dropped without `stop()` is cancelled.
    deinit { task.cancel() }
}

public struct FakeServerError: Error, CustomStringConvertible, Equatable {
    public let description: String
    static let didNotStart = FakeServerError(description: "the fake server stopped before it listened")
}

/// Hummingbird's request context for both fakes, keeping the connection so that faults can close it.
struct FakeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Closes the connection without a response; with `reset`, an RST rather than a FIN.
    func drop(reset: Bool) async throws -> Never {
        if reset, let provider = channel as? any SocketOptionProvider {
            _ = try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
        throw ConnectionDropped()
    }
}

/// Thrown after closing a connection on purpose, so that nothing more is written to it.
struct ConnectionDropped: Error {}
