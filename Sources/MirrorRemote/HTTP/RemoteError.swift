import Foundation
import MirrorCore

/// A failure talking to a server, with the URL (never the token), the status, and a fix.
public struct RemoteError: UserFacingError, Equatable {
    public enum Code: Equatable, Sendable {
        /// No URL or token configured; `variables` are the names looked at.
        case missingSetting(name: String, variables: [String])
        case invalidURL(String)
        case unauthorized
        case forbidden
        case notFound
        /// An HTML page where JSON was expected (a proxy, a login page, the wrong server).
        case htmlPage(status: Int)
        case badResponse(String)
        case rateLimited(retryAfterSeconds: Int?)
        case serverError(status: Int)
        case unexpectedStatus(Int)
        case connectionRefused
        case unreachable(String)
        case tlsFailure(String)
        case timeout(seconds: Double)
        case connectionClosed
        /// The body ended before its declared length (a dropped or cut connection).
        case truncatedAnswer
        case bodyTooLarge(limit: Int)
        /// A GraphQL answer with `errors` (HTTP 200): the query did not fit the server's schema.
        case graphQL([String])
        /// The server gave up on the query (HTTP 408; Hardcover stops queries after 30 s).
        case queryTimeout
    }

    public var code: Code
    public var service: Service
    public var method: String
    /// Scheme, host, port and path only.
    public var url: String
    /// Where the token came from, to name it in messages ("ABS_TOKEN").
    public var tokenSource: String?
    /// What the server said, when it said something useful ("invalid_token: Malformed Authorization header").
    public var detail: String?

    public init(_ code: Code, service: Service, method: String = "GET", url: String = "", tokenSource: String? = nil,
                detail: String? = nil) {
        self.code = code
        self.service = service
        self.method = method
        self.url = url
        self.tokenSource = tokenSource
        self.detail = detail.map(Self.tidy)
    }

