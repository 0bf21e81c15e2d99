import Foundation
import HTTPTypes
import Hummingbird
import MirrorCore
import MirrorStore // the mirror's type, which actions open for writing
import MirrorWorkflows

/// The actions (POST): decide, edit, link, push, undo. Each needs the page's token, opens the
/// mirror for writing for itself alone, and goes through the workflows the CLI uses, so a
/// decision made here and one made with `accept` are the same row.
enum WebActions {
    /// What one action did: a reply for the script, and for a plain form where to go back.
    struct Outcome {
        var reply: ActionReply
        var status: HTTPResponse.Status = .ok
        /// The `done` code of the page a plain form returns to.
        var done: String?
    }

    static func register(on router: Router<BasicRequestContext>, site: WebSite) {
        router.post("/decide") { request, _ in
            try await action(site, request) { form, mirror in
                guard let id = form["change"].flatMap(Int64.init), let version = form["version"],
                      let status = ["accept": ChangeStatus.accepted, "reject": .rejected][form["decision"] ?? ""] else { return badForm }
                let outcome = try PageDecisions.decide(status, [(id, version)], mirror: mirror)
                return reply(outcome, ids: [id], mirror: mirror, done: status.rawValue, message: status == .accepted ? "Accepted." : "Rejected.")
            }
        }
        router.post("/edit") { request, _ in
            try await action(site, request) { form, mirror in
                guard let id = form["change"].flatMap(Int64.init), let version = form["version"], let text = form["value"] else { return badForm }
                let outcome = try PageDecisions.edit(changeId: id, version: version, text: text, mirror: mirror)
                return reply(outcome, ids: [id], mirror: mirror, done: "edited", message: "Your value is saved and accepted.", showValue: true)
            }
        }
        router.post("/item-decide") { request, _ in
            try await action(site, request) { form, mirror in
                let pairs = (form["versions"] ?? "").split(separator: ",").compactMap { pair -> (Int64, String)? in
                    let parts = pair.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, let id = Int64(parts[0]) else { return nil }
                    return (id, String(parts[1]))
                }
                guard !pairs.isEmpty, let decision = form["decision"], ["accept-all", "reject-all"].contains(decision) else { return badForm }
                let status: ChangeStatus = decision == "accept-all" ? .accepted : .rejected
                let outcome = try PageDecisions.decide(status, pairs, mirror: mirror)
                return reply(outcome, ids: pairs.map(\.0), mirror: mirror, done: status == .accepted ? "accepted-all" : "rejected-all",
                             message: "\(status == .accepted ? "Accepted" : "Rejected") \(plural(pairs.count, "proposal")).")
            }
        }
        router.post("/link") { request, _ in
            try await action(site, request) { form, mirror in
                guard let item = form["item"], let book = form["book"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
                    return Outcome(reply: ActionReply(ok: false, kind: "error", message: "Give a Hardcover book id (a number)."), status: .unprocessableContent)
                }
                switch try PageDecisions.link(itemId: item, bookId: book, editionId: form["edition"].flatMap(Int.init), mirror: mirror,
                                              policy: site.settings.diffPolicy, listening: site.settings.listeningPolicy) {
                case .linked(let linked, _):
                    return Outcome(reply: ActionReply(ok: true, kind: "ok", message: "Linked to \"\(linked.title)\" (\(linked.id)); its proposals were made again.",
                                                      reload: true), done: "linked")
                case .bookNotInMirror:
                    return Outcome(reply: ActionReply(ok: false, kind: "error", message: "Hardcover book \(book) is not in the mirror. "
                        + "The item page lists its candidates; sync brings the books items could match."), status: .notFound)
                case .editionNotOfBook:
                    return Outcome(reply: ActionReply(ok: false, kind: "error", message: "That edition is not an edition of book \(book)."),
                                   status: .unprocessableContent)
                }
            }
        }
        router.post("/push") { request, _ in
            try await confirmed(site, request) { form in
                guard let target = form["target"].flatMap(PushTarget.init(rawValue:)) else { return Replies.text("Which target?\n", status: .badRequest) }
                let summary = try await site.writing { mirror in
                    switch target {
                    case .abs: try await PushWorkflow.run(mirror: mirror, settings: site.settings)
                    case .hardcover: try await HardcoverPushWorkflow.run(mirror: mirror, settings: site.settings)
                    }
                }
                return Replies.html(PushPage.result(summary, verb: "Pushed", target: target, layout: try layout(site)))
            }
        }
        router.post("/undo") { request, _ in
            try await confirmed(site, request) { form in
                guard let run = form["run"].flatMap(Int64.init), let target = try PushHistory.target(ofRun: run, mirror: site.reader) else {
                    return WebPages.problem(site, "No such push run. The history page lists them.", status: .notFound, back: "/history")
                }
                let summary = try await site.writing { mirror in
                    switch target {
                    case .abs: try await UndoWorkflow.run(mirror: mirror, settings: site.settings, runId: run)
                    case .hardcover: try await HardcoverPushWorkflow.undo(mirror: mirror, settings: site.settings, runId: run)
                    }
                }
                return Replies.html(PushPage.result(summary, verb: "Reverted", target: target, layout: try layout(site)))
            }
        }
    }

    static let badForm = Outcome(reply: ActionReply(ok: false, kind: "error", message: "The form is incomplete: reload the page and try again."),
                                 status: .badRequest)

