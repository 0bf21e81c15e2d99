import Foundation
import MirrorCore
@testable import MirrorStore
@testable import ShelfMirrorCLI
import TestSupport
import Testing

/// `diff --format html`: one self-contained page, escaped, grouped by item, words marked.
struct DiffHTMLTests {
    static func row(_ id: Int64, _ item: String, _ title: String?, _ field: ChangeField, _ current: String?, _ proposed: String,
                    source: Proposal.Source = .hardcover, status: ChangeStatus = .pending, match: MatchStatus? = .auto) -> ChangeRow {
        ChangeRow(id: id, itemId: item, itemTitle: title, field: field, current: current.map(JSONText.string),
                  proposed: JSONText.string(proposed), source: source, action: current == nil ? .fill : .replace, status: status,
                  matchStatus: source == .tags ? nil : match, score: source == .tags ? nil : 0.9321, bookId: source == .tags ? nil : 4_100)
    }

    static let sample: [ChangeRow] = [
        row(1, "li_a", "A Night in Ashdown", .title, "A Night in Ashdown Manor", "A Night at Ashdown Hall"),
        row(2, "li_a", "A Night in Ashdown", .narrators, nil, "Kate Porter"),
        row(3, "li_b", "三体", .title, "三体", "三體", status: .accepted, match: .needsReview),
        row(4, "li_c", "Dune 🏜️", .publisher, nil, "Ace", source: .tags),
        row(5, "li_c", "Dune 🏜️", .genres, "Science Fiction", "Science Fiction, Classics", status: .rejected),
        row(6, "li_c", "Dune 🏜️", .language, nil, "English", source: .tags),
    ]

    static func html(_ rows: [ChangeRow]) -> String {
        DiffReport.html(rows, title: "Proposed changes in test.sqlite", generatedAt: "2026-01-02T03:04:05.678Z")
    }

    /// The text between each `open` and the next `close`.
    static func between(_ text: String, _ open: String, _ close: String) -> [String] {
        text.components(separatedBy: open).dropFirst().map { $0.components(separatedBy: close)[0] }
    }

    /// The opening tag of every field row.
    static func changeTags(_ html: String) -> [String] { between(html, "<div class=\"change", ">") }

    @Test func hostileValuesAreEscapedNeverMarkup() {
        let attack = "</script><img src=x onerror=alert(1)>"
        let rows = [
            Self.row(1, "li_\"x'", "<b>Bold</b> & \"Co\"", .description, attack + "\nsecond line", "Plain & 'simple' \u{7}"),
            Self.row(2, "li_\"x'", "<b>Bold</b> & \"Co\"", .subtitle, nil, attack),
        ]
        let html = Self.html(rows)
        #expect(html.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>Bold"))
        #expect(html.components(separatedBy: "<script>").count == 2)
        #expect(html.components(separatedBy: "</script>").count == 2)
        #expect(html.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Co&quot;"))
        #expect(html.contains("data-search=\"&lt;b&gt;bold&lt;/b&gt; &amp; &quot;co&quot; li_&quot;x&#39;\""))
        #expect(html.contains("<ins>Plain &amp; &#39;simple&#39; \u{FFFD}</ins>"), "a control character is not passed on")
        #expect(html.contains("onerror=alert(1)&gt;\nsecond line</del>"), "line breaks are kept")
    }

