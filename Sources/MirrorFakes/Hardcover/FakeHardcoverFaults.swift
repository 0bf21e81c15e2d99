import Foundation
import Hummingbird

/// What goes wrong on the way to Hardcover, or in Hardcover itself.
public enum FakeHardcoverFault: Sendable, Equatable {
    /// This status instead of the answer, with a body shaped like Hardcover's for it (401
    /// invalid_token, 403 insufficient_scope, 408 "Request timeout", 429 "Too Many Requests", 500,
    /// 503), or with `html` the page a proxy sends; optional Retry-After (seconds).
    case status(Int, retryAfter: Int? = nil, html: Bool = false)
    /// The request is answered normally, this much later.
    case latency(milliseconds: Int)
    /// The connection is closed (RST) without any response.
    case connectionReset
    /// 200, application/json, a body that is not JSON.
    case malformedJSON
    /// 200, application/json, nothing in the body.
    case emptyBody
    /// Hardcover's quirk: `search`'s `results` is the Typesense object serialised as a JSON string.
    /// Unlike the others, it waits for the next request that has a `search` field.
    case searchResultsAsString
    /// The next mutation field (not request) is refused by its handler: HTTP 200, the field's own
    /// `error` is this text and its row null; nothing changes. Other fields of the request apply.
    case mutationError(String)
    /// The next mutation field (not request) fails: HTTP 200 with `errors` (this message) and no
    /// `data`; the request's fields before it have applied, it and those after it have not.
    case mutationFailure(String)

    /// Whether it waits for a mutation field rather than shaping the next answer.
    var isMutationFault: Bool {
        switch self {
        case .mutationError, .mutationFailure: true
        default: false
        }
    }
}

/// One request as the fake saw it. The token never appears in it.
public struct FakeHardcoverRequestRecord: Sendable, Equatable {
    public var method: String
    public var path: String
    /// 0 when the connection was closed without a response.
    public var status: Int
    /// The names (not aliases) of the operation's top-level fields, when it was parsed.
    public var topLevelFields: [String]
    public var operationName: String?
    /// Requests counted against the quotas (see FakeHardcoverState for what costs what).
    public var cost: Int
    /// The injected fault that shaped the answer, if any.
    public var fault: FakeHardcoverFault?
    /// Why the request was refused: "not-found", "invalid_token", "Malformed request body",
    /// "invalid_query", "top_level_limit_exceeded", "rate_limited", "validation-failed: <message>"...
    /// nil when it was answered with data.
    public var rejectedReason: String?
}

extension FakeHardcoverRequestRecord {
    /// One line of JSON (keys sorted, no newline): {"cost", "fields" (the top-level fields' names),
    /// "operation" (or null), "rejected" (why it was refused, or null), "status"}. What
    /// `fake-abs --hardcover-log` writes for each answered request.
    public var jsonLine: String {
        let object: [String: Any] = [
            "status": status, "cost": cost, "fields": topLevelFields,
            "operation": operationName ?? NSNull(), "rejected": rejectedReason ?? NSNull(),
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension FakeHardcoverFault {
    /// The answer of a fault that replaces the answer; nil for those that do not.
    var reply: FakeReply? {
        switch self {
        case .status(let code, let retryAfter, let html):
            var reply: FakeReply
            if html {
                let reason = FakeReply.reasonPhrase(code)
                reply = FakeReply(status: code, contentType: "text/html",
                                  body: "<html>\r\n<head><title>\(code) \(reason)</title></head>\r\n<body>\r\n"
                                      + "<center><h1>\(code) \(reason)</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
            } else {
                reply = .hardcoverJSON(Self.body(for: code), status: code)
            }
            if let retryAfter { reply.headers.append(("Retry-After", String(retryAfter))) }
            return reply
        case .malformedJSON:
            return FakeReply(status: 200, contentType: "application/json; charset=utf-8",
                             body: "{\"data\":{\"books\":[{\"id\":1,\"title\":\"The Way of Kings\" <html>")
        case .emptyBody:
            return FakeReply(status: 200, contentType: "application/json; charset=utf-8", body: "")
        case .latency, .connectionReset, .searchResultsAsString, .mutationError, .mutationFailure:
            return nil
        }
    }

    static func body(for code: Int) -> HCJSON {
        switch code {
        case 401: ["error": "invalid_token", "error_description": "The access token expired"]
        case 403: ["error": "insufficient_scope", "error_description": "The token does not grant access to this resource"]
        case 408: ["error": "Request timeout"]
        case 429: ["error": "Too Many Requests"]
        default: ["error": .string(FakeReply.reasonPhrase(code))]
        }
    }
}

extension FakeReply {
    /// Hasura's and Hardcover's JSON answers.
    static func hardcoverJSON(_ value: HCJSON, status: Int = 200) -> FakeReply {
        .json(ByteBuffer(bytes: value.bytes), status: status)
    }
}
