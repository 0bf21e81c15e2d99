import Foundation
import MirrorCore
@testable import MirrorStore
@testable import MirrorWorkflows
@testable import ShelfMirrorCLI
import TestSupport
import Testing

/// Values from servers and files that try to drive the terminal, run in a spreadsheet or
/// become markup: every human format shows them as text; JSON and CSV carry them as they are.
struct HostileOutputTests {
    static let pwned = "\u{1B}]0;PWNED\u{07}\u{1B}[2J"
    static let pwnedShown = #"\u{1B}]0;PWNED\u{7}\u{1B}[2J"#

    /// A mirror on disk whose one scanned file carries `title` (stored as it is: a scan would
    /// clean a tag's control characters, but not every value is a tag).
    static func mirror(title: String, in folder: TemporaryFolder) throws -> String {
        let path = folder.file("mirror.sqlite")
        let mirror = try Mirror.openForWriting(path: path)
        var tags = TagMap()
        tags.append("TITLE", title)
        tags.append("ARTIST", "Brandon Sanderson")
        let fileTags = FileTags(format: "MP3", audio: AudioProperties(durationMs: 600_000, bitrateKbps: 64, sampleRate: 44100, channels: 1, codec: "MP3"),
                                hasCover: false, tags: tags, chapters: [])
        try mirror.saveScanned([ScannedFile(path: "/books/a.mp3", sizeBytes: 100, mtimeNs: 1, outcome: .success(fileTags))],
                               runId: try mirror.beginScanRun(roots: ["/books"], full: false))
        try mirror.dbQueue.write { try $0.execute(sql: "UPDATE tag_file SET title = ?", arguments: [title]) }
        return path
    }

    static let pipe = Terminal(stdoutIsTTY: false, stderrIsTTY: false, color: false, width: 100)

    /// What a RowWriter wrote to a file.
    final class Captured {
        let folder: TemporaryFolder
        let path: String
        let handle: FileHandle
        init() throws {
            folder = try TemporaryFolder()
            path = folder.file("out.txt")
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        var text: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    }

    // MARK: - query and search

    @Test func queryShowsControlCharactersEscapedInTablesOnly() async throws {
        let folder = try TemporaryFolder()
        let db = try Self.mirror(title: "x", in: folder)
        let sql = "SELECT char(27) || ']0;PWNED' || char(7) || char(27) || '[2J' AS t, 'café 三体 🏜️' AS u, char(8238) || 'txt' AS b"
        let table = try await Binary.run(["query", sql, "--db", db])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains(Self.pwnedShown))
        #expect(table.stdout.contains("café 三体 🏜️"))
        #expect(table.stdout.contains(#"\u{202E}txt"#))
        #expect(!table.stdout.contains("\u{1B}") && !table.stdout.contains("\u{07}") && !table.stdout.contains("\u{202E}"))

