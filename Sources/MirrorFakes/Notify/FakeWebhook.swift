import Foundation
import Hummingbird
import NIOCore

/// A webhook receiver on loopback (what ntfy, Apprise or a home-automation hook are to `run
/// --notify`): it keeps every request it is sent and answers with the status it is told to.
public actor FakeWebhookState {
    public struct Received: Sendable, Equatable {
        public var method: String
        public var path: String
        /// Header names lower-cased.
        public var headers: [String: String]
        public var body: Data

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    private var log: [Received] = []
    private var status: Int

    public init(status: Int = 200) {
        self.status = status
    }

    public func received() -> [Received] { log }

    /// What the next requests are answered with.
    public func answer(_ status: Int) { self.status = status }

    fileprivate func record(_ r: Received) -> Int {
        log.append(r)
        return status
    }
}

public typealias FakeWebhookServer = FakeServer<FakeWebhookState>

extension FakeServer where State == FakeWebhookState {
    public static func start(state: FakeWebhookState, host: String = "127.0.0.1", port: Int = 0) async throws -> FakeWebhookServer {
        try await launch(state: state, responder: FakeWebhookResponder(state: state), host: host, port: port, label: "shelfmirror.fake-webhook")
    }
}

struct FakeWebhookResponder: HTTPResponder {
    let state: FakeWebhookState

    func respond(to request: Request, context: FakeRequestContext) async throws -> Response {
        var buffer = try await request.body.collect(upTo: 1 << 20)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let status = await state.record(.init(method: request.method.rawValue, path: request.uri.path, headers: headers, body: Data(bytes)))
        return Response(status: .init(code: status), headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: status < 300 ? "{\"ok\":true}" : "{\"error\":\"refused\"}")))
    }
}