    /// One line, at most 300 characters.
    static func tidy(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    public enum Service: String, Sendable, Equatable {
        case audiobookshelf = "AudiobookShelf"
        case hardcover = "Hardcover"

        var urlVariable: String { self == .audiobookshelf ? "ABS_URL" : "HARDCOVER_URL" }
        var tokenVariable: String { self == .audiobookshelf ? "ABS_TOKEN" : "HARDCOVER_TOKEN" }
    }

    public var kind: FailureKind {
        switch code {
        case .missingSetting, .invalidURL: .configuration
        case .unauthorized, .forbidden: .authRejected
        case .rateLimited: .rateLimited
        case .notFound, .htmlPage: .configuration
        case .badResponse, .bodyTooLarge, .graphQL: .badData
        case .serverError, .unexpectedStatus, .connectionRefused, .unreachable, .tlsFailure, .timeout, .connectionClosed,
             .truncatedAnswer, .queryTimeout: .unavailable
        }
    }

    private var request: String { url.isEmpty ? service.rawValue : "\(method) \(url)" }

    /// What went wrong. Every URL in it is shown without credentials (`Redactor.urls(in:)`), the
    /// server's words included; tokens are scrubbed where they are known (`ErrorReporter`,
    /// the stored runs).
    public var summary: String {
        guard let detail, !detail.isEmpty else { return Redactor.urls(in: headline) }
        return Redactor.urls(in: "\(headline): \(detail)")
    }

    private var headline: String {
        let s = service.rawValue
        switch code {
        case .missingSetting(let name, let variables):
            return "no \(s) \(name) is configured (looked at: \(variables.joined(separator: ", ")) in the environment and .env)"
        case .invalidURL(let text):
            return "\(service.urlVariable) is not a usable http(s) URL: \(Redactor.url(text).debugDescription)"
        case .unauthorized:
            return "\(s) rejected the token (HTTP 401 for \(request))"
        case .forbidden:
            return "\(s) refused the request (HTTP 403 for \(request))"
        case .notFound:
            return "\(s) answered 404 Not Found for \(request)"
        case .htmlPage(let status):
            return "\(request) answered an HTML page (HTTP \(status)) instead of JSON"
        case .badResponse(let detail):
            return "\(s) sent an answer shelfmirror cannot use for \(request): \(detail)"
        case .rateLimited(let seconds):
            return "\(s) is rate-limiting requests (HTTP 429 for \(request))" + (seconds.map { "; it asks to wait \($0) s" } ?? "")
        case .serverError(let status):
            return "\(s) failed with HTTP \(status) for \(request)"
        case .unexpectedStatus(let status):
            return "\(s) answered HTTP \(status) for \(request)"
        case .connectionRefused:
            return "cannot connect to \(s) at \(url): connection refused"
        case .unreachable(let detail):
            return "cannot reach \(s) at \(url): \(detail)"
        case .tlsFailure(let detail):
            return "the TLS (https) handshake with \(s) at \(url) failed: \(detail)"
        case .timeout(let seconds):
            return "\(s) did not answer \(request) within \(Int(seconds)) s"
        case .connectionClosed:
            return "\(s) closed the connection without answering \(request)"
        case .truncatedAnswer:
            return "\(s)'s answer to \(request) was cut short"
        case .bodyTooLarge(let limit):
            return "\(s)'s answer to \(request) is larger than \(limit / (1 << 20)) MiB"
        case .graphQL(let messages):
            return "\(s) refused the query (\(request)): " + messages.prefix(3).joined(separator: "; ")
        case .queryTimeout:
            return "\(s) gave up on the query (HTTP 408 for \(request)); it stops queries that run longer than 30 s"
        }
    }

    public var hint: String? {
        let token = tokenSource ?? service.tokenVariable
        switch code {
        case .missingSetting(_, let variables):
            return "Set \(variables.first ?? "it") in the environment or in a .env file, e.g. \(variables.first ?? "X")=..."
        case .invalidURL:
            return "Example: \(service.urlVariable)=http://192.168.1.10:13378"
        case .unauthorized where service == .audiobookshelf:
            return "Check \(token): copy an API key from AudiobookShelf (Settings → API Keys; the key must be active and its user enabled) or a user's token."
        case .unauthorized:
            return "Check \(token): get a new token at https://hardcover.app/account/api (with or without the 'Bearer ' prefix)."
        case .forbidden where service == .audiobookshelf:
            return "The user of \(token) lacks a permission (updating items needs 'Can Update'; explicit books need 'Can Access Explicit Content'). Use an admin's API key or change the user's permissions."
        case .forbidden:
            return "The token lacks a scope (shelfmirror needs read:catalog; `doctor` also uses read:me), or the query was too complex — the latter is a shelfmirror bug worth reporting."
        case .notFound where service == .hardcover:
            return "Check \(service.urlVariable): it must be the GraphQL endpoint, https://api.hardcover.app/v1/graphql. Hardcover answers 404 to a GET, and to a path without /v1 (such as /graphql)."
        case .htmlPage where service == .hardcover:
            return "Check \(service.urlVariable): it must be the GraphQL endpoint, https://api.hardcover.app/v1/graphql, not a web page. If it is, Hardcover may be down; try later."
        case .notFound, .htmlPage:
            return "Check \(service.urlVariable): it must point at the server itself (for AudiobookShelf behind a reverse proxy, include its subpath, e.g. https://host/audiobookshelf)."
        case .badResponse:
            return "Is \(service.urlVariable) the right server? If it is, this is worth a bug report."
        case .rateLimited:
            return "Try again later; shelfmirror resumes where it stopped."
        case .serverError, .connectionClosed, .truncatedAnswer, .unexpectedStatus:
            return "The server may be restarting or overloaded; try again in a minute. Nothing was lost."
        case .connectionRefused, .unreachable:
            return "Is \(service.rawValue) running, and is \(service.urlVariable) right (host, port, http or https)?"
        case .tlsFailure:
            return "Check the certificate, or use the server's http:// address on your local network."
        case .timeout:
            return "The server is slow or unreachable; try again, or check \(service.urlVariable)."
        case .bodyTooLarge:
            return "This is unexpected; please report it."
        case .graphQL(let messages) where messages.contains(where: { $0.contains("'me'") }):
            return "The token lacks the read:me scope (`me` is unknown to it); create a token with it at https://hardcover.app/account/api, or ignore this if you only sync."
        case .graphQL:
            return "Hardcover's schema may have changed; check for a newer shelfmirror. Nothing was lost."
        case .queryTimeout:
            return "Try again; if it keeps happening, Hardcover is overloaded. Nothing was lost."
        }
    }
}

extension RemoteError {
    /// This error with `redactor`'s secrets scrubbed from every text it holds.
    public func scrubbed(by redactor: Redactor) -> RemoteError {
        var copy = self
        copy.code = code.scrubbed(by: redactor)
        copy.url = redactor.scrub(url)
        copy.detail = detail.map(redactor.scrub)
        return copy
    }
}

extension RemoteError.Code {
    /// The code with `redactor`'s secrets scrubbed from the texts it holds.
    func scrubbed(by redactor: Redactor) -> RemoteError.Code {
        switch self {
        case .invalidURL(let text): .invalidURL(redactor.scrub(text))
        case .badResponse(let text): .badResponse(redactor.scrub(text))
        case .unreachable(let text): .unreachable(redactor.scrub(text))
        case .tlsFailure(let text): .tlsFailure(redactor.scrub(text))
        case .graphQL(let messages): .graphQL(messages.map(redactor.scrub))
        case .missingSetting, .unauthorized, .forbidden, .notFound, .htmlPage, .rateLimited, .serverError, .unexpectedStatus,
             .connectionRefused, .timeout, .connectionClosed, .truncatedAnswer, .bodyTooLarge, .queryTimeout:
            self
        }
    }

    /// The request may have reached the server and been acted on although no answer came back
    /// (a timeout, a dropped connection, an answer cut short): a write's fate is unknown.
    public var leavesWriteUnknown: Bool {
        switch self {
        case .timeout, .connectionClosed, .truncatedAnswer: true
        default: false
        }
    }

    public var isGraphQL: Bool {
        if case .graphQL = self { return true }
        return false
    }
}
