import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A fake Hardcover GraphQL API (Hasura behind Hardcover's gateway) on loopback, over a
/// `FakeHardcoverState`. One endpoint: POST /v1/graphql.
public final class FakeHardcoverServer: Sendable {
    public let state: FakeHardcoverState
    public let port: Int
    /// e.g. http://127.0.0.1:54321
    public let baseURL: URL
    private let task: Task<Void, any Error>

    /// baseURL + /v1/graphql.
    public var graphqlURL: URL { baseURL.appendingPathComponent("v1").appendingPathComponent("graphql") }

    private init(state: FakeHardcoverState, port: Int, host: String, task: Task<Void, any Error>) {
        self.state = state
        self.port = port
        self.baseURL = URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)")!
        self.task = task
    }

    /// Starts listening (port 0: an ephemeral port) and returns once the server accepts connections.
    public static func start(state: FakeHardcoverState, host: String = "127.0.0.1", port: Int = 0) async throws -> FakeHardcoverServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "shelfmirror.fake-hardcover")
        logger.logLevel = .critical
        let app = Application(
            responder: FakeHardcoverResponder(state: state),
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
        return FakeHardcoverServer(state: state, port: bound, host: host, task: task)
    }

    /// Stops listening and closes open connections.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    deinit { task.cancel() }
}

struct FakeHardcoverResponder: HTTPResponder {
    let state: FakeHardcoverState

    func respond(to request: Request, context: FakeABSContext) async throws -> Response {
        var bytes: [UInt8]? = nil
        do {
            var buffer = try await request.body.collect(upTo: HCCall.bodyLimit + 1)
            bytes = buffer.readBytes(length: buffer.readableBytes)
        } catch {
            bytes = nil
        }
        // Parsing needs no state: it happens here, concurrently with other requests.
        let call = HCCall(method: request.method.rawValue, path: request.uri.path,
                          authorization: request.headers[.authorization], body: bytes)
        let fault = await state.takeFault()
        if case .latency(let milliseconds)? = fault { try? await Task.sleep(for: .milliseconds(milliseconds)) }
        switch await state.admit(call, fault: fault) {
        case .answer(let reply):
            return response(reply)
        case .drop:
            if let provider = context.channel as? any SocketOptionProvider {
                _ = try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            }
            try? await context.channel.close()
            throw ConnectionDropped()
        case .run(let job):
            let (reply, record) = job.run(catalog: state.catalog, limits: state.limits)
            await state.finish(record)
            return response(reply)
        }
    }

    private func response(_ reply: FakeReply) -> Response {
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: HTTPResponse.Status(code: reply.status), headers: headers,
                        body: .init(byteBuffer: reply.body))
    }
}
