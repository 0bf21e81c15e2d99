import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Match: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "match",
            abstract: "Match every item to a Hardcover book, offline, with a score and an explanation.",
            discussion: """
                Each item is compared with its candidate books — those sync found for it, those with \
                an edition carrying its ASIN or ISBN, and full-text hits over Hardcover titles and \
                authors — on identifiers, title, authors, narrators, series and position, duration \
                and year. Each comparison is a named, weighted penalty; the score is 1 − Σ(w·p)/Σw. \
                A strong score with no close second is matched automatically (auto); a middling one, \
                or a close second, needs review; a low one is unmatched (its best candidate kept). \
                The edition chosen is an audiobook edition where the book has one.

                Only items whose metadata or candidates changed are scored again (--rematch scores \
                all). Items you linked, unlinked or ignored are never touched. Needs no network.

                Examples:
                  shelfmirror match
                  shelfmirror match --item li_8a7f… --rematch
                  shelfmirror query "SELECT status, count(*) FROM matches GROUP BY 1"
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Only this item (its id or exact title); repeat for more.", valueName: "item"))
        var item: [String] = []

        @Flag(help: "Score again even items whose inputs did not change.")
        var rematch = false

        func run() throws {
            let settings = try global.settings
            let mirror = try settings.openMirror()
            let ids = try ItemReference.resolve(item, mirror: mirror)
            let bar = ProgressLine(label: "Matching")
            let summary = try MatchWorkflow.run(mirror: mirror, options: MatchOptions(itemIds: ids, rematch: rematch, config: settings.matchConfig)) {
                bar.update(done: $0.done, total: $0.total)
            }
            bar.finish()
            if summary.items == 0 {
                throw UsageError(summary: "the mirror has no AudiobookShelf items to match", hint: "Run `shelfmirror sync` first.")
            }
            let s = summary.byStatus
            Console.err("Matched \(summary.items) items in " + String(format: "%.2f", summary.seconds) + " s: "
                + "\(s[.auto] ?? 0) auto, \(s[.needsReview] ?? 0) need review, \(s[.unmatched] ?? 0) unmatched; "
                + "\(summary.unchanged) unchanged, \(summary.pinned) decided by you; candidates gathered for \(summary.gathered)"
                + (summary.gathered == 0 && summary.scored == 0 ? " (nothing changed since the last match)." : "."))
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Show why an item matches (or not): every candidate with its penalties.",
            discussion: """
                Scores the item against its candidates now, from the mirror, and shows each \
                comparison: the penalty (0 agrees, 1 differs), its weight, and what was compared.

                Examples:
                  shelfmirror explain "The Way of Kings"
                  shelfmirror explain li_8a7f… --format json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: ArgumentHelp("The item: its id, or its exact title.", valueName: "item"))
        var item: String

        @Option(help: "Show at most this many candidates.")
        var candidates: Int = 5

        func run() throws {
            let settings = try global.settings
            let mirror = try settings.openMirrorReadOnly()
            let id = try ItemReference.resolve(item, mirror: mirror)
            guard let explanation = try MatchExplanation.of(itemId: id, mirror: mirror, config: settings.matchConfig) else {
                throw UsageError(summary: "no item \(item) in the mirror", hint: "Run `shelfmirror sync`, or check the id with `shelfmirror search`.")
            }
            let (result, stored, titles) = (explanation.result, explanation.stored, explanation.books)
            if output.format != .table {
                let writer = RowWriter(format: output.format)
                writer.begin(columns: ["rank", "book_id", "edition_id", "title", "authors", "score", "found_by", "penalty", "value", "weight", "note"])
                for (n, c) in result.ranked.prefix(candidates).enumerated() {
                    for p in c.penalties {
                        writer.row([.integer(Int64(n + 1)), .integer(Int64(c.bookId)), c.editionId.map { .integer(Int64($0)) } ?? .null,
                                    .text(titles[c.bookId]?.title ?? ""), .text(titles[c.bookId]?.authors.joined(separator: ", ") ?? ""),
                                    .real(c.score), .text(c.methods.map(\.rawValue).joined(separator: ",")), .text(p.kind.rawValue),
                                    .real(p.value), .real(p.weight), .text(p.note)])
                    }
                }
                writer.end()
                return
            }
            // Titles, names and notes come from the servers and the files: shown escaped, one line each.
            func text(_ s: String) -> String { TerminalText.line(s) }
            let i = explanation.item
            Console.out(text(i.title ?? "(untitled)") + (i.authors.isEmpty ? "" : " — \(text(i.authors.joined(separator: ", ")))") + "  [\(text(id))]")
            var facts: [String] = []
            if !i.narrators.isEmpty { facts.append("narrated by \(text(i.narrators.joined(separator: ", ")))") }
            if let s = i.series.first { facts.append("series \(text(s.name))" + (s.sequence.map { " #\(text($0))" } ?? "")) }
            if !i.asins.isEmpty { facts.append("ASIN \(text(i.asins.joined(separator: ", ")))") }
            if !i.isbn13s.isEmpty { facts.append("ISBN \(text(i.isbn13s.joined(separator: ", ")))") }
            if let d = i.durationSeconds { facts.append(String(format: "%.1f h", d / 3600)) }
            if let y = i.publishedYear { facts.append(String(y)) }
            if !facts.isEmpty { Console.out("  " + facts.joined(separator: "; ")) }
            let recommendation = "\(result.status.rawValue)" + (result.best.map { String(format: ", score %.3f", $0.score) } ?? "")
            if let stored, stored.pinned {
                Console.out("Decided by you: \(stored.status.rawValue)" + (stored.bookId.map { " (book \($0))" } ?? "") + "; scoring says \(recommendation).")
            } else {
                Console.out("Recommendation: \(recommendation).")
            }
            if result.ranked.isEmpty {
                Console.out("No candidates: sync found no Hardcover book for it, and no Hardcover title shares its words.")
                return
            }
            for (n, c) in result.ranked.prefix(candidates).enumerated() {
                let book = titles[c.bookId]
                Console.out("")
                Console.out(String(format: "%d. %.3f  ", n + 1, c.score) + "book \(c.bookId) \"\(text(book?.title ?? "?"))\""
                    + (book.map { $0.authors.isEmpty ? "" : " by \(text($0.authors.joined(separator: ", ")))" } ?? "")
                    + (c.editionId.map { ", edition \($0)" } ?? ", no audiobook edition")
                    + (c.methods.isEmpty ? ", found by full-text search" : ", found by \(c.methods.map(\.rawValue).joined(separator: ", "))"))
                for p in c.penalties {
                    Console.out("     " + p.kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                        + String(format: "%.2f × %-3g ", p.value, p.weight) + text(p.note))
                }
            }
        }
    }
}
