import AsyncHTTPClient
import Foundation
import MirrorCore
import NIOCore
import NIOHTTP1

/// How to retry: attempts, exponential backoff with full jitter, and how long a server's
/// Retry-After may ask us to wait before we stop instead.
public struct RetryPolicy: Sendable {
    public var attempts: Int = 4
    public var baseDelay: Duration = .milliseconds(500)
    public var maxDelay: Duration = .seconds(10)
    public var maxRetryAfter: Duration = .seconds(60)
    public var timeout: Duration = .seconds(30)
    /// How to wait; tests record the delays instead of sleeping.
    public var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    /// Where the jitter comes from (0..<1); tests make it fixed.
    public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }

    public init() {}

    func backoff(attempt: Int) -> Duration {
        let exponential = baseDelay * (1 << min(attempt, 16))
        let capped = min(exponential, maxDelay)
        return capped * random()
    }
}

/// A response: status, headers, and the body (bounded).
public struct HTTPReply: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    var looksLikeHTML: Bool {
        let type = headers.first(name: "content-type")?.lowercased() ?? ""
        if type.contains("text/html") { return true }
        let head = body.prefix(64)
        let text = String(decoding: head, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return text.hasPrefix("<!doctype html") || text.hasPrefix("<html")
    }
}

/// Sends requests with a deadline, a bounded body, retries on 429, 5xx and dropped connections,
/// and maps every failure to a `RemoteError`. Counts the requests it sends.
public final class HTTPTransport: Sendable {
    public let service: RemoteError.Service
    public let policy: RetryPolicy
    public let bodyLimit: Int
    private let client: HTTPClient
    private let counter = Counter()
    let tokenSource: String?

    public init(service: RemoteError.Service, client: HTTPClient, policy: RetryPolicy = RetryPolicy(),
                bodyLimit: Int = 64 << 20, tokenSource: String? = nil) {
        self.service = service
        self.client = client
        self.policy = policy
        self.bodyLimit = bodyLimit
        self.tokenSource = tokenSource
    }

    /// Requests sent so far (retries included).
    public var requestCount: Int { counter.value }

    /// Sends a request; retries transient failures when `retry` is true (reads and idempotent posts).
    public func send(_ method: HTTPMethod, _ url: URL, headers: HTTPHeaders, body: Data? = nil, retry: Bool = true) async throws -> HTTPReply {
        let display = Self.display(url)
        var attempt = 0
        while true {
            do {
                let reply = try await once(method, url, headers: headers, body: body, display: display)
                if retry, attempt + 1 < policy.attempts, reply.status == 429 || reply.status == 502 || reply.status == 503 || reply.status == 504 || reply.status == 500 {
                    let wait = try retryDelay(reply, attempt: attempt, method: method, display: display)
                    attempt += 1
                    try await policy.sleep(wait)
                    continue
                }
                return reply
            } catch let error as RemoteError where retry && attempt + 1 < policy.attempts && Self.isTransient(error.code) {
                attempt += 1
                try await policy.sleep(policy.backoff(attempt: attempt))
            }
        }
    }

    /// The wait before the next attempt: Retry-After when given (within reason), else backoff.
    private func retryDelay(_ reply: HTTPReply, attempt: Int, method: HTTPMethod, display: String) throws -> Duration {
        if let text = reply.headers.first(name: "retry-after"), let seconds = Self.retryAfterSeconds(text) {
            let wait = Duration.seconds(seconds)
            if wait > policy.maxRetryAfter {
                throw RemoteError(.rateLimited(retryAfterSeconds: seconds), service: service, method: method.rawValue, url: display, tokenSource: tokenSource)
            }
            return wait
        }
        return policy.backoff(attempt: attempt + 1)
    }

