import Foundation
import MirrorCore
import MirrorStore

/// Runs `match` over a labelled evaluation set (fixtures/eval: items, a catalog, the right book
/// of each item) in a throw-away mirror, and measures it: precision and recall of the automatic
/// matches, overall and per case.
public enum Evaluation {
    public struct Report: Sendable {
        public struct Row: Sendable {
            public var name: String
            public var items: Int
            /// Items with a right book in the catalog.
            public var labelled: Int
            public var auto: Int
            public var autoRight: Int
            public var needsReview: Int
            public var unmatched: Int
            /// Right book among the best candidates, whatever the status.
            public var bestRight: Int
            /// Right edition, of the auto matches to the right book that have a labelled edition.
            public var editionRight: Int
            public var editionLabelled: Int

            public var precision: Double { auto == 0 ? 1 : Double(autoRight) / Double(auto) }
            public var recall: Double { labelled == 0 ? 1 : Double(autoRight) / Double(labelled) }
        }

        public var total: Row
        public var cases: [Row]
        /// Items auto-matched to a wrong book: id, case, the book chosen, the right one.
        public var wrong: [(item: String, case: String, chosen: Int?, right: Int?)]
        public var seconds: Double
    }

    struct WireItem: Decodable {
        var id: String
        var title: String
        var subtitle: String?
        var authors: [String]
        var narrators: [String]
        var series: [SeriesEntry]
        var isbn: String?
        var asin: String?
        var duration_seconds: Double?
        var published_year: Int?
        var `case`: String
    }

    struct WireCatalog: Decodable {
        struct Series: Decodable { var name: String; var position: Double? }
        struct Edition: Decodable {
            var id: Int
            var title: String?
            var isbn_10: String?
            var isbn_13: String?
            var asin: String?
            var reading_format: String
            var audio_seconds: Int?
            var narrators: [String]
            var publisher: String?
            var language: String?
            var users_count: Int
        }
        struct Book: Decodable {
            var id: Int
            var title: String
            var subtitle: String?
            var authors: [String]
            var series: [Series]
            var release_year: Int?
            var audio_seconds: Int?
            var users_count: Int
            var default_audio_edition_id: Int?
            var editions: [Edition]
        }
        var books: [Book]
    }

    struct Label: Decodable {
        var book_id: Int?
        var edition_id: Int?
    }

    /// `keep`: a path to write the evaluation mirror to (for `explain`); else it lives in memory.
    public static func run(folder: URL, config: MatchConfig = MatchConfig(), keep: String? = nil) throws -> Report {
        let decoder = JSONDecoder()
        let items = try decoder.decode([WireItem].self, from: Data(contentsOf: folder.appendingPathComponent("items.json")))
        let catalog = try decoder.decode(WireCatalog.self, from: Data(contentsOf: folder.appendingPathComponent("catalog.json")))
        let labels = try decoder.decode([String: Label].self, from: Data(contentsOf: folder.appendingPathComponent("labels.json")))

        let mirror = try keep.map { try Mirror.openForWriting(path: $0) } ?? Mirror.inMemory()
        try mirror.saveLibraries([Library(id: "eval", name: "Evaluation", mediaType: "book", folders: ["/eval"])])
        let runId = try mirror.beginSyncRun(source: .abs, server: nil, libraries: ["Evaluation"], full: true)
        try mirror.recordListing(items.map { ListedItem(id: $0.id, updatedAtMs: 0, fingerprint: "eval") }, libraryId: "eval", runId: runId)
        try mirror.saveItems(items.map(libraryItem), fingerprints: Dictionary(uniqueKeysWithValues: items.map { ($0.id, "eval") }))
        try mirror.saveHardcoverBooks(catalog.books.map(book))

        let started = Date()
        _ = try MatchWorkflow.run(mirror: mirror, options: MatchOptions(config: config))
        let seconds = Date().timeIntervalSince(started)
        let results = try mirror.matchRows()

        var rows: [String: Report.Row] = [:]
        var total = Report.Row(name: "all", items: 0, labelled: 0, auto: 0, autoRight: 0, needsReview: 0, unmatched: 0,
                               bestRight: 0, editionRight: 0, editionLabelled: 0)
        var wrong: [(String, String, Int?, Int?)] = []
        for item in items {
            let label = labels[item.id]
            let result = results[item.id]
            var row = rows[item.case] ?? Report.Row(name: item.case, items: 0, labelled: 0, auto: 0, autoRight: 0, needsReview: 0,
                                                    unmatched: 0, bestRight: 0, editionRight: 0, editionLabelled: 0)
            func bump(_ path: WritableKeyPath<Report.Row, Int>) { row[keyPath: path] += 1; total[keyPath: path] += 1 }
            bump(\.items)
            if label?.book_id != nil { bump(\.labelled) }
            if result?.bookId == label?.book_id, label?.book_id != nil { bump(\.bestRight) }
            switch result?.status {
            case .auto?:
                bump(\.auto)
                if let right = label?.book_id, result?.bookId == right {
                    bump(\.autoRight)
                    if let edition = label?.edition_id {
                        bump(\.editionLabelled)
                        if result?.editionId == edition { bump(\.editionRight) }
                    }
                } else {
                    wrong.append((item.id, item.case, result?.bookId, label?.book_id))
                }
            case .needsReview?: bump(\.needsReview)
            default: bump(\.unmatched)
            }
            rows[item.case] = row
        }
        return Report(total: total, cases: rows.values.sorted { $0.name < $1.name }, wrong: wrong, seconds: seconds)
    }

    private static func libraryItem(_ w: WireItem) -> LibraryItem {
        var m = ItemMetadata()
        m.title = w.title
        m.subtitle = w.subtitle
        m.authors = w.authors
        m.narrators = w.narrators
        m.series = w.series
        m.isbn = w.isbn
        m.asin = w.asin
        m.publishedYear = w.published_year.map(String.init)
        return LibraryItem(id: w.id, libraryId: "eval", path: "/eval/\(w.id)", relPath: w.id, addedAtMs: 0, updatedAtMs: 0,
                           isMissing: false, metadata: m, tags: [], durationSeconds: w.duration_seconds ?? 0, sizeBytes: 0, audioFiles: [])
    }

    private static func book(_ w: WireCatalog.Book) -> HardcoverBook {
        HardcoverBook(
            id: w.id, title: w.title, subtitle: w.subtitle, authors: w.authors,
            contributors: w.authors.map { HardcoverContributor(name: $0) },
            series: w.series.map { HardcoverSeriesEntry(name: $0.name, position: $0.position) }, releaseYear: w.release_year,
            audioSeconds: w.audio_seconds, usersCount: w.users_count, defaultAudioEditionId: w.default_audio_edition_id,
            editions: w.editions.map { e in
                HardcoverEdition(id: e.id, bookId: w.id, title: e.title, isbn10: e.isbn_10, isbn13: e.isbn_13, asin: e.asin,
                                 readingFormat: HardcoverEdition.ReadingFormat(rawValue: e.reading_format) ?? .other,
                                 audioSeconds: e.audio_seconds, narrators: e.narrators, publisher: e.publisher, language: e.language,
                                 usersCount: e.users_count)
            })
    }
}
