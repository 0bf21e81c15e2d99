import Foundation
import MirrorCore
import MirrorWorkflows

/// Gaps: the items whose listening state cannot reach Hardcover, with the reason and next step.
enum GapsPage {
    static func render(_ gaps: [HardcoverGap], layout: Layout, flash: Flash?) -> String {
        var out = "<h1>Not on Hardcover</h1>\n<p class=\"meta\">\(plural(gaps.count, "item")) with listening progress that no push can write to Hardcover.</p>\n"
        guard !gaps.isEmpty else {
            return layout.page("Gaps", section: .gaps, flash: flash, content: out + "<p class=\"card body\">No gaps: every item you listened to can reach Hardcover.</p>")
        }
        out += "<table class=\"cards\" data-test=\"gaps-table\"><thead><tr><th>Item</th><th>Reason</th><th class=\"num\">Progress</th><th>Next step</th></tr></thead><tbody>"
        for g in gaps {
            out += "<tr data-test=\"gap-row\" data-item-id=\"\(h(g.itemId))\"><td data-label=\"Item\" dir=\"auto\"><a href=\"/item/\(segment(g.itemId))\">\(h(g.title ?? g.itemId))</a>"
                + "<div class=\"muted\">\(h(g.authors))</div></td><td data-label=\"Reason\">\(h(g.reason.rawValue.replacingOccurrences(of: "_", with: " ")))</td>"
                + "<td class=\"num\" data-label=\"Progress\">\(g.finished ? "finished" : String(format: "%.0f%%", g.progress * 100))</td>"
                + "<td data-label=\"Next step\">\(h(g.nextStep))</td></tr>"
        }
        return layout.page("Gaps", section: .gaps, flash: flash, content: out + "</tbody></table>\n")
    }
}

/// History: the push and undo runs, and one run's journal, field by field.
enum HistoryPage {
    static func render(_ runs: [PushRunRecord], layout: Layout, flash: Flash?) -> String {
        var out = "<h1>History</h1>\n<p class=\"meta\">\(plural(runs.count, "push run")), the latest first. The last one that changed something can be undone from the <a href=\"/push\">push page</a>.</p>\n"
        guard !runs.isEmpty else {
            return layout.page("History", section: .history, flash: flash, content: out + "<p class=\"card body\">No push yet.</p>")
        }
        out += "<table class=\"cards\" data-test=\"history-table\"><thead><tr><th>Run</th><th>Target</th><th>Started</th><th>Status</th>"
            + "<th class=\"num\">Items</th><th class=\"num\">Pushed</th><th class=\"num\">Conflicts</th><th class=\"num\">Failed</th><th class=\"num\">Requests</th></tr></thead><tbody>"
        for r in runs {
            let id = r.id ?? 0
            let status = r.status == .running && r.finishedAt == nil ? "running or interrupted" : r.status.rawValue
            let kind = r.kind.rawValue + (r.undoesRun.map { " of run \($0)" } ?? "")
            out += "<tr data-test=\"run-row\" data-run=\"\(id)\"><td data-label=\"Run\"><a href=\"/history/\(id)\">\(id)</a> <span class=\"muted\">\(kind)</span></td>"
                + "<td data-label=\"Target\">\(r.target == .abs ? "AudiobookShelf" : "Hardcover")</td><td data-label=\"Started\">\(h(r.startedAt))</td>"
                + "<td data-label=\"Status\">\(h(status))\(r.error.map { "<div class=\"muted\">\(h($0))</div>" } ?? "")</td>"
                + [r.items, r.pushed, r.conflicts, r.failed, r.requests].enumerated().map { n, v in
                    "<td class=\"num\" data-label=\"\(["Items", "Pushed", "Conflicts", "Failed", "Requests"][n])\">\(v)</td>"
                }.joined() + "</tr>"
        }
        return layout.page("History", section: .history, flash: flash, content: out + "</tbody></table>\n")
    }

    static func journal(run: Int64, _ entries: [JournalRecord], layout: Layout) -> String {
        var out = "<h1>Push run \(run)</h1>\n<p class=\"meta\"><a href=\"/history\">← all runs</a> · \(plural(entries.count, "field")) in its journal.</p>\n"
        guard !entries.isEmpty else { return layout.page("Run \(run)", section: .history, content: out + "<p class=\"card body\">This run changed nothing, or does not exist.</p>") }
        out += "<table class=\"cards\" data-test=\"journal-table\"><thead><tr><th>Item</th><th>Field</th><th>Before</th><th>After</th><th>State</th></tr></thead><tbody>"
        for e in entries {
            func text(_ json: String) -> String { ChangeField(rawValue: e.field).map { DiffDisplay.text(json, field: $0) } ?? DiffDisplay.text(json) }
            out += "<tr data-test=\"journal-row\"><td data-label=\"Item\"><a href=\"/item/\(segment(e.itemId))\">\(h(e.itemId))</a></td><td data-label=\"Field\">\(h(e.field))</td>"
                + "<td data-label=\"Before\" dir=\"auto\">\(h(e.beforeValue.map(text) ?? ""))</td><td data-label=\"After\" dir=\"auto\">\(h(e.afterValue.map(text) ?? ""))</td>"
                + "<td data-label=\"State\">\(h(e.state.rawValue))\(e.reason.map { "<div class=\"muted\">\(h($0))</div>" } ?? "")</td></tr>"
        }
        return layout.page("Run \(run)", section: .history, content: out + "</tbody></table>\n")
    }
}
