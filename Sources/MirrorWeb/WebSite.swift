import Foundation
import MirrorCore
import MirrorStore // the mirror's type
import MirrorWorkflows

/// How `serve` is asked to run.
public struct WebOptions: Sendable {
    /// The address to listen on: loopback unless the user names another.
    public var host = "127.0.0.1"
    /// 0: any free port.
    public var port = 8484
    /// Whether the item page shows covers (from the AudiobookShelf server: the browser loads
    /// them from there, so only when the user allows it).
    public var covers = false

    public init(host: String = "127.0.0.1", port: Int = 8484, covers: Bool = false) {
        self.host = host
        self.port = port
        self.covers = covers
    }

    /// Whether `host` is a loopback address (or a name for one): anything else exposes the mirror
    /// to the network.
    public var isLoopback: Bool {
        ["127.0.0.1", "::1", "localhost"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    /// Whether `host` is every address of the machine (0.0.0.0, ::).
    public var isWildcard: Bool { ["0.0.0.0", "::", "[::]"].contains(host) }

    /// Hostnames a request's `Host` may name: loopback's names, and the one served when it is
    /// another; listening on every address, any address literal (the machine's, as the network
    /// reaches it). A DNS name other than localhost is a page of another site reaching us
    /// through DNS rebinding.
    public func allowsHost(_ name: String) -> Bool {
        let name = name.lowercased()
        if ["127.0.0.1", "localhost", "[::1]", host.lowercased(), "[\(host.lowercased())]"].contains(name) { return true }
        guard isWildcard else { return false }
        let isIPv4 = name.split(separator: ".", omittingEmptySubsequences: false).count == 4 && name.allSatisfy { $0.isNumber || $0 == "." }
        let isIPv6 = name.hasPrefix("[") && name.hasSuffix("]") && name.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        return isIPv4 || isIPv6
    }
}

/// What every page and action of `serve` works from: the settings (the mirror's path, the
/// servers for push), a read-only connection for the pages, and the per-run token every
/// action must carry. Writes open the mirror for writing for the one action and close it, so a
/// CLI command can write between two clicks.
final class WebSite: Sendable {
    let settings: Settings
    let reader: Mirror
    let options: WebOptions
    /// Random for each run; only the pages hold it.
    let token: String

    init(settings: Settings, options: WebOptions) throws {
        self.settings = settings
        self.options = options
        reader = try settings.openMirrorReadOnly()
        token = Self.randomToken()
    }

    /// Runs `body` with the mirror open for writing, then releases it.
    func writing<T>(_ body: (Mirror) throws -> T) throws -> T {
        let mirror = try settings.openMirror()
        return try body(mirror)
    }

    func writing<T>(_ body: (Mirror) async throws -> T) async throws -> T {
        let mirror = try settings.openMirror()
        return try await body(mirror)
    }

    /// The AudiobookShelf server's address without credentials, where covers come from; nil
    /// when none is configured.
    var absBase: String? {
        guard let text = settings.absURL?.value, var parts = URLComponents(string: text), parts.host != nil else { return nil }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        guard let url = parts.string else { return nil }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// Its origin (scheme, host, port), for the pages' content policy.
    var coverOrigin: String? {
        guard let base = absBase, var parts = URLComponents(string: base) else { return nil }
        parts.path = ""
        return parts.string
    }

    /// An item's cover on the AudiobookShelf server (served there without a token).
    func coverURL(itemId: String) -> String? {
        absBase.map { "\($0)/api/items/\(segment(itemId))/cover" }
    }

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
