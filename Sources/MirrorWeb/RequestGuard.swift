import Foundation
import HTTPTypes
import Hummingbird

/// What every request passes before a page or an action sees it: its `Host` must name this
/// server (a page of another site reaching us through DNS rebinding does not), its `Origin`,
/// when the browser sends one, must be this server, and a browser's cross-site request
/// (`Sec-Fetch-Site`) may not change anything. Each answer carries the pages' security headers.
/// The per-run token is checked by the actions themselves (it may be in the posted form).
struct RequestGuard<Context: RequestContext>: RouterMiddleware {
    let site: WebSite

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority ?? ""
        guard site.options.allowsHost(Self.hostname(of: authority)) else {
            return Replies.refused("this server answers to 127.0.0.1 and localhost only, not to \"\(authority)\"", request: request)
        }
        if let origin = request.headers[.origin], origin.lowercased() != "http://\(authority.lowercased())" {
            return Replies.refused("a request from another site (\(origin)) may not use this server", request: request)
        }
        guard [.get, .head, .post].contains(request.method) else {
            return Replies.text("\(request.method.rawValue) is not used here.\n", status: .methodNotAllowed)
        }
        if request.method == .post, let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], !["same-origin", "none"].contains(site) {
            return Replies.refused("a \(site) request may not change anything", request: request)
        }
        var response = try await next(request, context)
        Replies.secure(&response.headers, covers: self.site.coverOrigin)
        return response
    }

    /// "localhost" of "localhost:8484", "[::1]" of "[::1]:8484".
    static func hostname(of authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") { return String(authority[...end]) }
        return String(authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}

/// The answers pages and actions share.
enum Replies {
    static func html(_ body: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func text(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ reply: ActionReply, status: HTTPResponse.Status) -> Response {
        let data = (try? JSONEncoder().encode(reply)) ?? Data("{\"ok\":false}".utf8)
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
    }

    /// 403, as JSON for the script, else as text.
    static func refused(_ why: String, request: Request) -> Response {
        let message = "Refused: \(why). Open shelfmirror from the address `shelfmirror serve` printed."
        if wantsJSON(request) { return json(ActionReply(ok: false, kind: "error", message: message), status: .forbidden) }
        return text(message + "\n", status: .forbidden)
    }

    static func wantsJSON(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("application/json") == true
    }

    /// Nothing from elsewhere but the covers the user allowed; no framing; no referrer to other sites.
    static func secure(_ headers: inout HTTPFields, covers: String?) {
        let images = "img-src 'self'" + (covers.map { " \($0)" } ?? "")
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'self'; script-src 'self'; \(images); connect-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // Not no-referrer: under it a browser sends `Origin: null` with a plain form's post, which
        // the guard cannot tell from another site's.
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
    }
}
