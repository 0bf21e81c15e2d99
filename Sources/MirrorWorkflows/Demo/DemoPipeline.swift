import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

/// The workflows `demo` runs, in order, on a mirror of its own against two servers it names (the
/// sample servers): the same calls the commands make, and the few figures the demo shows beside
/// them. It prints nothing; the demo command does.
public final class DemoPipeline: @unchecked Sendable {
    let mirror: Mirror
    let absURL: String
    let absToken: String
    let hardcoverURL: String
    let hardcoverToken: String

    public init(mirrorPath: String, absURL: String, absToken: String, hardcoverURL: String, hardcoverToken: String) throws {
        mirror = try Mirror.openForWriting(path: mirrorPath)
        self.absURL = absURL
        self.absToken = absToken
        self.hardcoverURL = hardcoverURL
        self.hardcoverToken = hardcoverToken
    }

    public func sync() async throws -> (abs: SyncSummary, hardcover: HardcoverSyncSummary) {
        let abs = try await ABSSync.run(mirror: mirror, client: try absClient())
        let hardcover = try await HardcoverSync.run(mirror: mirror, client: try hardcoverClient())
        return (abs, hardcover)
    }

    /// One scanned file with a composer and a series part, to show.
    public struct FileExample: Sendable {
        public var path: String
        public var format: String
        public var durationSeconds: Double
        public var bitrate: Int
        public var album: String
        public var artist: String
        public var composer: String
        public var series: String
        public var seriesPart: String
    }

    public func scan() throws -> (summary: ItemFilesScanSummary, example: FileExample?) {
        let summary = try ScanWorkflow.runForItems(mirror: mirror, pathMaps: [])
        let example = try rows("""
            SELECT path, format, duration_seconds, bitrate, album, artist, composer, series, series_part FROM file_tags
            WHERE composer IS NOT NULL AND series_part IS NOT NULL AND error IS NULL ORDER BY path LIMIT 1
            """).first.map { e in
            FileExample(path: e[0].text, format: e[1].text, durationSeconds: e[2].number, bitrate: Int(e[3].number), album: e[4].text,
                        artist: e[5].text, composer: e[6].text, series: e[7].text, seriesPart: e[8].text)
        }
        return (summary, example)
    }

    /// The match, and the reading formats of the editions these items matched.
    public func match(formatsOf itemIds: [String]) throws -> (summary: MatchSummary, formats: [String]) {
        let summary = try MatchWorkflow.run(mirror: mirror)
        guard !itemIds.isEmpty else { return (summary, []) }
        let formats = try rows("""
            SELECT e.reading_format FROM matches m JOIN hardcover_editions e ON e.id = m.edition_id
            WHERE m.item_id IN (\(itemIds.map(Self.quoted).joined(separator: ", ")))
            """).map { $0[0].text }
        return (summary, formats)
    }

    /// The open proposals, made under `policy`.
    public func diff(policy: DiffPolicy) throws -> [ChangeRow] {
        try ChangeListing.run(mirror: mirror, policy: policy, targets: [.abs], itemIds: nil, fields: nil, statuses: [.pending, .accepted]).rows
    }

    /// What an unattended run accepts (`ChangeSelection.automatic`).
    public func accept(minScore: Double) throws -> DecisionReport {
        try Decisions.decide(.accepted, .automatic(minScore: minScore), mirror: mirror)
    }

    public func push(dryRun: Bool) async throws -> PushSummary {
        try await PushWorkflow.run(mirror: mirror, client: try absClient(), options: PushOptions(dryRun: dryRun))
    }

    public func undo(runId: Int64?) async throws -> PushSummary {
        try await UndoWorkflow.run(mirror: mirror, client: try absClient(), runId: runId)
    }

    /// Stored proposals in these statuses.
    public func changes(itemIds: Set<String>? = nil, statuses: Set<ChangeStatus>) throws -> [ChangeRow] {
        try mirror.changeRows(itemIds: itemIds, statuses: statuses)
    }

    // MARK: - Listening state to Hardcover

    /// `diff --target hardcover`: the listening proposals, brought in step with the mirror; dates
    /// are days in `timeZone` (the demo's is UTC, so that it prints the same everywhere).
    public func listeningDiff(timeZone: TimeZone) throws -> ChangeListing.Report {
        try ChangeListing.run(mirror: mirror, policy: DiffPolicy(), listening: ListeningPolicy(timeZone: timeZone), targets: [.hardcover],
                              itemIds: nil, fields: nil, statuses: [.pending, .accepted])
    }

    /// These items as the listening diff sees them: their progress, and their book's place in the
    /// Hardcover user's library. Items it cannot push to (no match, no audiobook edition) are left out.
    public func listeningSubjects(itemIds: Set<String>) throws -> [ListeningSubject] {
        try mirror.listeningSubjects(itemIds: itemIds).subjects
    }

    /// `accept --target hardcover --replace`: every open listening proposal.
    public func acceptListening() throws -> DecisionReport {
        try Decisions.decide(.accepted, ChangeSelection(targets: [.hardcover], replace: true), mirror: mirror)
    }

    /// `push --target hardcover`.
    public func pushListening(dryRun: Bool) async throws -> PushSummary {
        try await HardcoverPushWorkflow.run(mirror: mirror, client: try hardcoverClient(), options: PushOptions(dryRun: dryRun))
    }

    /// `undo` of a Hardcover push run.
    public func undoListening(runId: Int64?) async throws -> PushSummary {
        try await HardcoverPushWorkflow.undo(mirror: mirror, client: try hardcoverClient(), runId: runId)
    }

    /// `gaps`: the items with listening state no push can write to Hardcover.
    public func gaps() throws -> [HardcoverGap] {
        try Reading.hardcoverGaps(mirror: mirror)
    }

    /// `link <item> <book>`: a person confirms a match. False when the book is not in the mirror.
    public func link(itemId: String, bookId: Int) throws -> Bool {
        if case .linked = try Linking.link(mirror: mirror, itemId: itemId, bookId: bookId) { return true }
        return false
    }

    func absClient() throws -> ABSClient {
        ABSClient(connection: try ABSConnection(url: absURL, token: absToken), httpClient: .mirror)
    }

    func hardcoverClient() throws -> HardcoverClient {
        let connection = try HardcoverConnection(url: hardcoverURL, token: hardcoverToken)
        // The sample Hardcover has no quota: no pacing.
        let limiter = RateLimiter(configuration: .init(perMinute: 1_000_000, burst: 60, dailyReserve: 0))
        return HardcoverClient(connection: connection, httpClient: .mirror, limiter: limiter)
    }

    /// Rows of a read-only query over the public views.
    func rows(_ sql: String) throws -> [[QueryValue]] {
        var out: [[QueryValue]] = []
        try mirror.query(sql, timeout: 10, columns: { _ in }, row: { out.append($0) })
        return out
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}

private extension QueryValue {
    var text: String {
        switch self {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        case .blob(let v): "\(v.count) bytes"
        }
    }

    var number: Double {
        switch self {
        case .integer(let v): Double(v)
        case .real(let v): v
        case .text(let v): Double(v) ?? 0
        default: 0
        }
    }
}
