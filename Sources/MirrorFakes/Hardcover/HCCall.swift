import Foundation

/// A request to the fake Hardcover as read before any state is consulted: route, Authorization
/// header, JSON body and GraphQL document. Pure, so it is built outside the state actor.
struct HCCall: Sendable {
    enum Authorization: Sendable, Equatable {
        case missing
        /// Not "Bearer <token>" (a raw token, another scheme).
        case malformed
        case bearer(String)
    }

    enum Body: Sendable {
        /// Not JSON, not an object, no string `query`, `variables` not an object.
        case malformed
        case request(query: String, variables: [String: JSONValue], operationName: String?)
    }

    static let path = "/v1/graphql"
    static let bodyLimit = 10 * 1024 * 1024

    var method: String
    var path: String
    /// POST /v1/graphql; anything else is Hasura's 404.
    var isGraphQL: Bool
    var authorization: Authorization
    var body: Body
    /// The parsed document, when the body holds a query.
    var document: Result<HCDocument, HCDocument.Failure>?

    init(method: String, path: String, authorization: String?, body bytes: [UInt8]?) {
        self.method = method.uppercased()
        self.path = path
        isGraphQL = self.method == "POST" && path == Self.path
        self.authorization = Self.authorization(authorization)
        body = Self.body(bytes)
        if isGraphQL, case .request(let query, _, _) = body {
            do {
                document = .success(try HCDocument(parsing: query))
            } catch let failure as HCDocument.Failure {
                document = .failure(failure)
            } catch {
                document = .failure(.syntax("\(error)"))
            }
        }
    }

    /// "Bearer <token>", the scheme in any case.
    static func authorization(_ header: String?) -> Authorization {
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else { return .missing }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .malformed }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? .malformed : .bearer(token)
    }

    static func body(_ bytes: [UInt8]?) -> Body {
        guard let bytes, bytes.count <= bodyLimit, case .object(let members)? = JSONValue.parseStrict(bytes),
              case .string(let query)? = members["query"] else { return .malformed }
        var variables: [String: JSONValue] = [:]
        switch members["variables"] {
        case nil, .null?: break
        case .object(let v)?: variables = v
        default: return .malformed
        }
        var operationName: String? = nil
        switch members["operationName"] {
        case nil, .null?: break
        case .string(let name)?: operationName = name
        default: return .malformed
        }
        return .request(query: query, variables: variables, operationName: operationName)
    }
}
