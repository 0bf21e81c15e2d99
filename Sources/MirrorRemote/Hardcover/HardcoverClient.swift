import AsyncHTTPClient
import Foundation
import MirrorCore
import NIOHTTP1

/// Where and as whom to reach Hardcover's GraphQL API.
public struct HardcoverConnection: Sendable {
    public static let defaultURL = "https://api.hardcover.app/v1/graphql"

    public var url: URL
    /// Without the "Bearer " that users often paste with it.
    public var token: String
    public var tokenSource: String?

    public init(url: String = defaultURL, token: String, tokenSource: String? = nil) throws {
        let text = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              parsed.host?.isEmpty == false else {
            throw RemoteError(.invalidURL(url), service: .hardcover)
        }
        self.url = parsed
        var cleaned = token.trimmingCharacters(in: .whitespacesAndNewlines)
        // "Bearer x", "bearer x", "Bearer Bearer x", and a bare "Bearer" (nothing pasted after it).
        while cleaned.lowercased().hasPrefix("bearer"), cleaned.count == 6 || cleaned.dropFirst(6).first?.isWhitespace == true {
            cleaned = String(cleaned.dropFirst(6)).trimmingCharacters(in: .whitespaces)
        }
        guard !cleaned.isEmpty else {
            throw RemoteError(.missingSetting(name: "API token", variables: ["HARDCOVER_TOKEN"]), service: .hardcover)
        }
        self.token = cleaned
        self.tokenSource = tokenSource
    }
}

public struct HardcoverUser: Sendable, Equatable {
    public var id: Int
    public var username: String
}

/// Hardcover's GraphQL API: POST only, values as variables, every request paid for through the
/// rate limiter, 429 answered by waiting for Retry-After, errors mapped to what a user can act on.
public final class HardcoverClient: Sendable {
    public let connection: HardcoverConnection
    public let limiter: RateLimiter
    let transport: HTTPTransport
    private let state = LastHeaders()

    public init(connection: HardcoverConnection, httpClient: HTTPClient, limiter: RateLimiter = RateLimiter(),
                policy: RetryPolicy = RetryPolicy()) {
        self.connection = connection
        self.limiter = limiter
        transport = HTTPTransport(service: .hardcover, client: httpClient, policy: policy, tokenSource: connection.tokenSource)
    }

    /// HTTP requests sent (retries included).
    public var httpRequests: Int { transport.requestCount }

    /// The rate-limit headers of the last answer.
    public var lastRateLimit: RateLimitHeaders { state.value }

    // MARK: - Queries

    public func me() async throws -> HardcoverUser {
        let data: WireMeData = try await execute(HardcoverQueries.me, variables: [:])
        guard let user = data.me.first else {
            throw error(.badResponse("`me` returned no user"))
        }
        return HardcoverUser(id: user.id, username: user.username ?? "")
    }

    /// Editions carrying any of these identifiers (ISBN-13s, ISBN-10s and ASINs are each matched
    /// against their own column).
    public func editions(isbn13: [String], isbn10: [String], asins: [String], limit: Int, offset: Int = 0) async throws -> [HardcoverEdition] {
        let data: WireEditionsData = try await execute(HardcoverQueries.editionsByIdentifiers, variables: [
            "isbn13": isbn13, "isbn10": isbn10, "asins": asins, "limit": limit, "offset": offset,
        ])
        return data.editions.map { HardcoverMapping.edition($0) }
    }

    /// Books whose title is exactly one of these, with their details.
    public func books(titles: [String], limit: Int, offset: Int = 0, editionsPerBook: Int) async throws -> [HardcoverBook] {
        let data: WireBooksData = try await execute(HardcoverQueries.booksByTitle, variables: [
            "titles": titles, "limit": limit, "offset": offset, "editions": editionsPerBook,
        ])
        return data.books.map(HardcoverMapping.book)
    }

    /// Books by id, with their details; ids Hardcover does not know are absent.
    public func books(ids: [Int], editionsPerBook: Int) async throws -> [HardcoverBook] {
        let data: WireBooksData = try await execute(HardcoverQueries.bookDetails, variables: [
            "ids": ids, "limit": ids.count, "editions": editionsPerBook,
        ])
        return data.books.map(HardcoverMapping.book)
    }

