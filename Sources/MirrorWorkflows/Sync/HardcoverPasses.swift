import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

extension HardcoverSync {
    /// The passes of one Hardcover sync, over the items' lookup keys and stages.
    struct Pass {
        let mirror: Mirror
        let client: HardcoverClient
        let options: HardcoverSyncOptions
        let runId: Int64
        let progress: (HardcoverProgress) -> Void
        var booksFetched = 0
        private var stages: [String: LookupStage] = [:]
        private var startedAt = ISO8601.now()
        private var cutoff = ""

        init(mirror: Mirror, client: HardcoverClient, options: HardcoverSyncOptions, runId: Int64,
             progress: @escaping (HardcoverProgress) -> Void) {
            self.mirror = mirror
            self.client = client
            self.options = options
            self.runId = runId
            self.progress = progress
        }

        // MARK: - Which items to look up

        /// Restarts the lookups of new, changed and stale items (all with `full`); the others keep
        /// their stage, so an interrupted run goes on where it stopped.
        mutating func prepare(now: Date, counts: inout SyncCounts) throws -> [LookupKeys] {
            cutoff = ISO8601.string(now.addingTimeInterval(-Double(options.freshnessDays) * 86_400))
            startedAt = ISO8601.string(now)
            let inputs = try mirror.hardcoverLookupInputs()
            let states = try mirror.hardcoverLookupStates()
            var restarts: [(itemId: String, fingerprint: String, stage: LookupStage)] = []
            var keys: [LookupKeys] = []
            keys.reserveCapacity(inputs.count)
            for input in inputs {
                let k = input.keys
                keys.append(k)
                counts.listed += 1
                let first: LookupStage = k.hasIdentifiers ? .identifiers : .title
                if let state = states[k.itemId] {
                    if state.fingerprint != k.fingerprint {
                        counts.changed += 1
                    } else if options.full || (state.stage == .done && (state.finishedAt ?? "") < cutoff) {
                        counts.new += 1
                    } else {
                        stages[k.itemId] = state.stage
                        continue
                    }
                } else {
                    counts.new += 1
                }
                stages[k.itemId] = first
                restarts.append((k.itemId, k.fingerprint, first))
            }
            for chunk in stride(from: 0, to: restarts.count, by: 1000) {
                try mirror.startLookups(Array(restarts[chunk..<min(chunk + 1000, restarts.count)]), runId: runId)
            }
            return keys
        }

        // MARK: - (1) Identifiers

        mutating func identifiers(_ keys: [LookupKeys]) async throws {
            let items = keys.filter { stages[$0.itemId] == .identifiers }
            var batches: [[LookupKeys]] = []
            var current: [LookupKeys] = []
            var size = 0
            for k in items {
                let n = k.isbn13s.count + k.isbn10s.count + k.asins.count
                if !current.isEmpty, size + n > options.identifiersPerQuery {
                    batches.append(current)
                    current = []
                    size = 0
                }
                current.append(k)
                size += n
            }
            if !current.isEmpty { batches.append(current) }

            var done = 0
            for (n, batch) in batches.enumerated() {
                let isbn13 = Array(Set(batch.flatMap(\.isbn13s))).sorted()
                let isbn10 = Array(Set(batch.flatMap(\.isbn10s))).sorted()
                let asins = Array(Set(batch.flatMap(\.asins))).sorted()
                var editions: [HardcoverEdition] = []
                var offset = 0
                while true {
                    let page = try await client.editions(isbn13: isbn13, isbn10: isbn10, asins: asins,
                                                         limit: options.rowsPerPage, offset: offset)
                    editions += page
                    offset += options.rowsPerPage
                    // Shared ISBNs can bring many editions: up to four times the pages a title batch may take.
                    if page.count < options.rowsPerPage || offset >= options.rowsPerPage * options.maxPagesPerBatch * 4 { break }
                }
                var record = LookupBatch()
                record.editions = editions
                for k in batch {
                    let found = Self.candidates(for: k, in: editions)
                    record.candidates += found
                    if found.isEmpty {
                        record.advances.append(.init(itemId: k.itemId, stage: k.titles.isEmpty ? .search : .title))
                    } else {
                        record.advances.append(.init(itemId: k.itemId, stage: .done, resolvedBy: found.contains { $0.method == .asin } ? .asin : .isbn))
                    }
                }
                try apply(record)
                done += batch.count
                await report(.identifiers, done: done, total: items.count, expected: batches.count - n - 1)
            }
        }

        /// The editions that carry one of the item's identifiers, and how each matched.
        static func candidates(for k: LookupKeys, in editions: [HardcoverEdition]) -> [CandidateFound] {
            var out: [CandidateFound] = []
            for e in editions {
                let method: LookupMethod?
                if let asin = e.asin.flatMap(Identifiers.asin), k.asins.contains(asin) {
                    method = .asin
                } else if let isbn = (e.isbn13 ?? e.isbn10).flatMap(Identifiers.isbn13), k.isbn13s.contains(isbn) {
                    method = .isbn
                } else if let isbn = e.isbn10.flatMap(Identifiers.isbn13), k.isbn13s.contains(isbn) {
                    method = .isbn
                } else {
                    method = nil
                }
                if let method { out.append(CandidateFound(itemId: k.itemId, bookId: e.bookId, editionId: e.id, method: method)) }
            }
            return out
        }

        // MARK: - (2) Exact titles

