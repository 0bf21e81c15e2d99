/// Everything a fake Hardcover holds: the catalog, one account's quotas (one token bucket and one
/// daily count shared by all its tokens), injected faults and the request log. Tests read it
/// directly; the HTTP side goes through `admit` and `finish` (FakeHardcoverState+Admission.swift).
///
/// What a request costs (its `cost` in the log):
/// - 404, 401, 400 (malformed body, invalid query), injected faults and 429s: nothing; they never
///   reach the GraphQL engine.
/// - a 403 for a rule (too many top-level fields, a disabled operator, too deep): 1.
/// - anything that reaches the engine, answered with data or with in-band errors: one per
///   top-level field (`__typename` free), at least 1.
/// A request that costs more than the bucket holds, or than is left today, is answered 429.
public actor FakeHardcoverState {
    public nonisolated let catalog: FakeHardcoverCatalog
    public nonisolated let limits: FakeHardcoverLimits
    public nonisolated let clock: FakeHardcoverClock
    var limiter: HCRateLimiter
    var faults: [(fault: FakeHardcoverFault, remaining: Int)] = []
    var searchAsStringRemaining = 0
    var log: [FakeHardcoverRequestRecord] = []

    public init(catalog: FakeHardcoverCatalog, limits: FakeHardcoverLimits = .free, clock: FakeHardcoverClock = .real) {
        self.catalog = catalog
        self.limits = limits
        self.clock = clock
        limiter = HCRateLimiter(limits: limits, now: clock.now())
    }

    // MARK: - Tokens

    /// A personal access token with every scope.
    public static let validToken = "hc_pat_fake_1f0c6e2b9a7d4c3e8b5a0f9e2d7c4b1a"
    /// A legacy JWT (before PATs); works as well.
    public static let legacyToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwidXNlcm5hbWUiOiJmYWtlLXJlYWRlciJ9.fake-hardcover-signature"
    /// Expired: 401 invalid_token.
    public static let expiredToken = "hc_pat_fake_expired_5c2a9e7b1d3f4a6c8e0b2d4f"
    /// Scope read:catalog only: `me` is "not found in type: 'query_root'".
    public static let catalogOnlyToken = "hc_pat_fake_catalog_8d1b3f5a7c9e2d4b6a8c0e1f"

    enum TokenCheck {
        case valid(hiddenRootFields: Set<String>)
        case expired
        case unknown
    }

    static func check(token: String) -> TokenCheck {
        switch token {
        case validToken, legacyToken: .valid(hiddenRootFields: [])
        case catalogOnlyToken: .valid(hiddenRootFields: ["me"])
        case expiredToken: .expired
        default: .unknown
        }
    }

    // MARK: - Faults and the log

    /// The next `times` answers get `fault` (faults queue in the order injected);
    /// `.searchResultsAsString` applies to the next `times` requests that have a `search`.
    public func inject(_ fault: FakeHardcoverFault, times: Int = 1) {
        guard times > 0 else { return }
        if fault == .searchResultsAsString {
            searchAsStringRemaining += times
        } else {
            faults.append((fault, times))
        }
    }

    public func clearFaults() {
        faults.removeAll()
        searchAsStringRemaining = 0
    }

    /// Every request answered, oldest first.
    public func requests() -> [FakeHardcoverRequestRecord] { log }

    public func resetLog() { log.removeAll() }

    /// Requests counted today, left today, and the tokens in the bucket now.
    public func usage() -> (usedToday: Int, remainingToday: Int, bucket: Double) {
        limiter.advance(to: clock.now())
        return (limiter.usedToday, limiter.remainingToday, limiter.tokens)
    }

    /// Takes the next injected fault, if any (called first for every request).
    func takeFault() -> FakeHardcoverFault? {
        guard !faults.isEmpty else { return nil }
        let fault = faults[0].fault
        faults[0].remaining -= 1
        if faults[0].remaining <= 0 { faults.removeFirst() }
        return fault
    }

    func record(_ record: FakeHardcoverRequestRecord) { log.append(record) }
}