    /// Hardcover's book search: every hit, in its order.
    public func search(_ text: String, perPage: Int) async throws -> [HardcoverSearchHit] {
        let data: WireSearchData = try await execute(HardcoverQueries.search, variables: [
            "query": text, "type": "Book", "perPage": perPage, "page": 1,
        ])
        guard let search = data.search else { return [] }
        if let message = search.error, !message.isEmpty { throw error(.graphQL(["search: \(message)"])) }
        return HardcoverMapping.searchHits(search)
    }

    /// The token's user's library: every user book with its reads, in pages of 100, five aliased
    /// pages a request. The first request's pages are read through `me` (which gives the user's id
    /// and the id of their last user book without a request of its own); the others filter
    /// user_books by that id. Reading stops at a short page, or at a full one that ends on the last
    /// user book, so a library of 2,000 takes 4 requests and 20 counted fields. A malformed row is
    /// skipped and counted (`skippedRows`). Offsets page a table that may change meanwhile: a
    /// re-sync rereads it.
    public func userLibrary() async throws -> HardcoverUserLibrary {
        let size = HardcoverQueries.libraryPageSize
        let perRequest = HardcoverQueries.libraryPagesPerRequest
        var books: [HardcoverUserBook] = []
        var skipped = 0
        var userId: Int?
        var lastId: Int?
        var page = 0
        while true {
            var variables: [String: any Sendable] = ["limit": size]
            for n in 0..<perRequest { variables["o\(n)"] = (page + n) * size }
            let pages: [[WireLossy<WireUserBook>]]
            if let me = userId {
                variables["me"] = me
                let data: [String: [WireLossy<WireUserBook>]] = try await execute(HardcoverQueries.libraryPages(count: perRequest),
                                                                                  variables: variables)
                pages = try (0..<perRequest).map { n in
                    guard let rows = data["p\(n)"] else { throw error(.badResponse("page p\(n) of user_books is missing")) }
                    return rows
                }
            } else {
                let data: [String: [WireMeLibraryPage]]
                do {
                    data = try await execute(HardcoverQueries.libraryFirstPages(count: perRequest), variables: variables)
                } catch let e as RemoteError {
                    throw libraryScopeRefusal(e) ?? e
                }
                let users = try (0..<perRequest).map { n in
                    guard let users = data["p\(n)"] else { throw error(.badResponse("page p\(n) of `me` is missing")) }
                    guard users.count == 1 else { throw error(.badResponse("`me` returned \(users.count) users")) }
                    return users[0]
                }
                guard let id = users[0].id else { throw error(.badResponse("`me` returned a user without an id")) }
                userId = id
                lastId = users[0].last?.first?.value?.id
                pages = users.map(\.page)
            }
            var finished = false
            for rows in pages {
                var lastRowId: Int?
                for row in rows {
                    guard let wire = row.value, let book = HardcoverMapping.userBook(wire) else {
                        skipped += 1
                        lastRowId = row.value?.id ?? lastRowId
                        continue
                    }
                    books.append(book)
                    lastRowId = book.id
                }
                if rows.count < size || (lastId != nil && lastRowId == lastId) {
                    finished = true
                    break
                }
            }
            if finished { break }
            page += perRequest
        }
        guard let userId else { throw error(.badResponse("`me` returned no user")) }
        return HardcoverUserLibrary(userId: userId, books: books, skippedRows: skipped)
    }

    /// A token without the library's scopes is shown a schema without `me` (Hasura's validation
    /// error is all the server says): a refusal that names the scopes, not a bug of ours. nil for
    /// any other error.
    func libraryScopeRefusal(_ e: RemoteError) -> RemoteError? {
        guard case .graphQL(let messages) = e.code,
              let message = messages.first(where: { $0.contains("field 'me' not found in type: 'query_root'") }) else { return nil }
        return error(.forbidden, detail: "the token cannot read the user's library (\(message)); "
            + "create a token with the scopes that read it (read:me, read:library) at https://hardcover.app/account/api")
    }

    // MARK: - Plumbing

    func execute<T: Decodable>(_ query: HardcoverQueries.Query, variables: [String: any Sendable]) async throws -> T {
        let body = try JSONSerialization.data(withJSONObject: [
            "query": query.text, "operationName": query.name, "variables": variables,
        ] as [String: Any], options: [.sortedKeys])
        return try decode(try await post(body, cost: query.cost, resendable: true))
    }

