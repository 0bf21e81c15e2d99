import Foundation
@testable import MirrorFakes
import Testing

struct BatchUpdateTests {
    private func batch(_ server: FakeABSServer, _ body: String, auth: Auth = .bearer(FakeABSState.adminToken)) async throws -> Reply {
        try await send(server, .POST, "/api/items/batch/update", auth: auth, json: body)
    }

    @Test func malformedBatchesAreRefused() async throws {
        let state = SmallLibrary.state()
        try await withFakeServer(state) { server in
            let cases: [(String, Int)] = [
                (#"{"id":"li-kings","mediaPayload":{}}"#, 400),                                      // not an array
                ("[]", 400),                                                                           // empty
                (#"[{"id":"li-kings","mediaPayload":{}},{"id":"li-kings","mediaPayload":{}}]"#, 400),  // duplicate ids
                (#"[{"mediaPayload":{}}]"#, 400),                                                     // no id
                (#"[{"id":"li-kings","mediaPayload":{}},{"id":"li-nothing","mediaPayload":{}}]"#, 404), // unknown id
            ]
            for (body, status) in cases {
                let reply = try await batch(server, body)
                #expect(reply.status == status, "\(body)")
            }
            let user = try await batch(server, #"[{"id":"li-kings","mediaPayload":{}}]"#, auth: .bearer(FakeABSState.userToken))
            #expect(user.status == 403)
            #expect(user.text == "Forbidden")
            let explicit = try await batch(server, #"[{"id":"li-explicit","mediaPayload":{}}]"#, auth: .bearer(SmallLibrary.editorToken))
            #expect(explicit.status == 403)
            #expect(await state.crashCount() == 0)
        }
    }

    @Test func itCountsTheItemsThatChanged() async throws {
        let state = SmallLibrary.state()
        let untouched = try #require(await state.item(id: "li-omens"))
        try await withFakeServer(state) { server in
            let body = jsonText([
                ["id": "li-kings", "mediaPayload": ["metadata": ["subtitle": "Book One"]]],
                ["id": "li-omens", "mediaPayload": ["metadata": ["title": "Good Omens"]]],
                ["id": "li-radiance", "mediaPayload": ["tags": ["owned"]]],
            ])
            let reply = try await batch(server, body)
            #expect(reply.status == 200)
            #expect(reply.text == #"{"success":true,"updates":1}"#)
            #expect(await state.item(id: "li-kings")?.subtitle == "Book One")
            #expect(await state.item(id: "li-omens") == untouched)
        }
    }

    @Test func anEntryWithoutMediaPayloadCrashesTheServerMidway() async throws {
        let state = SmallLibrary.state()
        await state.setCrashDowntime(milliseconds: 60_000)
        try await withFakeServer(state) { server in
            let body = jsonText([
                ["id": "li-kings", "mediaPayload": ["metadata": ["subtitle": "Applied before the crash"]]],
                ["id": "li-radiance"],
                ["id": "li-omens", "mediaPayload": ["metadata": ["subtitle": "Never applied"]]],
            ])
            await #expect(throws: (any Error).self) { _ = try await batch(server, body) }
            #expect(await state.crashCount() == 1)
            #expect(await state.item(id: "li-kings")?.subtitle == "Applied before the crash")
            #expect(await state.item(id: "li-omens")?.subtitle == nil)

            // The "process" is gone for a while: the next request gets no answer either.
            await #expect(throws: (any Error).self) { _ = try await send(server, .GET, "/ping") }
            let log = await state.requests()
            #expect(log.suffix(2).map(\.status) == [0, 0])
            #expect(log.suffix(2).map(\.route) == [.batchUpdate, .health])

            await state.restart()
            let ping = try await send(server, .GET, "/ping")
            #expect(ping.status == 200)
        }
    }
}
