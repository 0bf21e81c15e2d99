import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A fake Hardcover GraphQL API (Hasura behind Hardcover's gateway) on loopback, over a
/// `FakeHardcoverState`. One endpoint: POST /v1/graphql with {"query","variables"[,"operationName"]}.
///
/// In the order it checks them:
/// - an injected fault (`FakeHardcoverState.inject`);
/// - any other method or path: 404 {"path":"$","error":"resource does not exist","code":"not-found"};
/// - `Authorization: Bearer <token>` (scheme in any case): missing, unknown or expired, 401
///   {"error":"invalid_token","error_description":...}; a raw token: "Malformed Authorization header";
/// - a body that is not a JSON object with a string `query`: 400 {"error":"Malformed request body"};
///   a query that does not parse: 400 {"error":"invalid_query","error_description":"Syntax Error ..."}
///   (Hardcover's gateway answer, rather than Hasura's in-band parse error);
/// - quotas: 429 {"error":"Too Many Requests"} with Retry-After (FakeHardcoverLimits);
/// - a mutation with a token that cannot write: 403 {"error":"insufficient_scope","error_description","scope":"write:library"};
/// - Hardcover's rules: 403 {"errors":["top_level_limit_exceeded"|"operator_not_allowed"|"max_depth_exceeded", "..."]}
///   (see HCRules);
/// - Hasura's validation, in band with HTTP 200: {"errors":[{"message","extensions":{"path","code"}}]};
/// - the answer: {"data":{...}}, keys in selection order; a mutation's fields applied one after the
///   other, not in a transaction (HCMutations.swift).
/// Every answer carries RateLimit-Policy, RateLimit and X-RateLimit-* headers.
///
/// Lists (top-level and nested) return at most 100 rows whatever their `limit`, as a Hasura
/// role's row limit does; without order_by they come in id order.
public typealias FakeHardcoverServer = FakeServer<FakeHardcoverState>

extension FakeServer where State == FakeHardcoverState {
    /// baseURL + /v1/graphql.
    public var graphqlURL: URL { baseURL.appendingPathComponent("v1").appendingPathComponent("graphql") }

    /// Starts listening (port 0: an ephemeral port) and returns once the server accepts connections.
    public static func start(state: FakeHardcoverState, host: String = "127.0.0.1", port: Int = 0) async throws -> FakeHardcoverServer {
        try await launch(state: state, responder: FakeHardcoverResponder(state: state), host: host, port: port,
                         label: "shelfmirror.fake-hardcover")
    }
}

struct FakeHardcoverResponder: HTTPResponder {
    let state: FakeHardcoverState

    func respond(to request: Request, context: FakeRequestContext) async throws -> Response {
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
        if case .latency(let milliseconds)? = fault, (try? await Task.sleep(for: .milliseconds(milliseconds))) == nil {
            // A server stopped while it holds the request drops it, unanswered.
            try await context.drop(reset: false)
        }
        switch await state.admit(call, fault: fault) {
        case .answer(let reply):
            return response(reply)
        case .drop:
            try await context.drop(reset: true)
        case .run(let job) where job.isMutation:
            return response(await state.mutate(job))
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
