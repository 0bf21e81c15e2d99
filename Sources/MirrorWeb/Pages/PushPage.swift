import Foundation
import MirrorCore
import MirrorWorkflows

/// What the push page shows for one target: the dry run's requests, or why there is none.
struct PushPreview {
    var target: PushTarget
    var summary: PushSummary?
    /// The dry run could not be made (no server configured, the server down): the message.
    var problem: String?
}

/// The push page: the exact requests of `push --dry-run` for each target with accepted
/// changes, then push and undo, each behind a confirmation.
enum PushPage {
    static func render(_ previews: [PushPreview], lastRun: PushRunRecord?, layout: Layout, flash: Flash?) -> String {
        var out = "<h1>Push</h1>\n<p class=\"meta\">What <code>shelfmirror push --dry-run</code> would send now. Nothing is sent until you confirm below.</p>\n"
        if previews.isEmpty {
            out += "<p class=\"card body\" data-test=\"push-preview\">Nothing to send: no accepted changes. Accept some on the <a href=\"/review\">review</a> page.</p>\n"
        }
        for p in previews {
            out += "<section class=\"card\" data-test=\"push-preview\" data-target=\"\(p.target.rawValue)\"><header><h2>\(p.target.serverName)</h2>"
            if let s = p.summary {
                out += "<span class=\"muted\">\(plural(s.planned.count, "request")) would change \(plural(s.pushed, "field")) of \(plural(s.items, "item")); "
                    + "\(plural(s.conflicts, "conflict"))</span></header><div class=\"body\">"
                for r in s.planned.prefix(200) {
                    out += "<pre class=\"req\" data-test=\"push-request\"><b>\(h(r.method)) \(h(r.path))</b>\n\(h(r.body))</pre>"
                }
                if s.planned.count > 200 { out += "<p class=\"muted\">… and \(s.planned.count - 200) more requests.</p>" }
                for problem in s.problems.prefix(50) { out += "<p class=\"muted\">\(h(problem.item)) — \(h(problem.field)): \(h(problem.reason))</p>" }
                if !s.planned.isEmpty {
                    out += layout.form("/push", fields: [("target", p.target.rawValue), ("confirm", "yes")], inPlace: false, content: """
                        <p><label><input type="checkbox" name="checked" value="yes" required> I have read these requests</label> \
                        <button type="submit" class="primary" data-test="push-confirm">Push to \(p.target.serverName)</button></p>
                        """)
                }
                out += "</div></section>\n"
            } else {
                out += "</header><div class=\"body\"><p data-test=\"push-problem\">\(h(p.problem ?? ""))</p></div></section>\n"
            }
        }
        if let run = lastRun, let id = run.id {
            out += "<section class=\"card\"><header><h2>Undo</h2></header><div class=\"body\"><p>The last push that changed something: "
                + "<a href=\"/history/\(id)\">run \(id)</a> (\(run.target.serverName), \(plural(run.pushed, "field")), \(h(run.startedAt))). "
                + "Undo sends its before-values back, with the same conflict check.</p>"
                + layout.form("/undo", fields: [("run", String(id)), ("confirm", "yes")], inPlace: false, content: """
                    <p><label><input type="checkbox" name="checked" value="yes" required> Revert run \(id)</label> \
                    <button type="submit" class="bad" data-test="undo-confirm">Undo run \(id)</button></p>
                    """) + "</div></section>\n"
        }
        return layout.page("Push", section: .push, flash: flash, content: out)
    }

    /// What a push or undo did.
    static func result(_ s: PushSummary, verb: String, target: PushTarget, layout: Layout) -> String {
        var out = "<h1>\(verb) to \(target.serverName)</h1>\n<p class=\"meta\" data-test=\"push-result\">"
        if s.runId == nil {
            out += "Nothing to send: no accepted changes."
        } else {
            out += "\(plural(s.pushed, "field")) of \(plural(s.items, "item")) in \(plural(s.requests, "request")) (run \(s.runId ?? 0)); "
                + "\(plural(s.conflicts, "conflict")), \(s.failed) failed."
            if s.deferred > 0 { out += " \(s.deferred) not sent (a request budget is spent): still accepted, push again later." }
        }
        out += "</p>\n"
        for p in s.problems.prefix(100) { out += "<p class=\"muted\">\(h(p.item)) — \(h(p.field)): \(h(p.reason))</p>\n" }
        out += "<p><a href=\"/history\">History</a> · <a href=\"/push\">Push page</a> · <a href=\"/review\">Review</a></p>\n"
        return layout.page(verb, section: .push, content: out)
    }
}