    /// The push preview of each target with accepted changes: `push --dry-run`'s requests.
    static func previews(_ site: WebSite) async -> [PushPreview] {
        guard let targets = try? PushHistory.targetsWithAcceptedChanges(mirror: site.reader) else { return [] }
        var out: [PushPreview] = []
        for target in targets {
            do {
                let summary = try await site.writing { mirror in
                    switch target {
                    case .abs: try await PushWorkflow.run(mirror: mirror, settings: site.settings, options: PushOptions(dryRun: true))
                    case .hardcover: try await HardcoverPushWorkflow.run(mirror: mirror, settings: site.settings, options: PushOptions(dryRun: true))
                    }
                }
                out.append(PushPreview(target: target, summary: summary))
            } catch {
                out.append(PushPreview(target: target, problem: message(site, error)))
            }
        }
        return out
    }

    /// Reads the form, checks the token, runs `body` with the mirror open for writing, and
    /// answers the script with JSON or a plain form with a redirect back (or a page saying why not).
    static func action(_ site: WebSite, _ request: Request, _ body: @escaping ([String: String], Mirror) throws -> Outcome) async throws -> Response {
        let form = try await readForm(request)
        let json = Replies.wantsJSON(request)
        guard tokenMatches(site, request, form) else {
            return Replies.refused("the page's token is missing or old (reload the page)", request: request)
        }
        let back = WebForm.localPath(form["back"], fallback: "/review")
        let outcome: Outcome
        do {
            outcome = try site.writing { mirror in try body(form, mirror) }
        } catch {
            // The mirror busy with another command: try again (409); anything else is ours (500).
            let status: HTTPResponse.Status = (error as? any UserFacingError)?.kind == .unavailable ? .conflict : .internalServerError
            let reply = ActionReply(ok: false, kind: "error", message: message(site, error))
            return json ? Replies.json(reply, status: status) : WebPages.problem(site, reply.message, status: status, back: back)
        }
        if json { return Replies.json(outcome.reply, status: outcome.status) }
        guard outcome.reply.ok else { return WebPages.problem(site, outcome.reply.message, status: outcome.status, back: back) }
        let path = back.split(separator: "#", maxSplits: 1).first.map(String.init) ?? back
        return Replies.redirect(to: path + (path.contains("?") ? "&" : "?") + "done=\(outcome.done ?? "accepted")")
    }

    /// Push and undo: a plain form with its confirmation ticked, and the token.
    static func confirmed(_ site: WebSite, _ request: Request, _ body: ([String: String]) async throws -> Response) async throws -> Response {
        let form = try await readForm(request)
        guard tokenMatches(site, request, form) else {
            return Replies.refused("the page's token is missing or old (reload the page)", request: request)
        }
        guard form["confirm"] == "yes", form["checked"] == "yes" else {
            return WebPages.problem(site, "Tick the confirmation first: nothing was sent.", status: .badRequest, back: "/push")
        }
        do {
            return try await body(form)
        } catch {
            return WebPages.problem(site, message(site, error), status: .badGateway, back: "/push")
        }
    }

    static func reply(_ outcome: PageDecision, ids: [Int64], mirror: Mirror, done: String, message: String, showValue: Bool = false) -> Outcome {
        func changes() -> [ActionReply.Change] {
            ids.compactMap { id in
                (try? PageDecisions.row(id, mirror: mirror))?.map { r in
                    ActionReply.Change(id: r.id, status: r.status.rawValue, version: r.version,
                                       proposed: showValue ? DiffDisplay.text(r.proposed, field: r.field) : nil)
                } ?? nil
            }
        }
        switch outcome {
        case .decided:
            return Outcome(reply: ActionReply(ok: true, kind: "ok", message: message, changes: changes()), done: done)
        case .stale(let now):
            return Outcome(reply: ActionReply(ok: false, kind: "stale", message: "This proposal changed since the page was loaded "
                + "(now \(now.status.rawValue)); nothing was written. Reload to see it.", changes: changes()), status: .conflict)
        case .closed(let now):
            return Outcome(reply: ActionReply(ok: false, kind: "stale", message: "This proposal is \(now.status.rawValue): it cannot be decided any more. "
                + "Reload to see what is open.", changes: changes()), status: .conflict)
        case .missing:
            return Outcome(reply: ActionReply(ok: false, kind: "stale", message: "This proposal no longer exists. Reload the page."), status: .notFound)
        case .invalid(let rule):
            return Outcome(reply: ActionReply(ok: false, kind: "error", message: "That value is not usable: give \(rule)."), status: .unprocessableContent)
        }
    }

    static func readForm(_ request: Request) async throws -> [String: String] {
        var buffer = try await request.body.collect(upTo: 1 << 20)
        return WebForm.decode(buffer.readString(length: buffer.readableBytes) ?? "")
    }

    /// The token in the header (the script) or in the form (a plain post), compared in
    /// constant time.
    static func tokenMatches(_ site: WebSite, _ request: Request, _ form: [String: String]) -> Bool {
        guard let given = request.headers[HTTPField.Name("X-Shelfmirror-Token")!] ?? form["_token"] else { return false }
        let a = Array(given.utf8), b = Array(site.token.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for n in a.indices { difference |= a[n] ^ b[n] }
        return difference == 0
    }

    /// An error as the user reads it: what happened and what to do, scrubbed of every secret.
    static func message(_ site: WebSite, _ error: any Error) -> String {
        let text = (error as? any UserFacingError)?.description ?? String(describing: error)
        return site.settings.redactor.scrub(text)
    }

    static func layout(_ site: WebSite) throws -> Layout {
        Layout(token: site.token, pending: try Browsing.pendingCount(mirror: site.reader))
    }
}
