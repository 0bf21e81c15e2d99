import Foundation
import Hummingbird
import Logging
import NIOCore

/// Runs a Hummingbird responder on loopback for a fake server: binds (port 0: an ephemeral
/// port), and returns once it accepts connections, with the port and the task that serves.
enum FakeListener {
    static func start<Responder: HTTPResponder>(_ responder: Responder, host: String, port: Int, label: String)
        async throws -> (port: Int, task: Task<Void, any Error>) where Responder.Context == FakeABSContext {
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
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            try await task.value // rethrows the bind error
            throw FakeServerError.didNotStart
        }
        return (bound, task)
    }

    /// http://host:port, with brackets around an IPv6 host.
    static func baseURL(host: String, port: Int) -> URL {
        URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)")!
    }
}
