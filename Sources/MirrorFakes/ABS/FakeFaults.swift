/// The routes of the fake, for fault injection and the request log.
public enum FakeRoute: Sendable, Hashable {
    /// Matches every request (for faults).
    case any
    /// GET /status.
    case status
    /// GET /ping and GET /healthcheck.
    case health
    /// GET /api/me.
    case me
    /// GET /api/libraries and GET /api/libraries/:id.
    case libraries
    /// GET /api/libraries/:id/items.
    case libraryItems
    /// POST /api/items/batch/get.
    case batchGet
    /// GET /api/items/:id.
    case item
    /// PATCH /api/items/:id/media.
    case patchMedia
    /// POST /api/items/batch/update.
    case batchUpdate
    /// POST /api/authorize.
    case authorize
    /// GET /api/me/progress and GET /api/me/progress/:libraryItemId(/:episodeId).
    case progress
    /// PATCH /api/me/progress/:libraryItemId(/:episodeId).
    case updateProgress
    /// GET /api/me/progress/:id/remove-from-continue-listening (by the progress's own id).
    case hideProgress
    /// GET /api/me/items-in-progress.
    case itemsInProgress
    /// GET /api/users/:id.
    case user
    /// Anything else (Express answers "Cannot GET ...").
    case unknown
}

/// What goes wrong on the way, as a proxy, a network or an overloaded server does it.
public enum FakeFault: Sendable, Equatable {
    /// The request is answered normally, this much later.
    case latency(milliseconds: Int)
    /// This status instead of the answer; optional Retry-After (seconds) and an HTML body as
    /// proxies send (`<html><body><h1>502 Bad Gateway</h1></body></html>`), else the reason as text.
    case status(Int, retryAfter: Int? = nil, html: Bool = false)
    /// 200 with a Content-Length larger than what is sent: half a JSON body, then the connection closes.
    case truncatedBody
    /// The connection is closed (RST where the platform allows) without any response.
    case connectionReset
    /// 200, application/json, a body that is not JSON.
    case malformedJSON
    /// 200, application/json, nothing in the body.
    case emptyBody
}

/// One request as the fake saw it. Tokens never appear: `?token=` values are replaced by "REDACTED".
public struct FakeRequestRecord: Sendable, Equatable {
    public var method: String
    /// Without the /audiobookshelf prefix.
    public var path: String
    /// The raw query string, token redacted ("" when none).
    public var query: String
    /// 0 when the connection was closed without a response.
    public var status: Int
    public var route: FakeRoute
    public var usedPrefix: Bool
    /// The injected fault that shaped the answer, if any.
    public var fault: FakeFault?
    /// The authenticated user, if any.
    public var username: String?
}

struct FaultRule: Sendable {
    var fault: FakeFault
    var route: FakeRoute
    var remaining: Int
}

/// What the state tells the server to do before handling a request.
enum FakeAdmission: Sendable {
    case proceed
    /// The fake "crashed" a moment ago: close without answering.
    case down
    case fault(FakeFault)
}

extension FakeFault {
    /// The body and headers of a fault that is a complete answer; nil for those that are not.
    var reply: FakeReply? {
        switch self {
        case .status(let code, let retryAfter, let html):
            let reason = FakeReply.reasonPhrase(code)
            var reply = html
                ? FakeReply(status: code, contentType: "text/html",
                            body: "<html><body><h1>\(code) \(reason)</h1></body></html>")
                : FakeReply(status: code, contentType: "text/plain; charset=utf-8", body: reason)
            if let retryAfter { reply.headers.append(("Retry-After", String(retryAfter))) }
            return reply
        case .malformedJSON:
            return FakeReply(status: 200, contentType: "application/json; charset=utf-8",
                             body: "{\"results\": [{\"id\": \"li_\u{1}\", garbage <html> ]]")
        case .emptyBody:
            return FakeReply(status: 200, contentType: "application/json; charset=utf-8", body: "")
        case .latency, .truncatedBody, .connectionReset:
            return nil
        }
    }
}
