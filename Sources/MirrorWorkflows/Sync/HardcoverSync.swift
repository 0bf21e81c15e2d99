import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

public struct HardcoverSyncOptions: Sendable {
    /// Look every item up again, however fresh its lookup.
    public var full = false
    /// A lookup or a book younger than this is not asked for again.
    public var freshnessDays = 30
    /// Identifiers (ISBN-13s, ISBN-10s and ASINs together) per editions query.
    public var identifiersPerQuery = 100
    /// Exact titles per books query.
    public var titlesPerQuery = 100
    /// Book ids per details query.
    public var booksPerQuery = 100
    /// Rows per page of a query (Hardcover caps nested lists at 100).
    public var rowsPerPage = 100
    /// Pages at most for one batch of titles (common titles match many books).
    public var maxPagesPerBatch = 3
    /// Audiobook editions fetched per book, most popular first (plus its default audio edition).
    public var editionsPerBook = 5
    /// Search hits kept per item.
    public var searchHits = 5
    /// The secrets to scrub from the error a failed run stores (the settings' redactor); the
    /// client's own token is scrubbed in any case.
    public var redactor = Redactor()

    public init(full: Bool = false) { self.full = full }
}

public struct HardcoverProgress: Sendable {
    public enum Phase: String, Sendable {
        case identifiers = "identifiers", titles = "exact titles", search = "search", details = "book details"
    }

    public var phase: Phase
    public var done: Int
    public var total: Int
    public var requestsUsed: Int
    /// What the run may still spend (run limit, daily quota above the reserve); nil when unknown.
    public var requestsLeft: Int?
    /// Seconds until done at the current rate, from the requests still expected.
    public var etaSeconds: Double?
}

public struct HardcoverSyncSummary: Sendable {
    public var runId: Int64
    /// Items in the mirror.
    public var items: Int
    /// Items whose lookup started over this run (new, changed, stale, or --full).
    public var lookedUp: Int
    public var changed: Int
    /// Items with a finished lookup, by how their candidates were found.
    public var resolutions: [LookupResolution: Int]
    /// Items whose lookup is not finished (a stopped run): the next run goes on with them.
    public var pending: Int
    public var booksFetched: Int
    /// Requests charged by Hardcover (top-level fields), and HTTP requests sent.
    public var requests: Int
    public var httpRequests: Int
    public var seconds: Double
    public var stopped: BudgetStop?
    public var dailyRemaining: Int?
    /// The token's user's library as stored this run; nil when it was not read (see `warnings`).
    public var library: HardcoverLibrarySyncCount?
    /// What went wrong without failing the run (a token that cannot read the library), one line each.
    public var warnings: [String] = []
}

/// The Hardcover library a sync stored: whose (Hardcover's user id), its books and reads, and the
/// rows left out as malformed.
public struct HardcoverLibrarySyncCount: Sendable, Equatable {
    public var userId: Int
    public var books: Int
    public var reads: Int
    public var skipped: Int

    public init(userId: Int, books: Int, reads: Int, skipped: Int) {
        self.userId = userId
        self.books = books
        self.reads = reads
        self.skipped = skipped
    }
}

/// `sync` for Hardcover: finds the books the library's items could match, spending as few of
/// Hardcover's requests as it can. Cheapest first: (1) identifiers, many per query; details of
/// the books found; (2) exact titles, many per query, details included; (3) one search per item
/// still unresolved; (4) details of the books the searches found. Every answer is stored in one
/// transaction with the items' progress, so a run stopped by a kill or a budget resumes where it
/// stopped; finished lookups stay fresh for `freshnessDays` unless the item's title, authors or
/// identifiers change.
public enum HardcoverSync {
    public static func run(
        mirror: Mirror,
        client: HardcoverClient,
        options: HardcoverSyncOptions = HardcoverSyncOptions(),
        now: Date = Date(),
        progress: @escaping (HardcoverProgress) -> Void = { _ in }
    ) async throws -> HardcoverSyncSummary {
        let started = Date()
        let runId = try mirror.beginSyncRun(source: .hardcover, server: Redactor.url(client.connection.url.absoluteString),
                                            libraries: [], full: options.full)
        var pass = Pass(mirror: mirror, client: client, options: options, runId: runId, progress: progress)
        var counts = SyncCounts()
        var stopped: BudgetStop? = nil
        var library: HardcoverLibrarySyncCount? = nil
        var warnings: [String] = []
        var libraryStop: BudgetStop? = nil
        do {
            // The library first, whole, every run (it changes on Hardcover too; one request per 500
            // books, five counted fields each), stored only when read whole. A budget it does not
            // fit (a run limit below its cost) is a warning, and the lookups go on with what is left:
            // the run ends stopped, and the catalog's work resumes as ever. A token that cannot read
            // the library still looks the catalog up.
            do {
                let read = try await client.userLibrary()
                let stored = try mirror.saveHardcoverLibrary(read)
                library = HardcoverLibrarySyncCount(userId: stored.userId, books: stored.books, reads: stored.reads,
                                                    skipped: read.skippedRows)
            } catch let e as RemoteError where e.code == .forbidden {
                warnings.append("library not read: \(e.summary)")
            } catch let stop as BudgetStop {
                libraryStop = stop
                warnings.append("library not read: \(describe(stop))")
            }
            let keys = try pass.prepare(now: now, counts: &counts)
            try await pass.identifiers(keys)
            try await pass.details()
            try await pass.titles(keys)
            try await pass.search(keys)
            try await pass.details()
        } catch let stop as BudgetStop {
            stopped = stop
        } catch {
            let used = await client.limiter.used
            counts.fetched = pass.booksFetched
            try? mirror.finishSyncRun(id: runId, counts: counts, requests: used, duration: Date().timeIntervalSince(started),
                                      error: options.redactor.adding([client.connection.token]).scrub(String(describing: error)))
            throw error
        }
        stopped = stopped ?? libraryStop
        counts.fetched = pass.booksFetched
        let used = await client.limiter.used
        let seconds = Date().timeIntervalSince(started)
        try mirror.finishSyncRun(id: runId, counts: counts, requests: used, duration: seconds, error: nil,
                                 stopReason: stopped.map(Self.describe))
        let tally = try mirror.hardcoverLookupTally()
        return HardcoverSyncSummary(
            runId: runId, items: counts.listed, lookedUp: counts.new + counts.changed, changed: counts.changed,
            resolutions: tally.resolvedBy, pending: tally.pending, booksFetched: pass.booksFetched, requests: used,
            httpRequests: client.httpRequests, seconds: seconds, stopped: stopped, dailyRemaining: await client.limiter.dailyRemaining,
            library: library, warnings: warnings)
    }

    public static func describe(_ stop: BudgetStop) -> String {
        switch stop {
        case .runLimit(let n): "the limit of \(n) requests for this run (--max-hardcover-requests) was reached"
        case .dailyReserve(let remaining, let reserve, _):
            "\(remaining) requests are left of today's Hardcover quota, and \(reserve) are kept in reserve"
        case .rateLimited(let seconds): "Hardcover asks to wait \(seconds) s before the next request"
        }
    }
}
