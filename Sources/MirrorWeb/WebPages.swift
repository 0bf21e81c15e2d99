import Foundation
import HTTPTypes
import Hummingbird
import MirrorCore
import MirrorWorkflows

/// The pages (GET): each reads the mirror through the workflows the CLI uses and renders HTML.
enum WebPages {
    static func register(on router: Router<BasicRequestContext>, site: WebSite) {
        router.get("/") { request, _ in
            try page(site, request) { layout, query, flash in
                let (filter, _) = LibraryPage.filter(query)
                let (rows, total) = try Browsing.library(filter, mirror: site.reader)
                return LibraryPage.render(query, rows: rows, total: total, layout: layout, flash: flash)
            }
        }
        // Search as you type: the rows alone, and the count in a header.
        router.get("/library/rows") { request, _ in
            let (filter, _) = LibraryPage.filter(query(request))
            let (rows, total) = try Browsing.library(filter, mirror: site.reader)
            return Replies.html(LibraryPage.rows(rows), headers: [HTTPField.Name("X-Result-Summary")!: LibraryPage.summary(total: total, filter: filter)])
        }
        router.get("/item/{id}") { request, context in
            let id = (context.parameters.get("id") ?? "").removingPercentEncoding ?? ""
            return try page(site, request) { layout, query, flash in
                guard let view = try Browsing.item(id, mirror: site.reader, config: site.settings.matchConfig) else {
                    throw NotFound(message: "No item \(id) in the mirror. The library lists the items sync brought.")
                }
                let covers = site.options.covers || query["covers"] == "1"
                return ItemPage.render(view, coverURL: covers ? site.coverURL(itemId: id) : nil, coversOffered: site.absBase != nil,
                                       layout: layout, flash: flash)
            }
        }
        router.get("/review") { request, _ in
            try page(site, request) { layout, query, flash in
                let targets = query["target"].flatMap(PushTarget.init(rawValue:)).map { Set([$0]) } ?? Set(PushTarget.allCases)
                let page = max(1, Int(query["page"] ?? "") ?? 1)
                var (items, total) = try Browsing.reviewQueue(mirror: site.reader, targets: targets, offset: (page - 1) * ReviewPage.pageSize,
                                                              limit: ReviewPage.pageSize, config: site.settings.matchConfig,
                                                              itemIds: query["item"].map { [$0] })
                if query["item"] != nil { total = items.count }
                return ReviewPage.render(items: items, total: total, page: page, query: query, layout: layout, flash: flash)
            }
        }
        router.get("/gaps") { request, _ in
            try page(site, request) { layout, _, flash in
                GapsPage.render(try Reading.hardcoverGaps(mirror: site.reader), layout: layout, flash: flash)
            }
        }
        router.get("/history") { request, _ in
            try page(site, request) { layout, _, flash in
                HistoryPage.render(try PushHistory.runs(mirror: site.reader), layout: layout, flash: flash)
            }
        }
        router.get("/history/{run}") { request, context in
            try page(site, request) { layout, _, _ in
                guard let run = context.parameters.get("run").flatMap(Int64.init) else { throw NotFound(message: "No such push run.") }
                return HistoryPage.journal(run: run, try PushHistory.journal(runId: run, mirror: site.reader), layout: layout)
            }
        }
        router.get("/push") { request, _ in
            let previews = await WebActions.previews(site)
            return try page(site, request) { layout, _, flash in
                PushPage.render(previews, lastRun: try PushHistory.lastUndoableRun(mirror: site.reader), layout: layout, flash: flash)
            }
        }
        router.get("/assets/app.css") { _, _ in asset(WebStyle.css, type: "text/css; charset=utf-8") }
        router.get("/assets/app.js") { _, _ in asset(WebScript.js, type: "text/javascript; charset=utf-8") }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
    }

    /// A page in the frame, with the message an action left (`?done=`); a missing item or a
    /// mirror that cannot be read is a page that says so.
    static func page(_ site: WebSite, _ request: Request,
                     _ body: (Layout, [String: String], Flash?) throws -> String) throws -> Response {
        let query = query(request)
        do {
            let layout = Layout(token: site.token, pending: try Browsing.pendingCount(mirror: site.reader))
            var rest = query
            rest["done"] = nil
            return Replies.html(try body(layout, rest, query["done"].flatMap(Self.flash)))
        } catch let missing as NotFound {
            return problem(site, missing.message, status: .notFound)
        } catch let error as any UserFacingError {
            return problem(site, site.settings.redactor.scrub(error.description), status: .internalServerError)
        }
    }

    /// A page saying what went wrong (for a browser without the script, and for a missing page).
    static func problem(_ site: WebSite, _ message: String, status: HTTPResponse.Status, back: String? = nil) -> Response {
        let layout = Layout(token: site.token, pending: (try? Browsing.pendingCount(mirror: site.reader)) ?? 0)
        let kind: Flash.Kind = status == .conflict ? .stale : .error
        let content = "<h1>\(status == .notFound ? "Not found" : "Not done")</h1>" + Layout.flash(Flash(kind: kind, message: message))
            + "<p><a href=\"\(h(back ?? "/"))\">Back</a></p>"
        return Replies.html(layout.page("Not done", section: nil, content: content), status: status)
    }

    /// The messages an action's redirect may ask for: fixed texts, so a link from elsewhere
    /// cannot put words on the page.
    static func flash(_ code: String) -> Flash? {
        let messages = ["accepted": "Accepted.", "rejected": "Rejected.", "edited": "Your value is saved and accepted.",
                        "linked": "Linked. Its proposals were made again from the book.", "accepted-all": "Accepted the item's proposals.",
                        "rejected-all": "Rejected the item's proposals."]
        return messages[code].map { Flash(kind: .ok, message: $0) }
    }

    static func query(_ request: Request) -> [String: String] {
        WebForm.decode(request.uri.query ?? "")
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=31536000, immutable"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A page or a record that does not exist.
struct NotFound: Error {
    var message: String
}
