import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A fake AudiobookShelf 2.36 server on loopback, over a `FakeABSState`. Its baseURL has no
/// /audiobookshelf prefix.
public typealias FakeABSServer = FakeServer<FakeABSState>

extension FakeServer where State == FakeABSState {
    /// Starts listening (port 0: an ephemeral port) and returns once the server accepts connections.
    public static func start(state: FakeABSState, host: String = "127.0.0.1", port: Int = 0) async throws -> FakeABSServer {
        try await launch(state: state, responder: FakeABSResponder(state: state), host: host, port: port, label: "shelfmirror.fake-abs")
    }
}

struct FakeABSResponder: HTTPResponder {
    let state: FakeABSState

    func respond(to request: Request, context: FakeRequestContext) async throws -> Response {
        var bytes: [UInt8]? = nil
        let body = request.body
        do {
            var buffer = try await body.collect(upTo: FakeCall.bodyLimit + 1)
            bytes = buffer.readBytes(length: buffer.readableBytes)
        } catch {
            bytes = [UInt8](repeating: 0, count: FakeCall.bodyLimit + 1)
        }
        let call = FakeCall(method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                            authorization: request.headers[.authorization], contentType: request.headers[.contentType],
                            body: bytes)

        var fault: FakeFault? = nil
        switch await state.admit(call) {
        case .proceed:
            break
        case .down:
            try await context.drop(reset: false)
        case .fault(let f):
            fault = f
            switch f {
            case .latency(let milliseconds):
                // A server stopped while it holds the request drops it, unanswered.
                let slept: Void? = try? await Task.sleep(for: .milliseconds(milliseconds))
                await state.release(call)
                if slept == nil { try await context.drop(reset: false) }
            case .connectionReset:
                try await context.drop(reset: true)
            case .truncatedBody:
                break
            case .status, .malformedJSON, .emptyBody:
                if let reply = f.reply { return response(reply, context: context) }
            }
        }
        let reply = await state.handle(call, fault: fault)
        if case .close(let reset) = reply.action { try await context.drop(reset: reset) }
        return response(reply, context: context)
    }

    private func response(_ reply: FakeReply, context: FakeRequestContext) -> Response {
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        let status = HTTPResponse.Status(code: reply.status)
        guard reply.action == .truncate else {
            return Response(status: status, headers: headers, body: .init(byteBuffer: reply.body))
        }
        // Declare the whole length, send half, close.
        var half = reply.body
        let sent = half.readSlice(length: reply.body.readableBytes / 2) ?? ByteBuffer()
        let channel = context.channel
        headers[.contentLength] = String(reply.body.readableBytes)
        return Response(status: status, headers: headers, body: ResponseBody { writer in
            try await writer.write(sent)
            try? await channel.close()
            throw ConnectionDropped()
        })
    }

}