        let json = try await Binary.run(["query", sql, "--db", db, "--format", "json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]]
        #expect(decoded?.first?["t"] == Self.pwned, "JSON carries the value as it is")
        let csv = try await Binary.run(["query", sql, "--db", db, "--format", "csv"])
        #expect(csv.stdout.contains(Self.pwned), "so does CSV")
    }

    @Test func searchShowsControlCharactersEscaped() async throws {
        let folder = try TemporaryFolder()
        let db = try Self.mirror(title: "Pwned \(Self.pwned) Book", in: folder)
        let result = try await Binary.run(["search", "pwned", "--db", db])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(#"Pwned \u{1B}]0;PWNED\u{7}\u{1B}[2J Book"#))
        #expect(!result.stdout.contains("\u{1B}"))
    }

    /// On a colour terminal the matched words are bold, and nothing else in the value is styled.
    @Test func searchHitsAreBoldAndTheRestEscaped() {
        let marks = ("\u{E000}nonce\u{E001}", "\u{E002}nonce\u{E003}")
        let colour = Terminal(stdoutIsTTY: true, stderrIsTTY: true, color: true, width: 100)
        let writer = RowWriter(format: .table, terminal: colour, marks: marks)
        writer.begin(columns: ["snippet"])
        let cell = writer.tableCell(.text("…\u{1B}[31m \(marks.0)Pwned\(marks.1) book\n"))
        #expect(cell.rendered(colour) == #"…\u{1B}[31m "# + "\u{1B}[1mPwned\u{1B}[0m book ")
        #expect(cell.count == "…\\u{1B}[31m Pwned book ".count)
    }

    @Test func aTableStreamsAndKeepsNoMoreThanItsCutOfEachValue() throws {
        let out = try Captured()
        let writer = RowWriter(format: .table, terminal: Self.pipe, to: out.handle)
        writer.begin(columns: ["n", "big"])
        let megabyte = String(repeating: "x", count: 1 << 20)
        let cell = writer.tableCell(.text(megabyte))
        #expect(cell.count == writer.cellLimit)
        #expect(cell.parts.map(\.text.utf8.count).reduce(0, +) <= 4 * writer.cellLimit)
        for n in 0..<RowWriter.sampleRows { writer.row([.integer(Int64(n)), .text(megabyte)]) }
        // The columns are sized on the sample, which is written before the output ends.
        #expect(out.text.hasPrefix("n     big\n───   ────"))
        for n in 0..<5 { writer.row([.integer(Int64(1_000_000 + n)), .text("short")]) }
        #expect(writer.end() == RowWriter.sampleRows + 5)
        let lines = out.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 2 + RowWriter.sampleRows + 5)
        #expect(lines.allSatisfy { $0.count <= 3 + 3 + writer.cellLimit })
        #expect(lines.last == "10…   short", "a later value wider than its column is cut to it")
    }

    @Test func queryRefusesATimeLimitThatIsNoLimit() async throws {
        let folder = try TemporaryFolder()
        let db = try Self.mirror(title: "x", in: folder)
        for value in ["nan", "inf", "0", "-1"] {
            let result = try await Binary.run(["query", "SELECT 1", "--db", db, "--timeout=\(value)"])
            #expect(result.status == 64, "\(value): \(result.stderr)")
            #expect(result.stderr.contains("--timeout"), "\(value)")
        }
    }

    @Test func queryAnswersReadingPragmasAndRefusesSettingsUnprepared() async throws {
        let folder = try TemporaryFolder()
        let db = try Self.mirror(title: "x", in: folder)
        let mode = try await Binary.run(["query", "PRAGMA journal_mode", "--db", db, "--format", "csv"])
        #expect(mode.status == 0, "\(mode.stderr)")
        #expect(mode.stdout == "journal_mode\r\nwal\r\n")
        // Prepared, this setting made the next allocation fail and the binary crash.
        for sql in ["PRAGMA hard_heap_limit = 1", "SELECT 1; PRAGMA hard_heap_limit = 1"] {
            let refused = try await Binary.run(["query", sql, "--db", db])
            #expect(refused.status == 64, "\(sql): \(refused.stderr)")
        }
    }

    // MARK: - diff and review

    static let hostileRows: [ChangeRow] = [
        DiffHTMLTests.row(1, "li_a", "Pwned \(pwned)", .title, "Old \u{202E}title", "New\u{85} title"),
        DiffHTMLTests.row(2, "li_a", "Pwned \(pwned)", .description, nil, "<script>alert(1)</script> | [x](http://evil.example) ![i](http://t.example/p.png) *a* `b`\nline"),
        DiffHTMLTests.row(3, "li_b", "=HYPERLINK(\"http://evil.example\",\"Click\")", .publisher, "'Salem's Lot", "=1+1"),
        DiffHTMLTests.row(4, "li_b", "=HYPERLINK(\"http://evil.example\",\"Click\")", .subtitle, "-2+3", "@SUM(A1)"),
        DiffHTMLTests.row(5, "li_c", "''Twice", .title, "\t=tab", "'quoted"),
    ]

    @Test func diffTableShowsControlCharactersEscaped() {
        let wide = Terminal(stdoutIsTTY: false, stderrIsTTY: false, color: false, width: 300)
        let table = DiffReport.table(Self.hostileRows, terminal: wide)
        #expect(table.contains(#"Pwned \u{1B}]0;PWNED\u{7}\u…"#), "titles are cut at 28 characters")
        #expect(table.contains(#"Old \u{202E}title"#))
        #expect(table.contains(#"New\u{85} title"#))
        #expect(!table.unicodeScalars.contains { TerminalText.isEscaped($0) && $0 != "\n" })
        #expect(table.split(separator: "\n").count == 1 + Self.hostileRows.count)
        #expect(DiffReport.table(Self.hostileRows, terminal: Self.pipe).split(separator: "\n").allSatisfy { $0.count <= Self.pipe.width })
    }

    @Test func diffMarkdownIsTextWhereverItIsRead() {
        let markdown = DiffReport.markdown(Self.hostileRows)
        #expect(!markdown.contains("<script>"))
        #expect(markdown.contains(#"&lt;script&gt;alert(1)&lt;/script&gt; \| \[x\](http://evil.example) !\[i\](http://t.example/p.png) \*a\* \`b\` line"#))
        #expect(markdown.contains(#"Pwned \\u{1B}\]0;PWNED\\u{7}\\u{1B}\[2J"#))
        // Every row is one line of exactly the table's columns.
        let lines = markdown.split(separator: "\n")
        #expect(lines.count == 2 + Self.hostileRows.count)
        for line in lines { #expect(line.replacingOccurrences(of: #"\|"#, with: "").filter { $0 == "|" }.count == 9, "\(line)") }
    }

    @Test func diffCSVCellsAreNeverFormulasAndImportGivesThemBack() throws {
        let csv = DiffReport.csv(Self.hostileRows)
        #expect(csv.contains(#""'=HYPERLINK(""http://evil.example"",""Click"")""#))
        #expect(csv.contains(",'=1+1,") && csv.contains(",'-2+3,") && csv.contains(",'@SUM(A1),") && csv.contains(",'\t=tab,"))
        #expect(csv.contains(",''quoted,") && csv.contains(",'''Twice,") && csv.contains(",''Salem's Lot,"))
        let lines = try DecisionImport.csv(csv)
        #expect(lines.map(\.proposed) == Self.hostileRows.map { Optional(DiffDisplay.text($0.proposed)) })
        #expect(lines.map(\.id) == Self.hostileRows.map { Optional(String($0.id)) })
        #expect(lines.map(\.status) == Self.hostileRows.map { Optional($0.status.rawValue) })
    }

    @Test func reviewShowsControlCharactersEscaped() {
        let item = ReviewItem(itemId: "li_a", title: "Pwned \(Self.pwned)", matchStatus: .needsReview, score: 0.8, bookId: 7,
                              bookTitle: "Book \u{1B}[8m", proposals: Array(Self.hostileRows.prefix(2)),
                              alternatives: [(bookId: 8, title: "Other\u{07}", authors: ["A\u{9B}2J"], score: 0.5)], position: 1, total: 1)
        let lines = TerminalDecider.lines(item, terminal: Self.pipe)
        let text = lines.joined(separator: "\n")
        #expect(text.contains(#"[1/1] Pwned \u{1B}]0;PWNED\u{7}\u{1B}[2J"#))
        #expect(text.contains(#"→ "Book \u{1B}[8m""#))
        #expect(text.contains(#"Old \u{202E}title"#))
        #expect(text.contains(#"1) "Other\u{7}" by A\u{9B}2J"#))
        #expect(!text.unicodeScalars.contains { TerminalText.isEscaped($0) && $0 != "\n" })
        #expect(lines.count == 4, "one line per proposal, whatever the values hold")
    }

    // MARK: - HTML

    /// The policy lets only the page's own script and style run, named by hash, not 'unsafe-inline'.
    @Test func theHTMLReportsPolicyNamesItsOwnScriptAndStyleByHash() throws {
        let html = DiffHTMLTests.html(Self.hostileRows)
        let policy = try #require(DiffHTMLTests.between(html, "http-equiv=\"Content-Security-Policy\" content=\"", "\"").first)
        #expect(!policy.contains("unsafe-inline"))
        func hash(_ text: String) -> String { "'sha256-" + Data(SHA256.digest(Array(text.utf8))).base64EncodedString() + "'" }
        let script = try #require(DiffHTMLTests.between(html, "<script>", "</script>").first)
        let style = try #require(DiffHTMLTests.between(html, "<style>", "</style>").first)
        #expect(policy.contains("script-src \(hash(script));"))
        #expect(policy.contains("style-src \(hash(style));"))
        #expect(policy.hasPrefix("default-src 'none';"))
    }

    // MARK: - A spreadsheet's round trip, end to end

    @Test func valuesThatLookLikeFormulasSurviveExportAndImport() async throws {
        let servers = try await HardcoverCommandTests.Servers.with(items: 30) { servers in
            let synced = try await Binary.run(["sync", "--db", servers.db] + HardcoverCommandTests.fast, environment: servers.environment())
            #expect(synced.status == 0, "\(synced.stderr)")
            return servers
        } // stopped: the rest is offline
        #expect(try await Binary.run(["match", "--db", servers.db]).status == 0)
        #expect(try await Binary.run(["diff", "--db", servers.db]).status == 0)

        let values = ["=1+1", "'Salem's Lot", "''", "=HYPERLINK(\"http://evil.example\",\"x\")"]
        var edited: [Int64: String] = [:]
        do {
            let mirror = try Mirror.openForWriting(path: servers.db)
            let rows = try mirror.changeRows(targets: [.abs], statuses: [.pending])
            try #require(rows.count >= values.count)
            for (row, value) in zip(rows, values) {
                try mirror.editChange(id: row.id, proposedJSON: JSONText.string(value))
                edited[row.id] = JSONText.string(value)
            }
        }
        let folder = try TemporaryFolder()
        let path = folder.file("d.csv")
        let export = try await Binary.run(["diff", "--db", servers.db, "--format", "csv", "-o", path])
        #expect(export.status == 0, "\(export.stderr)")
        let csv = try String(contentsOfFile: path, encoding: .utf8)
        #expect(csv.contains(",'=1+1,") && csv.contains(",''Salem's Lot,") && csv.contains(",''',"))
        // Decide in the "spreadsheet": accept every line, change no value.
        try csv.replacingOccurrences(of: ",pending,", with: ",accepted,").write(toFile: path, atomically: true, encoding: .utf8)

        let imported = try await Binary.run(["import-decisions", path, "--db", servers.db])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("(0 with your own value)"), "\(imported.stderr)")
        let mirror = try Mirror.openReadOnly(path: servers.db)
        for (id, json) in edited {
            let row = try #require(try mirror.changeRow(id: id))
            #expect(row.proposed == json)
            #expect(row.status == .accepted)
        }
    }
}
