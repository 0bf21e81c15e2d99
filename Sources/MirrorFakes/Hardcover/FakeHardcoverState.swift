/// Everything a fake Hardcover holds: the catalog, the users' libraries (user books and reads,
/// FakeHardcoverState+Library.swift), one quota (one token bucket and one daily count shared by all
/// tokens), injected faults and the request log. Tests read it directly; the HTTP side goes through
/// `admit`, `finish` and `mutate` (FakeHardcoverState+Admission.swift).
///
/// What a request costs (its `cost` in the log):
/// - 404, 401, 400 (malformed body, invalid query), injected faults and 429s: nothing; they never
///   reach the GraphQL engine.
/// - a 403 for a rule (too many top-level fields, a disabled operator, too deep): 1.
/// - a 403 for a mutation with a token that cannot write (insufficient_scope): 1.
/// - anything that reaches the engine, answered with data or with in-band errors: one per
///   top-level field (`__typename` free), at least 1; mutations as queries.
/// A request that costs more than the bucket holds, or than is left today, is answered 429.
public actor FakeHardcoverState {
    public nonisolated let catalog: FakeHardcoverCatalog
    public nonisolated let limits: FakeHardcoverLimits
    public nonisolated let clock: FakeHardcoverClock
    var limiter: HCRateLimiter
    var faults: [(fault: FakeHardcoverFault, remaining: Int)] = []
    var searchAsStringRemaining = 0
    /// `.mutationError` / `.mutationFailure`, taken one per mutation field.
    var mutationFaults: [(fault: FakeHardcoverFault, remaining: Int)] = []
    var log: [FakeHardcoverRequestRecord] = []
    var observer: (@Sendable (FakeHardcoverRequestRecord) -> Void)?
    var library = HCLibrary()

    public init(catalog: FakeHardcoverCatalog, limits: FakeHardcoverLimits = .free, clock: FakeHardcoverClock = .real) {
        self.catalog = catalog
        self.limits = limits
        self.clock = clock
        limiter = HCRateLimiter(limits: limits, now: clock.now())
    }

    // MARK: - Tokens

    /// User 1's personal access token with every scope.
    public static let validToken = "hc_pat_fake_1f0c6e2b9a7d4c3e8b5a0f9e2d7c4b1a"
    /// User 1's legacy JWT (before PATs); every scope as well.
    public static let legacyToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwidXNlcm5hbWUiOiJmYWtlLXJlYWRlciJ9.fake-hardcover-signature"
    /// Expired: 401 invalid_token.
    public static let expiredToken = "hc_pat_fake_expired_5c2a9e7b1d3f4a6c8e0b2d4f"
    /// User 1, scope read:catalog only: `me` and the library are "not found in type: 'query_root'";
    /// mutations are 403 insufficient_scope.
    public static let catalogOnlyToken = "hc_pat_fake_catalog_8d1b3f5a7c9e2d4b6a8c0e1f"
    /// User 1, scopes read:catalog, read:me and read:library: queries work; every mutation is
    /// 403 {"error":"insufficient_scope","scope":"write:library",...}.
    public static let readOnlyToken = "hc_pat_fake_readonly_3e7a1c9b5d2f4e6a8c0b1d3f"
    /// User 2 ("second-listener"), every scope.
    public static let secondUserToken = "hc_pat_fake_second_7b2d4f6a8c0e1a3c5e7b9d1f"
    /// The scope a mutation needs, as the fake names it in `scope` (Hardcover's name for it is not
    /// in the public docs).
    public static let writeScope = "write:library"

    /// What a valid token grants.
    struct Grant: Sendable {
        var user: FakeHardcoverUser
        /// Root fields its scopes do not show.
        var hiddenRootFields: Set<String> = []
        var canWrite = true
    }

    enum TokenCheck {
        case valid(Grant)
        case expired
        case unknown
    }

    static func check(token: String) -> TokenCheck {
        switch token {
        case validToken, legacyToken: .valid(Grant(user: .reader))
        case readOnlyToken: .valid(Grant(user: .reader, canWrite: false))
        case secondUserToken: .valid(Grant(user: .second))
        case catalogOnlyToken:
            .valid(Grant(user: .reader, hiddenRootFields: ["me", "user_books", "user_books_by_pk", "user_book_reads",
                                                           "user_book_reads_by_pk", "user_book_statuses"],
                         canWrite: false))
        case expiredToken: .expired
        default: .unknown
        }
    }

    // MARK: - Faults and the log

    /// The next `times` answers get `fault` (faults queue in the order injected);
    /// `.searchResultsAsString` applies to the next `times` requests that have a `search`;
    /// `.mutationError` and `.mutationFailure` to the next `times` mutation fields (their own queue).
    public func inject(_ fault: FakeHardcoverFault, times: Int = 1) {
        guard times > 0 else { return }
        if fault == .searchResultsAsString {
            searchAsStringRemaining += times
        } else if fault.isMutationFault {
            mutationFaults.append((fault, times))
        } else {
            faults.append((fault, times))
        }
    }

    public func clearFaults() {
        faults.removeAll()
        mutationFaults.removeAll()
        searchAsStringRemaining = 0
    }

    /// Every request answered, oldest first.
    public func requests() -> [FakeHardcoverRequestRecord] { log }

    public func resetLog() { log.removeAll() }

    /// Calls `handler` with every request answered from now on, as it is logged (in the state's
    /// isolation: keep it quick). For a process that serves the fake to report what it answered
    /// (`fake-abs --hardcover-log`); nil stops it.
    public func observeRequests(_ handler: (@Sendable (FakeHardcoverRequestRecord) -> Void)?) {
        observer = handler
    }

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

    /// Takes the next mutation fault, if any (called for every mutation field).
    func takeMutationFault() -> FakeHardcoverFault? {
        guard !mutationFaults.isEmpty else { return nil }
        let fault = mutationFaults[0].fault
        mutationFaults[0].remaining -= 1
        if mutationFaults[0].remaining <= 0 { mutationFaults.removeFirst() }
        return fault
    }

    /// Logs an answered request (every answer goes through here) and tells the observer.
    func record(_ record: FakeHardcoverRequestRecord) {
        log.append(record)
        observer?(record)
    }
}
