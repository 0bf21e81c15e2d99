import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

public struct SyncOptions: Sendable {
    /// A library name or id; nil for every book library.
    public var library: String?
    /// Fetch every item again, changed or not.
    public var full = false
    public var pageSize = 500
    public var chunkSize = 100
    /// batch/get requests in flight at once: the next chunk downloads while one is stored.
    public var concurrentFetches = 2
    /// The secrets to scrub from the error a failed run stores (the settings' redactor); the
    /// client's own token is scrubbed in any case.
    public var redactor = Redactor()

    public init(library: String? = nil, full: Bool = false) {
        self.library = library
        self.full = full
    }
}

public struct SyncProgress: Sendable {
    public var library: String
    public var listed: Int
    public var total: Int
    public var fetched: Int
    public var requests: Int
}

public struct SyncSummary: Sendable {
    public var runId: Int64
    public var serverVersion: String
    public var libraries: [String]
    public var libraryIds: [String]
    /// Libraries left out, with why (podcasts).
    public var skipped: [(name: String, reason: String)]
    public var counts: SyncCounts
    /// The token's user's listening state, as stored.
    public var progress: ProgressSyncCount
    public var requests: Int
    public var seconds: Double
}

/// The listening state one sync stored: whose, how many books (finished among them), and the
/// entries left out because they could not be read.
public struct ProgressSyncCount: Sendable, Equatable {
    public var userId: String
    public var username: String
    public var stored: Int
    public var finished: Int
    public var skipped: Int
}

