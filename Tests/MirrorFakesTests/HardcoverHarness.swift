import AsyncHTTPClient
import Foundation
import MirrorFakes
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// Starts a fake Hardcover over `state`, runs `body`, stops it (TestSupport's `withFakeHardcover`).
func withHardcover(_ state: FakeHardcoverState, _ body: (FakeHardcoverServer) async throws -> Void) async throws {
    try await withFakeHardcover(state, body)
}

/// A GraphQL request over loopback: POST /v1/graphql with {"query","variables"[,"operationName"]}.
func graphQL(_ server: FakeHardcoverServer, _ query: String, variables: [String: Any] = [:],
             operationName: String? = nil, auth: Auth = .bearer(FakeHardcoverState.validToken)) async throws -> Reply {
    var body: [String: Any] = ["query": query, "variables": variables]
    if let operationName { body["operationName"] = operationName }
    return try await hardcoverRequest(server, .POST, "/v1/graphql", body: jsonText(body), auth: auth)
}

/// Any request to the fake Hardcover.
func hardcoverRequest(_ server: FakeHardcoverServer, _ method: HTTPMethod, _ path: String, body: String? = nil,
                      auth: Auth = .bearer(FakeHardcoverState.validToken)) async throws -> Reply {
    var request = HTTPClientRequest(url: server.baseURL.absoluteString + path)
    request.method = method
    switch auth {
    case .bearer(let token): request.headers.add(name: "Authorization", value: "Bearer \(token)")
    case .raw(let value): request.headers.add(name: "Authorization", value: value)
    case .none: break
    }
    request.headers.add(name: "User-Agent", value: "shelfmirror-tests")
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    var buffer = try await response.body.collect(upTo: 64 << 20)
    return Reply(status: Int(response.status.code), headers: response.headers,
                 body: buffer.readBytes(length: buffer.readableBytes) ?? [])
}

extension Reply {
    /// `data.<key>` as a list of objects, failing the test if the answer has errors.
    func rows(_ key: String) throws -> [[String: Any]] {
        let object = try object()
        #expect(object["errors"] == nil, "\(text.prefix(500))")
        let data = try #require(object["data"] as? [String: Any], "\(text.prefix(500))")
        return try #require(data[key] as? [[String: Any]], "\(text.prefix(500))")
    }

    /// The first in-band error: its message, extensions.path and extensions.code.
    func graphQLError() throws -> (message: String, path: String, code: String) {
        let errors = try #require(try object()["errors"] as? [[String: Any]], "\(text.prefix(500))")
        let first = try #require(errors.first)
        let extensions = try #require(first["extensions"] as? [String: Any])
        return (first["message"] as? String ?? "", extensions["path"] as? String ?? "", extensions["code"] as? String ?? "")
    }

    func header(_ name: String) -> String? { headers[name].first }
}

/// A derived catalog of a generated library, the items, and a state over it.
struct HardcoverLibrary {
    var items: [FakeABSItem]
    var derived: FakeHardcoverDerived

    init(items count: Int = 300, seed: UInt64 = 5, extraBooks: Int = 50) async {
        let library = await FakeABSState.generated(items: count, seed: seed).allItems()
        items = library
        derived = FakeHardcoverCatalog.derived(from: library, extraBooks: extraBooks, seed: seed)
    }

    var catalog: FakeHardcoverCatalog { derived.catalog }

    func items(_ kind: FakeHardcoverMix.Kind) -> [FakeABSItem] {
        items.filter { derived.truth[$0.id]?.findableBy == kind }
    }

    func state(limits: FakeHardcoverLimits = .unlimited, clock: FakeHardcoverClock = .manual()) -> FakeHardcoverState {
        FakeHardcoverState(catalog: catalog, limits: limits, clock: clock)
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min(count, $0 + size)]) }
    }
}

/// Ints out of JSON numbers.
func ints(_ values: Any?) -> [Int] { (values as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue } ?? [] }
func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }
