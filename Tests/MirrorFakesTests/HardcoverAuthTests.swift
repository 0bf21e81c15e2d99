import Foundation
import MirrorFakes
import Testing

/// Routes (404) and tokens (401, scopes).
struct HardcoverAuthTests {
    static let notFound = #"{"path":"$","error":"resource does not exist","code":"not-found"}"#

    @Test func getAndWrongPathsAreHasurasNotFound() async throws {
        let state = SmallCatalog.state()
        try await withHardcover(state) { server in
            let get = try await hardcoverRequest(server, .GET, "/v1/graphql")
            #expect(get.status == 404)
            #expect(get.text == Self.notFound)
            let body = jsonText(["query": "{ me { id } }"])
            for path in ["/graphql", "/v1/graphql/x", "/", "/v1", "/v1/graphql/"] {
                let reply = try await hardcoverRequest(server, .POST, path, body: body)
                #expect(reply.status == 404, "\(path)")
                #expect(reply.text == Self.notFound, "\(path)")
                #expect(reply.header("RateLimit-Policy") != nil)
            }
            #expect(server.graphqlURL.absoluteString == server.baseURL.absoluteString + "/v1/graphql")
            let usage = await state.usage()
            #expect(usage.usedToday == 0)
        }
    }

    @Test func missingExpiredUnknownAndRawTokensAre401() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let cases: [(Auth, String)] = [
                (.none, "Missing Authorization header"),
                (.bearer(FakeHardcoverState.expiredToken), "The access token expired"),
                (.bearer("hc_pat_nobody"), "The access token is invalid"),
                (.raw(FakeHardcoverState.validToken), "Malformed Authorization header"),
                (.raw("Basic \(FakeHardcoverState.validToken)"), "Malformed Authorization header"),
                (.raw("Bearer"), "Malformed Authorization header"),
            ]
            for (auth, description) in cases {
                let reply = try await graphQL(server, ClientQueries.me, auth: auth)
                #expect(reply.status == 401, "\(auth)")
                let object = try reply.object()
                #expect(object["error"] as? String == "invalid_token", "\(auth)")
                #expect(object["error_description"] as? String == description, "\(auth)")
                #expect(reply.header("WWW-Authenticate")?.hasPrefix("Bearer error=\"invalid_token\"") == true)
                #expect(reply.header("RateLimit") != nil)
            }
            // The scheme in any case, the JWT as well as the PAT.
            for auth in [Auth.raw("bearer \(FakeHardcoverState.validToken)"), .raw("BEARER \(FakeHardcoverState.legacyToken)")] {
                #expect(try await graphQL(server, ClientQueries.me, auth: auth).status == 200)
            }
        }
    }

    @Test func aCatalogOnlyTokenDoesNotSeeMe() async throws {
        try await withHardcover(SmallCatalog.state()) { server in
            let token = Auth.bearer(FakeHardcoverState.catalogOnlyToken)
            let me = try await graphQL(server, ClientQueries.me, auth: token)
            #expect(me.status == 200)
            #expect(me.text == """
                {"errors":[{"message":"field 'me' not found in type: 'query_root'",\
                "extensions":{"path":"$.selectionSet.me","code":"validation-failed"}}]}
                """)
            let books = try await graphQL(server, "{ books_by_pk(id: 10) { title } }", auth: token)
            #expect(books.text == #"{"data":{"books_by_pk":{"title":"The Way of Kings"}}}"#)
        }
    }

    @Test func theRequestLogNeverHoldsAToken() async throws {
        let state = SmallCatalog.state()
        try await withHardcover(state) { server in
            _ = try await graphQL(server, ClientQueries.me)
            _ = try await graphQL(server, ClientQueries.me, auth: .raw(FakeHardcoverState.legacyToken))
            _ = try await graphQL(server, ClientQueries.me, auth: .bearer(FakeHardcoverState.expiredToken))
            let log = await state.requests()
            #expect(log.map(\.status) == [200, 401, 401])
            #expect(log.map(\.rejectedReason) == [nil, "invalid_token", "invalid_token"])
            #expect(log[0].operationName == nil)
            #expect(log[0].topLevelFields == ["me"])
            let text = "\(log)"
            for token in [FakeHardcoverState.validToken, FakeHardcoverState.legacyToken, FakeHardcoverState.expiredToken] {
                #expect(!text.contains(token))
            }
            await state.resetLog()
            #expect(await state.requests().isEmpty)
        }
    }
}
