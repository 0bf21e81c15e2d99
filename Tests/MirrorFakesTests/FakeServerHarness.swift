import AsyncHTTPClient
import Foundation
import MirrorFakes
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// What came back from the fake, read in full.
struct Reply {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var contentType: String? { headers["content-type"].first }

    /// The body as JSON objects and arrays (Foundation types), failing the test if it is not JSON.
    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }

    func object() throws -> [String: Any] { try #require(try json() as? [String: Any]) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: Data(body)) }
}

/// Starts a fake over `state`, runs `body`, stops the fake (TestSupport's `withFakeABS`, with a
/// default library).
func withFakeServer(_ state: FakeABSState = .generated(items: 40),
                    _ body: (FakeABSServer) async throws -> Void) async throws {
    try await withFakeABS(state, body)
}

enum Auth {
    case bearer(String)
    case raw(String)
    case none
}

/// One request over loopback with AsyncHTTPClient. `json` is sent with Content-Type
/// application/json unless `contentType` says otherwise (nil: no Content-Type at all).
func send(_ server: FakeABSServer, _ method: HTTPMethod = .GET, _ pathAndQuery: String,
          auth: Auth = .bearer(FakeABSState.adminToken), json: String? = nil,
          contentType: String? = "application/json") async throws -> Reply {
    var request = HTTPClientRequest(url: server.baseURL.absoluteString + pathAndQuery)
    request.method = method
    switch auth {
    case .bearer(let token): request.headers.add(name: "Authorization", value: "Bearer \(token)")
    case .raw(let value): request.headers.add(name: "Authorization", value: value)
    case .none: break
    }
    if let json {
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        request.body = .bytes(ByteBuffer(string: json))
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    var buffer = try await response.body.collect(upTo: 256 << 20)
    return Reply(status: Int(response.status.code), headers: response.headers,
                 body: buffer.readBytes(length: buffer.readableBytes) ?? [])
}

/// The first book library's id and the items the server holds.
func bookLibraryId(_ state: FakeABSState) async -> String {
    await state.allLibraries().first { $0.mediaType == "book" }!.id
}

/// A JSON body from Swift values.
func jsonText(_ value: Any) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), as: UTF8.self)
}

extension Dictionary where Key == String, Value == Any {
    subscript(path path: String) -> Any? {
        var current: Any? = self
        for key in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
        }
        return current
    }
}
