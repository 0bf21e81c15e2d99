import Foundation

/// A request as the fake reads it: the /audiobookshelf prefix removed, the route found, the query
/// split, the body parsed as Express's json() would. Pure: built outside the state actor.
struct FakeCall: Sendable {
    enum Body: Sendable, Equatable {
        /// Express's req.body: {} when the request had no JSON (no or another Content-Type, or empty).
        case json(JSONValue)
        /// body-parser refused it: 400 before any route (and before auth).
        case malformed
        /// Over express.json's 10 MB limit.
        case tooLarge
    }

    static let routerBasePath = "/audiobookshelf"
    static let bodyLimit = 10 * 1024 * 1024

    var method: String
    /// The path as requested, for Express's "Cannot GET <path>".
    var requestedPath: String
    /// Without the prefix.
    var path: String
    var usedPrefix: Bool
    var rawQuery: String
    var query: [String: String]
    var authorization: String?
    var body: Body
    var route: FakeRoute
    /// The `:id` of the route (item, library, user or progress), if it has one.
    var parameter: String?
    /// The optional `:episodeId` of the progress routes.
    var episodeId: String?
    /// Under /api: authentication runs first.
    var isAPI: Bool

    init(method: String, path requested: String, query rawQuery: String?, authorization: String?,
         contentType: String?, body bytes: [UInt8]?) {
        self.method = method.uppercased()
        self.requestedPath = requested
        self.rawQuery = rawQuery ?? ""
        self.query = Self.parseQuery(rawQuery ?? "")
        self.authorization = authorization

        // ABS prefixes every URL that does not start with the base path, then mounts its router
        // there: "/api/me" and "/audiobookshelf/api/me" are the same; "/audiobookshelfX" matches nothing.
        var path = requested
        var mounted = true
        usedPrefix = requested.hasPrefix(Self.routerBasePath)
        if usedPrefix {
            let rest = requested.dropFirst(Self.routerBasePath.count)
            if rest.isEmpty || rest.hasPrefix("/") {
                path = rest.isEmpty ? "/" : String(rest)
            } else {
                mounted = false
            }
        }
        self.path = path

        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        if segments.first == "" { segments.removeFirst() }
        if segments.count > 1, segments.last == "" { segments.removeLast() }
        isAPI = mounted && segments.first?.lowercased() == "api"
        (route, parameter) = mounted ? Self.classify(method: self.method, segments) : (.unknown, nil)
        if route == .progress || route == .updateProgress, segments.count == 5 { episodeId = segments[4] }

        if let bytes, bytes.count > Self.bodyLimit {
            body = .tooLarge
        } else if Self.isJSON(contentType), let bytes, !bytes.isEmpty {
            body = JSONValue.parseStrict(bytes).map(Body.json) ?? .malformed
        } else {
            body = .json(.object([:]))
        }
    }

    /// passport-jwt: "Bearer <token>" (any case) first, else ?token=.
    var token: String? {
        if let authorization {
            let parts = authorization.split(whereSeparator: \.isWhitespace)
            if parts.count >= 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
        }
        return query["token"]
    }

    /// The query string with any token value replaced, for the request log.
    var redactedQuery: String {
        rawQuery.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            pair.split(separator: "=", maxSplits: 1).first.map { $0.lowercased() == "token" } == true
                ? "token=REDACTED" : String(pair)
        }.joined(separator: "&")
    }

    private static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return mediaType == "application/json"
    }

    /// qs-style: "+" is a space, percent-escapes decoded, the first value of a repeated key wins.
    private static func parseQuery(_ raw: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in raw.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(parts[0])
            if result[key] == nil { result[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return result
    }

    /// Express routes match case-insensitively and accept a trailing slash.
    private static func classify(method: String, _ segments: [String]) -> (FakeRoute, String?) {
        let s = segments.map { $0.lowercased() }
        switch (method, s.count) {
        case ("GET", 1) where s[0] == "status": return (.status, nil)
        case ("GET", 1) where s[0] == "ping" || s[0] == "healthcheck": return (.health, nil)
        case ("GET", 2) where s == ["api", "me"]: return (.me, nil)
        case ("GET", 2) where s == ["api", "libraries"]: return (.libraries, nil)
        case ("GET", 3) where s[0] == "api" && s[1] == "libraries": return (.libraries, segments[2])
        case ("GET", 4) where s[0] == "api" && s[1] == "libraries" && s[3] == "items": return (.libraryItems, segments[2])
        case ("POST", 4) where s == ["api", "items", "batch", "get"]: return (.batchGet, nil)
        case ("POST", 4) where s == ["api", "items", "batch", "update"]: return (.batchUpdate, nil)
        case ("GET", 3) where s[0] == "api" && s[1] == "items": return (.item, segments[2])
        case ("PATCH", 4) where s[0] == "api" && s[1] == "items" && s[3] == "media": return (.patchMedia, segments[2])
        case ("POST", 2) where s == ["api", "authorize"]: return (.authorize, nil)
        case ("GET", 3) where s == ["api", "me", "progress"]: return (.progress, nil)
        case ("GET", 3) where s == ["api", "me", "items-in-progress"]: return (.itemsInProgress, nil)
        // Registered before /me/progress/:id/:episodeId?, so it wins.
        case ("GET", 5) where s[0] == "api" && s[1] == "me" && s[2] == "progress" && s[4] == "remove-from-continue-listening":
            return (.hideProgress, segments[3])
        case ("GET", 4...5) where s[0] == "api" && s[1] == "me" && s[2] == "progress": return (.progress, segments[3])
        // PATCH /me/progress/batch/update is another route of ABS's, which the fake does not serve.
        case ("PATCH", 5) where s == ["api", "me", "progress", "batch", "update"]: return (.unknown, nil)
        case ("PATCH", 4...5) where s[0] == "api" && s[1] == "me" && s[2] == "progress": return (.updateProgress, segments[3])
        case ("GET", 3) where s[0] == "api" && s[1] == "users": return (.user, segments[2])
        default: return (.unknown, nil)
        }
    }
}

/// JavaScript's Number(string) for query values: "" is 0, "abc" is NaN.
func jsNumber(_ text: String) -> Double {
    let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if t.isEmpty { return 0 }
    let lower = t.lowercased()
    if lower.hasPrefix("0x"), let v = UInt64(lower.dropFirst(2), radix: 16) { return Double(v) }
    if ["infinity", "+infinity"].contains(lower) { return t.first == "I" || t.hasPrefix("+I") ? .infinity : .nan }
    if lower == "-infinity" { return t.hasPrefix("-I") ? -.infinity : .nan }
    guard t.allSatisfy({ "0123456789+-.eE".contains($0) }), let v = Double(t) else { return .nan }
    return v
}