/// `sync --only abs`: snapshot AudiobookShelf libraries into the mirror, incrementally.
///
/// The listing is paged (500 per page, oldest first) and every entry fingerprinted; only new or
/// changed items are fetched expanded, 100 per batch/get. Each page and each chunk is one
/// transaction, so a killed sync keeps what it stored and the next one asks only for the rest.
/// Items missing from a complete listing are marked removed, never deleted. The token's user's
/// listening state (`/api/me`) replaces what the mirror held for that user.
public enum ABSSync {
    public static func run(
        mirror: Mirror,
        client: ABSClient,
        options: SyncOptions = SyncOptions(),
        progress: (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncSummary {
        let started = Date()
        // The server's version, the user and their listening state: one request, stored below.
        let (version, listening) = try await client.authorize()
        let all = try await client.libraries()
        let (selected, skipped) = try select(all, options.library)
        try mirror.saveLibraries(all)
        let runId = try mirror.beginSyncRun(source: .abs, server: Redactor.url(client.connection.baseURL.absoluteString),
                                            libraries: selected.map(\.name), full: options.full)
        var counts = SyncCounts()
        var listened = ProgressSyncCount(userId: listening.user.id, username: listening.user.username, stored: 0,
                                         finished: listening.progress.filter(\.isFinished).count, skipped: listening.skipped)
        do {
            listened.stored = try mirror.saveListening(listening)
            for library in selected {
                try await sync(library, mirror: mirror, client: client, options: options, runId: runId, counts: &counts, progress: progress)
            }
        } catch {
            try? mirror.finishSyncRun(id: runId, counts: counts, requests: client.requestCount,
                                      duration: Date().timeIntervalSince(started),
                                      error: options.redactor.adding([client.connection.token]).scrub(String(describing: error)))
            throw error
        }
        let seconds = Date().timeIntervalSince(started)
        try mirror.finishSyncRun(id: runId, counts: counts, requests: client.requestCount, duration: seconds, error: nil)
        return SyncSummary(runId: runId, serverVersion: version, libraries: selected.map(\.name),
                           libraryIds: selected.map(\.id), skipped: skipped,
                           counts: counts, progress: listened, requests: client.requestCount, seconds: seconds)
    }

    private static func sync(
        _ library: Library, mirror: Mirror, client: ABSClient, options: SyncOptions, runId: Int64,
        counts: inout SyncCounts, progress: (SyncProgress) -> Void
    ) async throws {
        let known = try mirror.knownItems(libraryId: library.id)
        var seen = Set<String>()
        var pending: [(id: String, fingerprint: String)] = []
        var page = 0
        var total = 0
        var fetched = 0
        // Chunks being downloaded (and decoded) while earlier ones are stored, in order.
        var inFlight: [(fingerprints: [String: String], task: Task<[LibraryItem], Error>)] = []
        defer { for flight in inFlight { flight.task.cancel() } }

        func storeOldest() async throws {
            let flight = inFlight.removeFirst()
            let items = try await flight.task.value
            try mirror.saveItems(items, fingerprints: flight.fingerprints)
            fetched += items.count
            progress(SyncProgress(library: library.name, listed: seen.count, total: total, fetched: fetched, requests: client.requestCount))
        }

        func fetch(_ chunk: [(id: String, fingerprint: String)]) async throws {
            let ids = chunk.map(\.id)
            let task = Task { try await client.batchGet(ids: ids) }
            inFlight.append((Dictionary(chunk.map { ($0.id, $0.fingerprint) }, uniquingKeysWith: { a, _ in a }), task))
            while inFlight.count >= max(1, options.concurrentFetches) { try await storeOldest() }
        }

        while true {
            let (pageTotal, entries) = try await client.itemsPage(libraryId: library.id, page: page, limit: options.pageSize)
            total = pageTotal
            let fresh = entries.filter { seen.insert($0.id).inserted }
            try mirror.recordListing(fresh, libraryId: library.id, runId: runId)
            counts.listed += fresh.count
            for entry in fresh {
                if let old = known[entry.id] {
                    guard options.full || old.fetchedFingerprint != entry.fingerprint else { continue }
                    if old.fetchedFingerprint == nil { counts.new += 1 } else if old.fetchedFingerprint != entry.fingerprint { counts.changed += 1 }
                } else {
                    counts.new += 1
                }
                pending.append((entry.id, entry.fingerprint))
            }
            while pending.count >= options.chunkSize {
                try await fetch(Array(pending.prefix(options.chunkSize)))
                pending.removeFirst(options.chunkSize)
            }
            page += 1
            progress(SyncProgress(library: library.name, listed: seen.count, total: total, fetched: fetched, requests: client.requestCount))
            if entries.count < options.pageSize || seen.count >= total { break }
        }
        if !pending.isEmpty { try await fetch(pending) }
        while !inFlight.isEmpty { try await storeOldest() }
        counts.fetched += fetched
        // Only a complete listing can say an item is gone.
        if seen.count >= total {
            counts.removed += try mirror.markItemsRemoved(libraryId: library.id, notSeenIn: runId)
        }
        progress(SyncProgress(library: library.name, listed: seen.count, total: total, fetched: fetched, requests: client.requestCount))
    }

    static func select(_ libraries: [Library], _ wanted: String?) throws -> ([Library], [(name: String, reason: String)]) {
        var skipped: [(name: String, reason: String)] = []
        if let wanted {
            guard let library = libraries.first(where: { $0.id == wanted || $0.name.caseInsensitiveCompare(wanted) == .orderedSame }) else {
                throw WorkflowError(summary: "AudiobookShelf has no library named \"\(wanted)\"",
                                hint: "Its libraries: \(libraries.map { "\($0.name) (\($0.id))" }.joined(separator: ", ")).", kind: .usage)
            }
            guard library.mediaType == "book" else {
                throw WorkflowError(summary: "\"\(library.name)\" is a \(library.mediaType) library; shelfmirror mirrors book libraries",
                                hint: nil, kind: .usage)
            }
            return ([library], [])
        }
        var books: [Library] = []
        for library in libraries {
            if library.mediaType == "book" { books.append(library) } else { skipped.append((library.name, "\(library.mediaType) library")) }
        }
        return (books, skipped)
    }
}