        mutating func titles(_ keys: [LookupKeys]) async throws {
            let items = keys.filter { stages[$0.itemId] == .title }
            var record = LookupBatch()
            var batches: [[LookupKeys]] = []
            var current: [LookupKeys] = []
            var size = 0
            for k in items {
                if k.titles.isEmpty {
                    record.advances.append(.init(itemId: k.itemId, stage: k.searchText == nil ? .done : .search))
                    continue
                }
                if !current.isEmpty, size + k.titles.count > options.titlesPerQuery {
                    batches.append(current)
                    current = []
                    size = 0
                }
                current.append(k)
                size += k.titles.count
            }
            if !current.isEmpty { batches.append(current) }
            try apply(record)

            var done = 0
            for (n, batch) in batches.enumerated() {
                let titles = Array(Set(batch.flatMap(\.titles))).sorted()
                var books: [HardcoverBook] = []
                var offset = 0
                for _ in 0..<max(1, options.maxPagesPerBatch) {
                    let page = try await client.books(titles: titles, limit: options.rowsPerPage, offset: offset,
                                                      editionsPerBook: options.editionsPerBook)
                    books += page
                    offset += options.rowsPerPage
                    if page.count < options.rowsPerPage { break }
                }
                var record = LookupBatch()
                record.books = books
                booksFetched += books.count
                for k in batch {
                    let matches = books.filter { book in
                        k.titles.contains(book.title) || book.subtitle.map { k.titles.contains("\(book.title): \($0)") } == true
                    }
                    record.candidates += matches.map { CandidateFound(itemId: k.itemId, bookId: $0.id, method: .title) }
                    // The same title by someone else is kept as a candidate, but the item is searched
                    // for too: its own book may have another title on Hardcover.
                    if matches.contains(where: { k.authorsAgree(with: $0.authors) }) {
                        record.advances.append(.init(itemId: k.itemId, stage: .done, resolvedBy: .title))
                    } else {
                        record.advances.append(.init(itemId: k.itemId, stage: k.searchText == nil ? .done : .search))
                    }
                }
                try apply(record)
                done += batch.count
                await report(.titles, done: done, total: items.count, expected: batches.count - n - 1)
            }
        }

        // MARK: - (3) Search

        mutating func search(_ keys: [LookupKeys]) async throws {
            let items = keys.filter { stages[$0.itemId] == .search }
            var done = 0
            for k in items {
                var record = LookupBatch()
                if let text = k.searchText {
                    let hits = try await client.search(text, perPage: options.searchHits)
                    record.candidates = hits.prefix(options.searchHits).map {
                        CandidateFound(itemId: k.itemId, bookId: $0.bookId, method: .search, rank: $0.rank)
                    }
                    record.advances.append(.init(itemId: k.itemId, stage: .done, resolvedBy: hits.isEmpty ? LookupResolution.none : .search))
                } else {
                    record.advances.append(.init(itemId: k.itemId, stage: .done, resolvedBy: LookupResolution.none))
                }
                try apply(record)
                done += 1
                await report(.search, done: done, total: items.count, expected: items.count - done)
            }
        }

        // MARK: - (4) Book details

        /// Fetches the candidates' books (and the books merged duplicates point to) that the
        /// mirror lacks or holds from before the freshness window.
        mutating func details() async throws {
            let staleBefore = options.full ? startedAt : cutoff
            for _ in 0..<3 {
                let ids = try mirror.hardcoverBooksToFetch(staleBefore: staleBefore)
                guard !ids.isEmpty else { return }
                var done = 0
                let chunks = stride(from: 0, to: ids.count, by: options.booksPerQuery).map {
                    Array(ids[$0..<min($0 + options.booksPerQuery, ids.count)])
                }
                for (n, chunk) in chunks.enumerated() {
                    let books = try await client.books(ids: chunk, editionsPerBook: options.editionsPerBook)
                    var record = LookupBatch()
                    record.books = books
                    let returned = Set(books.map(\.id))
                    record.missingBooks = chunk.filter { !returned.contains($0) }
                    try apply(record)
                    booksFetched += books.count
                    done += chunk.count
                    await report(.details, done: done, total: ids.count, expected: chunks.count - n - 1)
                }
            }
        }

        // MARK: - Plumbing

        private mutating func apply(_ record: LookupBatch) throws {
            guard !record.books.isEmpty || !record.editions.isEmpty || !record.candidates.isEmpty
                || !record.advances.isEmpty || !record.missingBooks.isEmpty else { return }
            try mirror.recordLookupBatch(record, runId: runId)
            for a in record.advances { stages[a.itemId] = a.stage }
        }

        /// Progress with the requests still expected: this phase's, the searches waiting, and a
        /// details query per `booksPerQuery` items not yet detailed.
        private func report(_ phase: HardcoverProgress.Phase, done: Int, total: Int, expected: Int) async {
            let limiter = client.limiter
            let used = await limiter.used
            let left = await limiter.left
            let rate = await limiter.observedPerMinute ?? Double(limiter.configuration.perMinute)
            var remaining = max(0, expected)
            if phase != .search && phase != .details {
                remaining += stages.values.filter { $0 == .search }.count
            }
            if phase != .details { remaining += max(1, stages.count / max(1, options.booksPerQuery) / 4) }
            let eta = rate > 0 ? Double(remaining) / rate * 60 : nil
            progress(HardcoverProgress(phase: phase, done: done, total: total, requestsUsed: used, requestsLeft: left, etaSeconds: eta))
        }
    }
}
