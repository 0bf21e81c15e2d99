import AsyncHTTPClient
import Foundation
import MirrorCore
import NIOCore
import NIOHTTP1

/// How a notification's body is shaped for the service that receives it.
public enum NotificationFormat: String, Sendable, CaseIterable {
    /// The run's summary as JSON, for a generic webhook.
    case json
    /// ntfy (https://ntfy.sh): the message as plain text, the title and priority as headers.
    case ntfy
    /// Apprise API (`/notify`): `{"title", "body", "type"}`.
    case apprise
}

/// One notification: a title and a message for people, the summary for machines.
public struct RunNotification: Sendable {
    public var title: String
    public var message: String
    /// The summary, JSON.
    public var json: String
    /// Something failed: a higher priority where the format has one.
    public var failed: Bool

    public init(title: String, message: String, json: String, failed: Bool) {
        self.title = title
        self.message = message
        self.json = json
        self.failed = failed
    }
}

/// Sends a run's notification: one POST, no retry, a short deadline. It never throws: a
/// notification that cannot be delivered must not fail the run; the reason is returned instead.
public enum Notifier {
    /// The request `send` makes: headers and body.
    static func request(_ n: RunNotification, format: NotificationFormat) -> (headers: HTTPHeaders, body: Data) {
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: UserAgent.value)
        switch format {
        case .json:
            headers.add(name: "Content-Type", value: "application/json")
            return (headers, Data(n.json.utf8))
        case .ntfy:
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            // Header values are ASCII: ntfy reads RFC 2047 for the rest; keep the title plain.
            headers.add(name: "Title", value: String(n.title.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 }.map(Character.init)))
            headers.add(name: "Priority", value: n.failed ? "high" : "default")
            headers.add(name: "Tags", value: n.failed ? "warning" : "books")
            return (headers, Data(n.message.utf8))
        case .apprise:
            headers.add(name: "Content-Type", value: "application/json")
            let body = "{\"body\":\(JSONText.string(n.message)),\"title\":\(JSONText.string(n.title)),\"type\":\"\(n.failed ? "failure" : "info")\"}"
            return (headers, Data(body.utf8))
        }
    }

    /// nil when the receiver answered 2xx; else why not (the URL's credentials never in it).
    public static func send(_ n: RunNotification, to url: String, format: NotificationFormat,
                            httpClient: HTTPClient = .mirror, timeout: Duration = .seconds(15)) async -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              parsed.host?.isEmpty == false else {
            return "\(Redactor.url(url)) is not an http(s) address"
        }
        let shown = HTTPTransport.display(parsed)
        let (headers, body) = request(n, format: format)
        var request = HTTPClientRequest(url: parsed.absoluteString)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: Array(body)))
        do {
            let response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            _ = try? await response.body.collect(upTo: 64 << 10)
            guard (200..<300).contains(Int(response.status.code)) else {
                return "\(shown) answered HTTP \(response.status.code)"
            }
            return nil
        } catch {
            let reason: String = switch HTTPTransport.classify(error, timeout: Double(timeout.components.seconds)) {
            case .connectionRefused: "connection refused"
            case .timeout(let seconds): "no answer within \(Int(seconds)) s"
            case .unreachable(let why), .tlsFailure(let why): why
            case let other: String(describing: other)
            }
            return "\(shown) could not be reached: \(reason)"
        }
    }
}
