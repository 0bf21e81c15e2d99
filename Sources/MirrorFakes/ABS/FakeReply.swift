import Hummingbird

/// An answer of the fake, in Express's terms, before it becomes a Hummingbird response.
struct FakeReply: Sendable {
    enum Action: Sendable, Equatable {
        /// Send the response.
        case respond
        /// Close the connection without a response (RST when `reset`).
        case close(reset: Bool)
        /// Send the head (with the full Content-Length) and half the body, then close.
        case truncate
    }

    var status: Int
    var headers: [(String, String)]
    var body: ByteBuffer
    var action: Action = .respond

    init(status: Int, headers: [(String, String)] = [], body: ByteBuffer, action: Action = .respond) {
        self.status = status
        self.headers = headers
        self.body = body
        self.action = action
    }

    init(status: Int, contentType: String?, body: String) {
        self.init(status: status, headers: contentType.map { [("Content-Type", $0)] } ?? [],
                  body: ByteBuffer(string: body))
    }

    static func closed(reset: Bool) -> FakeReply {
        FakeReply(status: 0, body: ByteBuffer(), action: .close(reset: reset))
    }

    /// res.json(value).
    static func json(_ bytes: ByteBuffer, status: Int = 200) -> FakeReply {
        FakeReply(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: bytes)
    }

    static func json<T: Encodable>(_ value: T, encoder: WireJSONEncoder) -> FakeReply {
        do {
            return json(ByteBuffer(bytes: try encoder.encode(value)))
        } catch {
            return expressError(500, "Internal Server Error")
        }
    }

    /// res.sendStatus(code): the reason phrase as text/plain.
    static func sendStatus(_ code: Int) -> FakeReply {
        FakeReply(status: code, contentType: "text/plain; charset=utf-8", body: reasonPhrase(code))
    }

    /// res.status(code).send("text"): Express types a string body as HTML.
    static func send(_ code: Int, _ text: String) -> FakeReply {
        FakeReply(status: code, contentType: "text/html; charset=utf-8", body: text)
    }

    /// Passport's refusal: bare "Unauthorized", no Content-Type, no WWW-Authenticate.
    static let unauthorized = FakeReply(status: 401, contentType: nil, body: "Unauthorized")

    /// Express's final handler page (production mode: the reason phrase, no stack).
    static func expressError(_ code: Int, _ message: String) -> FakeReply {
        let page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n"
            + "</head>\n<body>\n<pre>\(escapeHTML(message))</pre>\n</body>\n</html>\n"
        return FakeReply(status: code,
                         headers: [("Content-Security-Policy", "default-src 'none'"),
                                   ("X-Content-Type-Options", "nosniff"),
                                   ("Content-Type", "text/html; charset=utf-8")],
                         body: ByteBuffer(string: page))
    }

    /// Express's 404 for a path no route takes: "Cannot GET /api/nothing".
    static func cannot(_ method: String, _ path: String) -> FakeReply {
        expressError(404, "Cannot \(method) \(path)")
    }

    private static func escapeHTML(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func reasonPhrase(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: HTTPResponse.Status(code: code).reasonPhrase
        }
    }
}