    /// POSTs a GraphQL request body, paying `cost` (its top-level fields) to the limiter before each
    /// attempt, and answers the reply whatever its status but 429: a 429 waits for Retry-After and
    /// is sent again (Hardcover ran nothing). When `resendable` (reads, and probes that cannot
    /// apply), a 5xx but 501 or a dropped connection is sent again after a backoff; when not (a
    /// mutation may have applied before the answer was lost), only a refused connection is, since
    /// nothing was sent, and every other failure is thrown or answered once.
    func post(_ body: Data, cost: Int, resendable: Bool) async throws -> HTTPReply {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "Authorization", value: "Bearer \(connection.token)")
        var attempt = 0
        while true {
            try await limiter.acquire(cost: cost)
            let reply: HTTPReply
            do {
                reply = try await transport.send(.POST, connection.url, headers: headers, body: body, retry: false)
            } catch let e as RemoteError where (resendable ? HTTPTransport.isTransient(e.code) : e.code == .connectionRefused)
                && attempt + 1 < transport.policy.attempts {
                attempt += 1
                try await transport.policy.sleep(transport.policy.backoff(attempt: attempt))
                continue
            }
            let limits = RateLimitHeaders(reply.headers)
            state.value = limits
            await limiter.observe(limits)
            switch reply.status {
            case 429:
                let retryAfter = reply.headers.first(name: "retry-after").flatMap(HTTPTransport.retryAfterSeconds)
                try await limiter.rejected(retryAfter: retryAfter)
                attempt += 1
                if attempt >= transport.policy.attempts * 2 { throw error(.rateLimited(retryAfterSeconds: retryAfter)) }
                continue
            case 500...599 where resendable && reply.status != 501 && attempt + 1 < transport.policy.attempts:
                attempt += 1
                try await transport.policy.sleep(transport.policy.backoff(attempt: attempt))
                continue
            default:
                return reply
            }
        }
    }

    private func decode<T: Decodable>(_ reply: HTTPReply) throws -> T {
        if let failure = failure(of: reply) { throw failure }
        if reply.looksLikeHTML { throw error(.htmlPage(status: 200)) }
        guard !reply.body.isEmpty else { throw error(.badResponse("the body is empty")) }
        let response: WireGraphQLResponse<T>
        do {
            response = try JSONDecoder().decode(WireGraphQLResponse<T>.self, from: reply.body)
        } catch let decoding as DecodingError {
            throw error(.badResponse(ABSClient.describe(decoding)))
        }
        if let errors = response.errors, !errors.isEmpty { throw error(.graphQL(errors.map(\.message))) }
        guard let data = response.data else { throw error(.badResponse("no \"data\" in the answer")) }
        return data
    }

    /// The error an answer that is not HTTP 200 stands for; nil for a 200.
    func failure(of reply: HTTPReply) -> RemoteError? {
        guard reply.status != 200 else { return nil }
        let detail = reply.looksLikeHTML ? nil : (try? JSONDecoder().decode(WireErrorBody.self, from: reply.body))?.text
        switch reply.status {
        case _ where reply.looksLikeHTML: return error(.htmlPage(status: reply.status))
        case 400: return error(.badResponse("HTTP 400"), detail: detail)
        case 401: return error(.unauthorized, detail: detail)
        case 403: return error(.forbidden, detail: detail)
        case 404: return error(.notFound)
        case 408: return error(.queryTimeout)
        case 500...599: return error(.serverError(status: reply.status), detail: detail)
        default: return error(.unexpectedStatus(reply.status), detail: detail)
        }
    }

    func error(_ code: RemoteError.Code, detail: String? = nil) -> RemoteError {
        RemoteError(code, service: .hardcover, method: "POST", url: HTTPTransport.display(connection.url),
                    tokenSource: connection.tokenSource, detail: detail)
    }

    private final class LastHeaders: @unchecked Sendable {
        private let lock = NSLock()
        private var headers = RateLimitHeaders()
        var value: RateLimitHeaders {
            get { lock.withLock { headers } }
            set { lock.withLock { headers = newValue } }
        }
    }
}
