import Foundation
import MirrorFakes
import Testing

struct TransportTests {
    @Test func everyRouteAlsoAnswersUnderTheAudiobookshelfPrefix() async throws {
        let state = FakeABSState.generated(items: 12)
        let libraryId = await bookLibraryId(state)
        let itemId = await state.allItems()[0].id
        try await withFakeServer(state) { server in
            for path in ["/status", "/ping", "/healthcheck", "/api/me", "/api/libraries", "/api/libraries/\(libraryId)",
                         "/api/libraries/\(libraryId)/items?sort=addedAt&limit=5", "/api/items/\(itemId)",
                         "/api/items/\(itemId)?expanded=1"] {
                let plain = try await send(server, .GET, path)
                let prefixed = try await send(server, .GET, "/audiobookshelf" + path)
                #expect(plain.status == 200, "\(path)")
                #expect(prefixed.status == plain.status, "\(path)")
                #expect(prefixed.body == plain.body, "\(path)")
            }
            let body = jsonText(["libraryItemIds": [itemId]])
            let get = try await send(server, .POST, "/audiobookshelf/api/items/batch/get", json: body)
            #expect(get.status == 200)
            let patch = try await send(server, .PATCH, "/audiobookshelf/api/items/\(itemId)/media",
                                       json: jsonText(["tags": ["prefixed"]]))
            #expect(patch.status == 200)
            let update = try await send(server, .POST, "/audiobookshelf/api/items/batch/update",
                                        json: jsonText([["id": itemId, "mediaPayload": ["tags": ["again"]]]]))
            #expect(update.status == 200)
            // Without the token, the prefixed API refuses just the same.
            let refused = try await send(server, .GET, "/audiobookshelf/api/me", auth: .none)
            #expect(refused.status == 401)

            let log = await state.requests()
            #expect(log.contains { $0.usedPrefix && $0.path == "/api/me" && $0.route == .me })
            #expect(log.allSatisfy { !$0.path.hasPrefix("/audiobookshelf") })
        }
    }

    @Test func aPathThatOnlyStartsLikeThePrefixMatchesNothing() async throws {
        try await withFakeServer { server in
            let reply = try await send(server, .GET, "/audiobookshelfX/api/me")
            #expect(reply.status == 404)
            #expect(reply.text.contains("<pre>Cannot GET /audiobookshelfX/api/me</pre>"))
        }
    }

    @Test func pingHealthcheckAndStatusNeedNoToken() async throws {
        try await withFakeServer { server in
            let ping = try await send(server, .GET, "/ping", auth: .none)
            #expect(ping.status == 200)
            #expect(ping.text == #"{"success":true}"#)
            #expect(ping.contentType == "application/json; charset=utf-8")

            let health = try await send(server, .GET, "/healthcheck", auth: .none)
            #expect(health.status == 200)
            #expect(health.text == "OK")

            let status = try await send(server, .GET, "/status", auth: .none)
            #expect(status.status == 200)
            let object = try status.object()
            #expect(object["app"] as? String == "audiobookshelf")
            #expect(object["serverVersion"] as? String == "2.36.0")
            #expect(object["isInit"] as? Bool == true)
            #expect(object["language"] as? String == "en-us")
            #expect(object["authMethods"] as? [String] == ["local"])
        }
    }

    @Test func serverVersionComesFromTheState() async throws {
        let state = FakeABSState(libraries: [], items: [], users: FakeABSState.standardUsers, serverVersion: "2.30.0")
        try await withFakeServer(state) { server in
            let status = try await send(server, .GET, "/status", auth: .none)
            #expect(try status.object()["serverVersion"] as? String == "2.30.0")
        }
    }

    @Test func anUnknownRouteWithAValidTokenIsExpressesHTML404() async throws {
        try await withFakeServer { server in
            let reply = try await send(server, .GET, "/api/nothing/here")
            #expect(reply.status == 404)
            #expect(reply.contentType == "text/html; charset=utf-8")
            #expect(reply.text.contains("<pre>Cannot GET /api/nothing/here</pre>"))
            #expect(reply.headers["content-security-policy"].first == "default-src 'none'")

            // The old PATCH /api/items/:id was removed in 2.18.
            let oldPatch = try await send(server, .PATCH, "/api/items/some-id", json: "{}")
            #expect(oldPatch.status == 404)
            #expect(oldPatch.text.contains("Cannot PATCH /api/items/some-id"))
        }
    }

    @Test func routesMatchCaseInsensitivelyAndWithATrailingSlash() async throws {
        try await withFakeServer { server in
            let upper = try await send(server, .GET, "/API/Me")
            let slash = try await send(server, .GET, "/api/me/")
            #expect(upper.status == 200)
            #expect(slash.status == 200)
        }
    }

    @Test func malformedJSONIsAn400HTMLPageEvenBeforeAuthentication() async throws {
        try await withFakeServer { server in
            let reply = try await send(server, .POST, "/api/items/batch/get", auth: .none, json: "{\"libraryItemIds\": [")
            #expect(reply.status == 400)
            #expect(reply.contentType == "text/html; charset=utf-8")
            #expect(reply.text.contains("<pre>Bad Request</pre>"))
            // body-parser is strict: only objects and arrays.
            let scalar = try await send(server, .POST, "/api/items/batch/get", json: "\"text\"")
            #expect(scalar.status == 400)
        }
    }
}
