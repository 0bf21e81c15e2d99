import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Gaps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gaps",
            abstract: "List the items whose listening state cannot reach Hardcover, with the reason and the next step.",
            discussion: """
                "Not on Hardcover": every item (not removed, not ignored) the AudiobookShelf user \
                has finished or started — the user whose progress the last sync stored — that no \
                push can write to Hardcover. Reasons, the first that applies: no_match (no match, \
                or unmatched or rejected), needs_review, book_not_mirrored (the matched book is not \
                in the mirror yet), no_audiobook_edition (the matched book has no audiobook edition \
                on Hardcover). Offline: it reads the mirror only. The same rows are the view \
                hardcover_gaps (schema/README.md).

                Examples:
                  shelfmirror gaps
                  shelfmirror gaps --format json
                  shelfmirror gaps --format csv > gaps.csv
                  shelfmirror gaps --format html > gaps.html
                  shelfmirror query "SELECT reason, count(*) FROM hardcover_gaps GROUP BY 1"
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, jsonl, csv, markdown, html }

        @OptionGroup var global: GlobalOptions

        @Option(help: "Output format: table, json, jsonl, csv, markdown or html (one self-contained page).")
        var format: Format = .table

        func run() throws {
            let settings = try global.settings
            let gaps = try Reading.hardcoverGaps(mirror: try settings.openMirrorReadOnly())
            switch format {
            case .table: Console.out(GapsReport.text(gaps, terminal: Terminal.current), terminator: "")
            case .json: GapsReport.write(gaps, format: .json)
            case .jsonl: GapsReport.write(gaps, format: .jsonl)
            case .csv: GapsReport.write(gaps, format: .csv)
            case .markdown: Console.out(GapsReport.markdown(gaps), terminator: "")
            case .html:
                Console.out(GapsReport.html(gaps, title: "Not on Hardcover in " + URL(fileURLWithPath: settings.database.value).lastPathComponent,
                                            generatedAt: ISO8601.now()), terminator: "")
            }
            Console.err(gaps.isEmpty ? "Nothing is missing on Hardcover: every item with listening state can be pushed there."
                                     : "Not on Hardcover: \(gaps.count) item\(gaps.count == 1 ? "" : "s") with listening state.")
        }
    }
}