    @Test func loadsNothingFromAnywhere() {
        let html = Self.html(Self.sample)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("content=\"default-src 'none';"))
        for reference in ["http:", "https:", "//", "url(", "@import", "src=", "<link", "<iframe"] {
            #expect(!html.contains(reference), "\(reference)")
        }
        let links = Self.between(html, "href=\"", "\"")
        #expect(!links.isEmpty && links.allSatisfy { $0.hasPrefix("#") })
    }

    @Test func oneSectionPerItemWithARowPerField() {
        // Rows of an item need not be together: each item is one section, in first-seen order.
        let rows = [Self.sample[0], Self.sample[3], Self.sample[1], Self.sample[4], Self.sample[5], Self.sample[2]]
        let sections = Self.html(rows).components(separatedBy: "<section class=\"item\"").dropFirst()
        #expect(sections.count == 3)
        #expect(sections.map { Self.changeTags($0).count } == [2, 3, 1])
        #expect(sections.map { Self.between($0, "<h2 dir=\"auto\">", "</h2>")[0] } == ["A Night in Ashdown", "Dune 🏜️", "三体"])
        #expect(sections.first?.contains("<span class=\"badge m-auto\">auto 0.93</span> <code class=\"id\">li_a</code>") == true)
        #expect(sections.last?.contains("<span class=\"badge m-needs_review\">needs review 0.93</span>") == true)
    }

    @Test func replaceMarksExactlyTheChangedWords() {
        let html = Self.html([Self.sample[0]])
        #expect(Self.between(html, "<del>", "</del>") == ["in", "Manor"])
        #expect(Self.between(html, "<ins>", "</ins>") == ["at", "Hall"])
        #expect(html.contains("A Night <del>in</del> Ashdown <del>Manor</del>"))
        #expect(html.contains("A Night <ins>at</ins> Ashdown <ins>Hall</ins>"))

        // A list: the comma goes with the removed name; adjacent changes are one run.
        let list = Self.html([Self.row(1, "li", "T", .authors, "Brandon Sanderson, Michael Kramer", "Brandon Sanderson")])
        #expect(Self.between(list, "<del>", "</del>") == [", Michael Kramer"])
        #expect(!list.contains("<ins>"))
        // No spaces between Chinese words: each character counts.
        let chinese = Self.html([Self.sample[2]])
        #expect(Self.between(chinese, "<del>", "</del>") == ["体"] && Self.between(chinese, "<ins>", "</ins>") == ["體"])
        // A kept comma between changed words does not split their run.
        #expect(WordDiff.marked("Alpha beta, gamma.", "Delta epsilon, zeta.") == ("<del>Alpha beta, gamma</del>.", "<ins>Delta epsilon, zeta</ins>."))
        // The same value in other white space is unchanged.
        #expect(WordDiff.marked("a  b\nc", "a b c") == ("a  b\nc", "a b c"))
    }

    @Test func fillShowsTheCurrentSideEmpty() {
        let html = Self.html([Self.sample[1]])
        #expect(html.contains("<div class=\"val cur\"><span class=\"lbl\">now</span><div class=\"text\" dir=\"auto\"><span class=\"none\">—</span></div></div>"))
        #expect(html.contains("<div class=\"val new added\"><span class=\"lbl\">proposed</span><div class=\"text\" dir=\"auto\">Kate Porter</div></div>"))
        #expect(!html.contains("<del>") && !html.contains("<ins>"))
    }

    @Test func everyRowCarriesWhatTheFiltersNeed() {
        let html = Self.html(Self.sample)
        let tags = Self.changeTags(html)
        #expect(tags.count == Self.sample.count)
        for (tag, row) in zip(tags, Self.sample) {
            #expect(tag.contains("data-status=\"\(row.status.rawValue)\" data-field=\"\(row.field.rawValue)\" data-target=\"\(row.target.rawValue)\" data-source=\"\(row.source.rawValue)\" "
                + "data-match=\"\(row.matchStatus?.rawValue ?? "none")\" data-action=\"\(row.action.rawValue)\""), "\(tag)")
        }
        // The filter bar shows only with the script; its choices are the values present, counted.
        #expect(html.contains("<form id=\"filters\" class=\"filters\" hidden>"))
        #expect(html.contains("<select name=\"source\"><option value=\"\">all sources</option><option value=\"hardcover\">hardcover (4)</option><option value=\"tags\">tags (2)</option></select>"))
        #expect(html.contains("<option value=\"none\">no match (2)</option>"))
        #expect(html.contains("<input type=\"search\" name=\"q\""))
        #expect(html.contains("<p id=\"count\" class=\"count\" aria-live=\"polite\">6 proposals</p>"))
    }

    @Test func sameRowsSamePageSummaryInAFixedOrder() {
        let rows = [Self.sample[4], Self.sample[2], Self.sample[0], Self.sample[1]]
        let html = Self.html(rows)
        #expect(html == Self.html(rows))
        let summary = Self.between(html, "<div class=\"summary\">", "</div>")[0]
        #expect(Self.between(summary, "<a href=\"#status=", "\"") == ["pending", "accepted", "rejected"])
        #expect(Self.between(summary, "<a href=\"#field=", "\"") == ["title", "narrators", "genres"])
        #expect(summary.contains("pending <b>2</b>") && summary.contains("title <b>2</b>"))
        #expect(html.contains("4 proposals for 3 items"))
    }

    @Test func longValuesAreClampedAndExpandable() {
        let long = String(repeating: "A very long description with many words. ", count: 30)
        let html = Self.html([Self.row(9, "li", "T", .description, nil, long)])
        #expect(html.contains("<div class=\"change long\""))
        #expect(html.contains("<input type=\"checkbox\" class=\"more\" id=\"more-9\""))
        #expect(html.contains("<label class=\"expand\" for=\"more-9\"></label>"))
        #expect(html.contains("<div class=\"text clamp\" dir=\"auto\">A very long"), "the long value is clamped")
        #expect(html.contains("<div class=\"text\" dir=\"auto\"><span class=\"none\">—</span>"), "the short one is not")
        #expect(html.contains(long), "the whole value is in the page")
        #expect(!Self.html([Self.sample[0]]).contains("class=\"more\""))
    }

    @Test func noRowsIsStillAPage() {
        let html = Self.html([])
        #expect(html.contains("Nothing to decide"))
        #expect(html.contains("0 proposals for 0 items"))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test func diffWritesTheReport() async throws {
        let servers = try await HardcoverCommandTests.Servers.with(items: 20) { servers in
            let sync = try await Binary.run(["sync", "--db", servers.db] + HardcoverCommandTests.fast, environment: servers.environment())
            #expect(sync.status == 0, "\(sync.stderr)")
            return servers
        } // stopped: the rest is offline
        #expect(try await Binary.run(["match", "--db", servers.db]).status == 0)
        let path = servers.folder.file("report.html")
        let run = try await Binary.run(["diff", "--db", servers.db, "--format", "html", "-o", path])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<h1 dir=\"auto\">Proposed changes in mirror.sqlite</h1>"))
        let proposals = Int(try await servers.value("SELECT count(*) FROM changes WHERE status = 'pending'")) ?? 0
        let items = Int(try await servers.value("SELECT count(DISTINCT item_id) FROM changes WHERE status = 'pending'")) ?? 0
        #expect(proposals > 0)
        #expect(Self.changeTags(html).count == proposals)
        #expect(html.components(separatedBy: "<section class=\"item\"").count - 1 == items)
    }
}
