import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Full-text search over the mirror, best matches first.",
            discussion: """
                Searches the mirrored items (title, subtitle, authors, narrators, series, description, \
                tags) and the tags of scanned files (title, album, artist, album artist, composer, \
                series, genre, path). Every word must match as a word prefix; accents and case are \
                ignored. Results are ranked (BM25, titles weigh most) and show a snippet with the \
                matched words marked. For items, "album" holds the series and "artist" the authors.

                Examples:
                  shelfmirror search sanderson
                  shelfmirror search "words of radiance" --limit 5
                  shelfmirror search bronte --format json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: ArgumentHelp("Words to look for.", valueName: "text"))
        var words: [String] = []

        @Option(help: "Show at most this many results.")
        var limit: Int = 20

        func validate() throws {
            if words.isEmpty { throw ValidationError("Give the words to search for, e.g. `shelfmirror search sanderson`.") }
            if limit < 1 { throw ValidationError("--limit must be at least 1.") }
        }

        func run() throws {
            let mirror = try global.settings.openMirrorReadOnly()
            let terminal = Terminal.current
            // On a colour terminal the matched words are bold: the snippet marks them with
            // random text that no value can hold, and the table, which escapes every value,
            // turns the marks into bold. Elsewhere they are brackets.
            let bold = output.format == .table && terminal.color
            let nonce = UUID().uuidString
            let marks = bold ? ("\u{E000}\(nonce)\u{E001}", "\u{E002}\(nonce)\u{E003}") : ("[", "]")
            let text = words.joined(separator: " ")
            guard let hits = try Reading.search(text, limit: limit, highlight: marks, mirror: mirror) else {
                throw UsageError(summary: "nothing to search for in \"\(TerminalText.line(text))\"", hint: "Give words with letters or digits.")
            }
            if hits.isEmpty, output.format == .table {
                Console.err("No match for \"\(TerminalText.line(text))\".")
                return
            }
            let writer = RowWriter(format: output.format, terminal: terminal, marks: bold ? marks : nil)
            writer.begin(columns: ["kind", "path", "title", "album", "artist", "snippet", "rank"])
            for hit in hits {
                writer.row([.text(hit.kind), .text(hit.path), hit.title.map { .text($0) } ?? .null,
                            hit.album.map { .text($0) } ?? .null, hit.artist.map { .text($0) } ?? .null,
                            .text(hit.snippet), .real((hit.rank * 1000).rounded() / 1000)])
            }
            writer.end()
        }
    }
}
