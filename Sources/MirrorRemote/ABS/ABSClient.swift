import AsyncHTTPClient
import Foundation
import MirrorCore
import NIOHTTP1

/// Where and as whom to reach AudiobookShelf.
public struct ABSConnection: Sendable {
    public var baseURL: URL
    public var token: String
    /// The variable the token came from, for messages ("ABS_TOKEN").
    public var tokenSource: String?

    /// Validates the URL (http or https, with a host) and tidies the token (a pasted
    /// "Bearer " prefix is dropped).
    public init(url: String, token: String, tokenSource: String? = nil) throws {
        var text = url.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix("/") { text.removeLast() }
        guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              parsed.host?.isEmpty == false else {
            throw RemoteError(.invalidURL(url), service: .audiobookshelf)
        }
        baseURL = parsed
        var cleaned = token.trimmingCharacters(in: .whitespacesAndNewlines)
        if cleaned.lowercased().hasPrefix("bearer ") { cleaned = String(cleaned.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        self.token = cleaned
        self.tokenSource = tokenSource
    }
}

/// The AudiobookShelf REST client: reads the status, the user, libraries, listing pages and
/// expanded items. Every answer is checked and mapped to Core types.
public final class ABSClient: Sendable {
    public let connection: ABSConnection
    public let transport: HTTPTransport

    public init(connection: ABSConnection, httpClient: HTTPClient, policy: RetryPolicy = RetryPolicy()) {
        self.connection = connection
        transport = HTTPTransport(service: .audiobookshelf, client: httpClient, policy: policy, tokenSource: connection.tokenSource)
    }

    public var requestCount: Int { transport.requestCount }

    /// GET /status (no authentication): is this an AudiobookShelf server, and which version.
    public func status() async throws -> ServerStatus {
        let w: WireStatus = try await get("/status", authenticated: false)
        guard w.app == "audiobookshelf" else {
            throw error(.badResponse("this is not an AudiobookShelf server (/status has no \"app\": \"audiobookshelf\")"), "GET", "/status")
        }
        return ServerStatus(app: w.app ?? "", version: w.serverVersion ?? "unknown", isInitialized: w.isInit ?? true)
    }

    public func me() async throws -> ServerUser {
        ABSMapping.user(try await get("/api/me"))
    }

    /// GET /api/me with the user's listening state (books only): one request. An entry that
    /// cannot be read is skipped and counted (`ListeningState.skipped`).
    public func meWithProgress() async throws -> ListeningState {
        ABSMapping.listening(try await get("/api/me"))
    }

    /// POST /api/authorize: the token's user with their listening state (as `meWithProgress`)
    /// and the server's version, in one request: what a sync needs before the listing.
    public func authorize() async throws -> (version: String, listening: ListeningState) {
        let w: WireAuthorize = try await post("/api/authorize", body: Data("{}".utf8))
        return (w.serverSettings?.version ?? "unknown", ABSMapping.listening(w.user))
    }

    public func libraries() async throws -> [Library] {
        let w: WireLibraries = try await get("/api/libraries")
        return w.libraries.map(ABSMapping.library)
    }

    /// One page of a library's listing, oldest first (sort by addedAt, stable across pages).
    public func itemsPage(libraryId: String, page: Int, limit: Int) async throws -> (total: Int, items: [ListedItem]) {
        let w: WireItemsPage = try await get("/api/libraries/\(escape(libraryId))/items",
                                             query: ["limit": String(limit), "page": String(page), "sort": "addedAt"])
        return (w.total, w.results.map(ABSMapping.listed))
    }

    /// Expanded items by id (POST /api/items/batch/get). Unknown ids are dropped by the server.
    public func batchGet(ids: [String]) async throws -> [LibraryItem] {
        guard !ids.isEmpty else { return [] }
        let body = try JSONSerialization.data(withJSONObject: ["libraryItemIds": ids])
        let w: WireBatchGet = try await post("/api/items/batch/get", body: body)
        return w.libraryItems.map(ABSMapping.item)
    }

    public func item(id: String) async throws -> LibraryItem {
        ABSMapping.item(try await get("/api/items/\(escape(id))", query: ["expanded": "1"]))
    }

    // MARK: - Writing

    /// POST /api/items/batch/update with entries that each carry their mediaPayload. Not retried:
    /// the caller re-reads the items to learn what was applied. Returns how many the server changed.
    public func batchUpdate(body: String) async throws -> Int {
        let url = makeURL("/api/items/batch/update", query: [:])
        var h = headers(authenticated: true)
        h.add(name: "Content-Type", value: "application/json")
        let reply = try await transport.send(.POST, url, headers: h, body: Data(body.utf8), retry: false)
        let w: WireBatchUpdate = try decode(reply, method: "POST", url: url)
        return w.updates ?? 0
    }

    /// PATCH /api/items/:id/media, for servers without batch/update. Not retried.
    public func patchMedia(id: String, body: String) async throws -> Bool {
        let url = makeURL("/api/items/\(escape(id))/media", query: [:])
        var h = headers(authenticated: true)
        h.add(name: "Content-Type", value: "application/json")
        let reply = try await transport.send(.PATCH, url, headers: h, body: Data(body.utf8), retry: false)
        let w: WirePatchMedia = try decode(reply, method: "PATCH", url: url)
        return w.updated ?? false
    }

    /// The path a request goes to, for dry runs (the server's base path included, no token).
    public func requestPath(_ path: String) -> String {
        HTTPTransport.display(makeURL(path, query: [:]))
    }

    // MARK: - Plumbing

    private func get<T: Decodable>(_ path: String, query: [String: String] = [:], authenticated: Bool = true) async throws -> T {
        let url = makeURL(path, query: query)
        let reply = try await transport.send(.GET, url, headers: headers(authenticated: authenticated))
        return try decode(reply, method: "GET", url: url)
    }

    private func post<T: Decodable>(_ path: String, body: Data) async throws -> T {
        let url = makeURL(path, query: [:])
        var h = headers(authenticated: true)
        h.add(name: "Content-Type", value: "application/json")
        let reply = try await transport.send(.POST, url, headers: h, body: body)
        return try decode(reply, method: "POST", url: url)
    }

    private func headers(authenticated: Bool) -> HTTPHeaders {
        var h = HTTPHeaders()
        h.add(name: "Accept", value: "application/json")
        if authenticated { h.add(name: "Authorization", value: "Bearer \(connection.token)") }
        return h
    }

    private func makeURL(_ path: String, query: [String: String]) -> URL {
        var components = URLComponents(url: connection.baseURL, resolvingAgainstBaseURL: false)!
        components.percentEncodedPath = (components.percentEncodedPath.hasSuffix("/") ? String(components.percentEncodedPath.dropLast()) : components.percentEncodedPath) + path
        if !query.isEmpty { components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        return components.url!
    }

    private func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
    }

    private func decode<T: Decodable>(_ reply: HTTPReply, method: String, url: URL) throws -> T {
        let display = HTTPTransport.display(url)
        switch reply.status {
        case 200...299:
            if reply.looksLikeHTML { throw error(.htmlPage(status: reply.status), method, display: display) }
            guard !reply.body.isEmpty else { throw error(.badResponse("the body is empty"), method, display: display) }
            do {
                return try JSONDecoder().decode(T.self, from: reply.body)
            } catch let decoding as DecodingError {
                throw error(.badResponse(Self.describe(decoding)), method, display: display)
            }
        case 401: throw error(.unauthorized, method, display: display)
        case 403: throw error(.forbidden, method, display: display)
        case 404: throw error(reply.looksLikeHTML ? .htmlPage(status: 404) : .notFound, method, display: display)
        case 429: throw error(.rateLimited(retryAfterSeconds: reply.headers.first(name: "retry-after").flatMap(HTTPTransport.retryAfterSeconds)), method, display: display)
        case 500...599: throw error(.serverError(status: reply.status), method, display: display)
        default:
            throw error(reply.looksLikeHTML ? .htmlPage(status: reply.status) : .unexpectedStatus(reply.status), method, display: display)
        }
    }

    private func error(_ code: RemoteError.Code, _ method: String, _ path: String) -> RemoteError {
        error(code, method, display: HTTPTransport.display(makeURL(path, query: [:])))
    }

    private func error(_ code: RemoteError.Code, _ method: String, display: String) -> RemoteError {
        RemoteError(code, service: .audiobookshelf, method: method, url: display, tokenSource: connection.tokenSource)
    }

    /// "not valid JSON", or which field of which entry was wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .dataCorrupted(let c) where c.codingPath.isEmpty: return "not valid JSON (truncated or damaged)"
        case .dataCorrupted(let c): return "bad value at \(path(c))"
        case .keyNotFound(let key, let c): return "missing \"\(key.stringValue)\" at \(path(c).isEmpty ? "top level" : path(c))"
        case .typeMismatch(_, let c): return "unexpected type at \(path(c)): \(c.debugDescription)"
        case .valueNotFound(_, let c): return "null where a value is needed at \(path(c))"
        @unknown default: return "undecodable"
        }
    }
}
