import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show what the mirror holds and how fresh it is.",
            discussion: """
                Examples:
                  shelfmirror status
                  shelfmirror status --format json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        /// "12 auto, 3 needs_review" in a fixed order (the statuses' raw values); "none" when empty.
        static func counts<Status: RawRepresentable<String> & Hashable>(_ values: [Status: Int], order: [Status]) -> String {
            let parts = order.compactMap { key in values[key].map { "\($0) \(key.rawValue)" } }
            return parts.isEmpty ? "none" : parts.joined(separator: ", ")
        }

        func run() throws {
            let settings = try global.settings
            let path = settings.database.value
            let report = try Reading.status(mirror: try settings.openMirrorReadOnly())
            let (s, size) = (report.mirror, report.sizeBytes)
            let formats = s.formats.map { "\($0.format) \($0.count)" }.joined(separator: ", ")
            let lastScan = s.lastScan.map {
                "\($0.finishedAt ?? $0.startedAt) (\($0.status); \($0.seen) files, \($0.errors) unreadable)"
            } ?? "never"
            let lastSync = s.lastSync.map {
                "\($0.finishedAt ?? $0.startedAt) (\($0.status); \($0.listed) listed, \($0.fetched) fetched, \($0.requests) requests)"
                    + ($0.error.map { "; \($0)" } ?? "")
            } ?? "never"
            let h = s.hardcover
            let found = [LookupResolution.asin, .isbn, .title, .search].compactMap { key in h.resolutions[key].map { "\($0) by \(key.rawValue)" } }
            let lookups = found.joined(separator: ", ") + (found.isEmpty ? "" : ", ")
                + "\(h.resolutions[LookupResolution.none] ?? 0) not found, \(h.pending) waiting"
            let lastHardcover = h.lastSync.map {
                "\($0.finishedAt ?? $0.startedAt) (\($0.status); \($0.listed) items, \($0.fetched) books fetched, \($0.requests) requests)"
                    + ($0.error.map { "; \($0)" } ?? "")
            } ?? "never"
            let rows: [(String, String)] = [
                ("mirror", path),
                ("size_bytes", String(size)),
                ("schema", s.schemaSteps.joined(separator: ", ")),
                ("libraries", s.libraries.isEmpty ? "none" : s.libraries.joined(separator: ", ")),
                ("items", String(s.items)),
                ("items_removed", String(s.itemsRemoved)),
                ("last_sync", lastSync),
                ("hardcover_books", "\(h.books) (\(h.editions) editions)"),
                ("hardcover_lookups", lookups),
                ("last_hardcover_sync", lastHardcover),
                ("not_on_hardcover", h.gaps == 0 ? "none" : "\(h.gaps) item\(h.gaps == 1 ? "" : "s") with listening state (shelfmirror gaps)"),
                ("matches", Self.counts(s.decisions.matchCounts, order: [MatchStatus.auto, .needsReview, .unmatched, .confirmed, .rejected, .ignored])),
                ("changes", Self.counts(s.decisions.changeCounts, order: [ChangeStatus.pending, .accepted, .pushed, .rejected, .conflict, .failed, .superseded])),
                ("last_push", s.decisions.lastPush ?? "never"),
                ("files", String(s.files)),
                ("files_unreadable", String(s.filesWithErrors)),
                ("files_removed", String(s.filesRemoved)),
                ("formats", formats.isEmpty ? "none" : formats),
                ("audio_hours", String(format: "%.1f", s.totalDurationSeconds / 3600)),
                ("last_scan", lastScan),
            ]
            if output.format == .table {
                let width = rows.map(\.0.count).max() ?? 0
                for (key, value) in rows {
                    Console.out(key.replacingOccurrences(of: "_", with: " ").padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
                }
            } else {
                let writer = RowWriter(format: output.format)
                writer.begin(columns: rows.map(\.0))
                writer.row(rows.map { .text($0.1) })
                writer.end()
            }
        }
    }
}
