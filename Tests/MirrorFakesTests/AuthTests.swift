import Foundation
import MirrorFakes
import Testing

struct AuthTests {
    @Test func withoutATokenTheAPIAnswers401UnauthorizedWithNoContentType() async throws {
        try await withFakeServer { server in
            for path in ["/api/me", "/api/libraries", "/api/items/whatever", "/api/unknown/route"] {
                let reply = try await send(server, .GET, path, auth: .none)
                #expect(reply.status == 401, "\(path)")
                #expect(reply.text == "Unauthorized", "\(path)")
                #expect(reply.contentType == nil, "\(path)")
                #expect(reply.headers["www-authenticate"].isEmpty, "\(path)")
            }
            let patch = try await send(server, .PATCH, "/api/items/x/media", auth: .none, json: "{}")
            #expect(patch.status == 401)
        }
    }

    @Test func theBearerSchemeIsCaseInsensitiveAndTheQueryTokenWorks() async throws {
        try await withFakeServer { server in
            let token = FakeABSState.adminToken
            let cases: [(String, Auth, Int)] = [
                ("/api/me", .raw("bearer \(token)"), 200),
                ("/api/me", .raw("BEARER \(token)"), 200),
                ("/api/me?token=\(token)", .none, 200),
                ("/api/me", .raw("Basic \(token)"), 401),
                ("/api/me", .bearer("not-a-token"), 401),
                ("/api/me?token=wrong", .none, 401),
            ]
            for (path, auth, expected) in cases {
                let reply = try await send(server, .GET, path, auth: auth)
                #expect(reply.status == expected, "\(path) \(auth)")
            }
        }
    }

    @Test func anInactiveUserIsRefused() async throws {
        try await withFakeServer { server in
            let reply = try await send(server, .GET, "/api/me", auth: .bearer(FakeABSState.inactiveToken))
            #expect(reply.status == 401)
            #expect(reply.text == "Unauthorized")
        }
    }

    @Test func meDescribesTheUserAndItsPermissions() async throws {
        try await withFakeServer { server in
            let root = try await send(server, .GET, "/api/me").object()
            #expect(root["username"] as? String == "root")
            #expect(root["type"] as? String == "root")
            #expect(root["isActive"] as? Bool == true)
            #expect(root["isLocked"] as? Bool == false)
            #expect(root["mediaProgress"] as? [Any] != nil)
            #expect(root["bookmarks"] as? [Any] != nil)
            #expect(root["librariesAccessible"] as? [Any] != nil)
            #expect(root[path: "permissions.update"] as? Bool == true)
            #expect(root[path: "permissions.accessExplicitContent"] as? Bool == true)
            #expect(root[path: "permissions.accessAllLibraries"] as? Bool == true)
            for key in ["download", "update", "delete", "upload", "accessAllLibraries", "accessAllTags", "accessExplicitContent"] {
                #expect(root[path: "permissions.\(key)"] is Bool, "\(key)")
            }

            let user = try await send(server, .GET, "/api/me", auth: .bearer(FakeABSState.userToken)).object()
            #expect(user["type"] as? String == "user")
            #expect(user[path: "permissions.update"] as? Bool == false)
            #expect(user[path: "permissions.accessExplicitContent"] as? Bool == false)
        }
    }

    @Test func tokensNeverReachTheRequestLog() async throws {
        let state = FakeABSState.generated(items: 5)
        try await withFakeServer(state) { server in
            _ = try await send(server, .GET, "/api/me?token=\(FakeABSState.adminToken)&x=1", auth: .none)
            let record = try #require(await state.requests().last)
            #expect(record.query == "token=REDACTED&x=1")
            #expect(record.username == "root")
            #expect(record.status == 200)
            #expect(!"\(await state.requests())".contains(FakeABSState.adminToken))
        }
    }
}
