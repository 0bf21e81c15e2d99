import AsyncHTTPClient
import Foundation
import MirrorCore
import MirrorFakes
import MirrorStore
import MirrorWeb
import MirrorWorkflows
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// `serve` over the demo's sample library: synced from both fakes, matched, both diffs made;
/// the web server started on a free loopback port with the settings a user would have.
struct Served {
    let folder: TemporaryFolder
    let web: WebServer
    let abs: FakeABSServer
    let hardcover: FakeHardcoverServer
    let mirrorPath: String
    let settings: Settings

    var base: String { String(web.url.absoluteString.dropLast()) }

    /// Runs `body` with everything started, and stops it all after.
    static func with<T>(_ body: (Served) async throws -> T) async throws -> T {
        let folder = try TemporaryFolder("shelfmirror-web")
        let library = DemoLibrary(folder: folder.file("library"))
        return try await withFakeABS(library.makeState()) { abs in
            let state = await library.makeHardcoverState(limits: .unlimited)
            return try await withFakeHardcover(state) { hardcover in
                let path = folder.file("mirror.sqlite")
                try await prepare(path: path, abs: abs, hardcover: hardcover)
                let environment = ["ABS_TOKEN": FakeABSState.adminToken, "HARDCOVER_TOKEN": FakeHardcoverState.validToken,
                                   "HARDCOVER_URL": hardcover.graphqlURL.absoluteString, "XDG_CONFIG_HOME": folder.file("config"),
                                   "HOME": folder.path]
                let settings = try Settings(flags: .init(database: path, absURL: abs.baseURL.absoluteString), environment: environment,
                                            workingDirectory: folder.path)
                let web = try await WebServer.start(settings: settings, options: WebOptions(port: 0))
                let served = Served(folder: folder, web: web, abs: abs, hardcover: hardcover, mirrorPath: path, settings: settings)
                do {
                    let result = try await body(served)
                    await web.stop()
                    return result
                } catch {
                    await web.stop()
                    throw error
                }
            }
        }
    }

    /// Sync, match and both diffs; the mirror is closed (its writer lock released) after.
    private static func prepare(path: String, abs: FakeABSServer, hardcover: FakeHardcoverServer) async throws {
        let pipeline = try DemoPipeline(mirrorPath: path, absURL: abs.baseURL.absoluteString, absToken: FakeABSState.adminToken,
                                        hardcoverURL: hardcover.graphqlURL.absoluteString, hardcoverToken: FakeHardcoverState.validToken)
        _ = try await pipeline.sync()
        _ = try pipeline.match(formatsOf: [])
        _ = try pipeline.diff(policy: DiffPolicy())
        _ = try pipeline.listeningDiff(timeZone: TimeZone(identifier: "UTC")!)
    }

    /// The mirror, read-only, as a test reads what an action wrote.
    func mirror() throws -> Mirror { try Mirror.openReadOnly(path: mirrorPath) }

    func change(_ id: Int64) throws -> ChangeRow { try #require(try mirror().changeRow(id: id)) }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var text: String

        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
    }

    /// A client that shows redirects rather than following them, as a test must see them. It
    /// lives as long as the test process, like `HTTPClient.shared`.
    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    /// One request over loopback. `form` is posted url-encoded; `headers` replace the client's.
    func send(_ method: HTTPMethod = .GET, _ path: String, form: [String: String]? = nil, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let form {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
            request.body = .bytes(ByteBuffer(string: form.sorted { $0.key < $1.key }.map {
                "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            }.joined(separator: "&")))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(120))
        var buffer = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, text: buffer.readString(length: buffer.readableBytes) ?? "")
    }

    /// A POST as the page's script sends it: the token in a header, JSON back.
    func post(_ path: String, _ form: [String: String], token: String) async throws -> Reply {
        try await send(.POST, path, form: form, headers: [("X-Shelfmirror-Token", token), ("Accept", "application/json")])
    }

    /// The token a page holds.
    static func token(in html: String) throws -> String {
        try #require(html.firstMatch(of: /name="shelfmirror-token" content="([0-9a-f]+)"/).map { String($0.1) })
    }

    /// The proposals a review page shows: id, field, status and version.
    static func proposals(in html: String) -> [(id: Int64, field: String, status: String, version: String)] {
        html.matches(of: /data-test="proposal" data-change-id="(\d+)" data-field="([a-z_]+)" data-status="([a-z]+)" data-version="([a-z0-9-]+)"/)
            .map { (Int64($0.1)!, String($0.2), String($0.3), String($0.4)) }
    }
}
