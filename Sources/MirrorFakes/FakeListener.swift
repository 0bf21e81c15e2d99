import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a Hummingbird responder on loopback for a fake server: binds (port 0: an ephemeral
/// port), and returns once it accepts connections, with the port and a handle to stop it.
public enum FakeListener {
    /// How long a stop waits for the requests under way. In the test suite on two cores a
    /// graceful stop has taken several seconds (Hummingbird starts it from a task that waits for
    /// a thread of the busy cooperative pool), and the cut-off cancels, which is what the
    /// graceful stop avoids.
    public static let stopLimit: Duration = .seconds(10)

    /// A running fake server.
    struct Running: Sendable {
        let port: Int
        private let group: ServiceGroup
        private let task: Task<Void, any Error>

        init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
            self.port = port
            self.group = group
            self.task = task
        }

        /// Stops gracefully: stops accepting, answers the requests under way, closes idle
        /// connections. (Cancelling instead drops connections accepted but not yet served, and
        /// NIO traps on those.) A request still unanswered after `limit` is cut off.
        func stop(limit: Duration) async {
            let (task, group) = (self.task, self.group)
            let cutOff = Task {
                try await Task.sleep(for: limit)
                task.cancel()
            }
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            cutOff.cancel()
        }

        /// For a server dropped without `stop()`.
        func cancel() { task.cancel() }
    }

    static func start<Responder: HTTPResponder>(_ responder: Responder, host: String, port: Int, label: String)
        async throws -> Running where Responder.Context == FakeABSContext {
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
        return Running(port: bound, group: group, task: task)
    }

    /// http://host:port, with brackets around an IPv6 host.
    static func baseURL(host: String, port: Int) -> URL {
        URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)")!
    }
}
