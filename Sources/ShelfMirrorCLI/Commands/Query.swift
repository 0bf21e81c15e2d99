import ArgumentParser
import Foundation
import MirrorWorkflows

extension ShelfMirror {
    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query",
            abstract: "Run a read-only SQL query over the mirror.",
            discussion: """
                The mirror is opened read-only: one statement at a time, and statements that would \
                change it are refused, as are PRAGMAs that set something (PRAGMAs that read, such as \
                journal_mode, table_info(file_tags) or integrity_check, run). A query still running \
                after --timeout seconds is stopped. The public views (file_tags, scan_runs, ...) are \
                documented in schema/README.md; multi-valued columns are JSON (use json_each), times \
                are ISO-8601 UTC text. Give - to read the SQL from standard input.

                The table shows each value on one line, cut to its column, control characters as \
                \\u{1B}, and sizes its columns on the first 500 rows; csv, json and jsonl give every \
                value whole, as it is stored.

                Examples:
                  shelfmirror query "SELECT format, count(*) FROM file_tags GROUP BY format"
                  shelfmirror query "SELECT path, error FROM file_tags WHERE error IS NOT NULL" --format csv
                  shelfmirror query "SELECT album, json_extract(all_tags, '$.ASIN') FROM file_tags" --format jsonl
                  echo "SELECT count(*) FROM file_tags" | shelfmirror query -
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: ArgumentHelp("One SQL statement, or - for standard input.", valueName: "sql"))
        var sql: String

        @Option(help: "Stop the query after this many seconds.")
        var timeout: Double = 10

        func validate() throws {
            // NaN compares false with everything, and infinity is no limit: both are refused.
            guard timeout.isFinite, timeout > 0 else { throw ValidationError("--timeout must be a number of seconds more than 0.") }
        }

        func run() throws {
            var text = sql
            if text == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            }
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw UsageError(summary: "the SQL is empty", hint: "Example: shelfmirror query \"SELECT * FROM file_tags LIMIT 5\"")
            }
            let mirror = try global.settings.openMirrorReadOnly()
            let writer = RowWriter(format: output.format)
            var started = false
            try Reading.query(text, timeout: timeout, mirror: mirror, columns: {
                writer.begin(columns: $0)
                started = true
            }, row: writer.row)
            if started { writer.end() }
        }
    }
}