    static func retryAfterSeconds(_ text: String) -> Int? {
        if let seconds = Int(text.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        // An HTTP date.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, Int(date.timeIntervalSinceNow.rounded(.up)))
    }

    static func isTransient(_ code: RemoteError.Code) -> Bool {
        switch code {
        case .connectionClosed, .truncatedAnswer, .timeout, .connectionRefused, .unreachable: true
        default: false
        }
    }

    private func once(_ method: HTTPMethod, _ url: URL, headers: HTTPHeaders, body: Data?, display: String) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        request.headers = headers
        if !headers.contains(name: "user-agent") { request.headers.add(name: "User-Agent", value: UserAgent.value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        counter.increment()
        let seconds = Double(policy.timeout.components.seconds) + Double(policy.timeout.components.attoseconds) / 1e18
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(seconds * 1e9)))
            let buffer: ByteBuffer
            do {
                buffer = try await response.body.collect(upTo: bodyLimit)
            } catch is NIOTooManyBytesError {
                throw RemoteError(.bodyTooLarge(limit: bodyLimit), service: service, method: method.rawValue, url: display, tokenSource: tokenSource)
            }
            return HTTPReply(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
        } catch let error as RemoteError {
            throw error
        } catch {
            // The client's own errors may quote the request (`invalidHeaderFieldValues(["Bearer …"])`).
            throw RemoteError(Self.classify(error, timeout: seconds), service: service, method: method.rawValue, url: display, tokenSource: tokenSource)
                .scrubbed(by: Self.credentials(in: headers))
        }
    }

    /// The values of the headers that carry credentials (Authorization, Cookie, X-Api-Key…), as
    /// secrets to keep out of error texts.
    static func credentials(in headers: HTTPHeaders) -> Redactor {
        var secrets: [String] = []
        for header in headers where Redactor.isSensitive(header.name) || header.name.lowercased() == "cookie" {
            secrets.append(header.value)
            if let space = header.value.firstIndex(of: " ") { secrets.append(String(header.value[space...])) }
        }
        return Redactor(secrets: secrets)
    }

    /// Maps transport errors (AsyncHTTPClient, NIO, TLS) to what a user can act on.
    static func classify(_ error: Error, timeout: Double) -> RemoteError.Code {
        if let http = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(http) { return .timeout(seconds: timeout) }
            if [.remoteConnectionClosed, .cancelled].contains(http) { return .connectionClosed }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(http) { return .unreachable("invalid address") }
        }
        if error is HTTPParserError { return .truncatedAnswer }
        if let http = error as? HTTPClientError, http == .connectTimeout { return .timeout(seconds: timeout) }
        if let io = error as? IOError {
            if io.errnoCode == ECONNREFUSED { return .connectionRefused }
            if io.errnoCode == ECONNRESET || io.errnoCode == EPIPE { return .connectionClosed }
            return .unreachable(String(cString: strerror(io.errnoCode)))
        }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return .connectionRefused }
        if text.localizedCaseInsensitiveContains("ssl") || text.localizedCaseInsensitiveContains("tls")
            || text.localizedCaseInsensitiveContains("certificate") || text.localizedCaseInsensitiveContains("handshake") {
            return .tlsFailure(text.count > 200 ? String(text.prefix(200)) + "…" : text)
        }
        if text.contains("NXDOMAIN") || text.contains("resolve") || text.contains("lookup") { return .unreachable("the host name does not resolve") }
        if error is ChannelError { return .connectionClosed }
        if text.contains("EOF") || text.contains("closed") || text.contains("reset") { return .connectionClosed }
        return .unreachable(text.count > 200 ? String(text.prefix(200)) + "…" : text)
    }

    /// scheme://host:port/path, without query or credentials.
    static func display(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.user = nil
        components?.password = nil
        components?.fragment = nil
        return components?.string ?? url.path
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func increment() { lock.withLock { count += 1 } }
    }
}

enum UserAgent {
    static let value = "shelfmirror/0.1 (+https://github.com/shelfmirror/shelfmirror; metadata mirror for AudiobookShelf)"
}

extension HTTPClient {
    /// The client shelfmirror's commands use: a refused or failed connection is reported at once
    /// (HTTPTransport retries with its own backoff) instead of being retried silently by the
    /// connection pool until the request's deadline.
    public static let mirror: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(10))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
