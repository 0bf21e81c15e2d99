import Foundation
import MirrorCore
@testable import MirrorRemote
import Testing

/// `/api/me`'s mediaProgress mapped at the boundary: books only, times to UTC instants, every
/// entry that cannot be read skipped and counted, never fatal.
struct ABSProgressDecodingTests {
    private func listening(_ progress: String) throws -> ListeningState {
        let json = """
            {"id": "u1", "username": "root", "type": "root", "isActive": true,
             "permissions": {"update": true}, "mediaProgress": \(progress)}
            """
        return ABSMapping.listening(try JSONDecoder().decode(WireMe.self, from: Data(json.utf8)))
    }

    /// Milliseconds since the epoch, as the server sent them.
    private func ms(_ date: Date?) -> Int64? { date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } }

    @Test func aBookEntryOfABS236MapsFieldForField() throws {
        let state = try listening("""
            [{"id": "p1", "userId": "u1", "libraryItemId": "li1", "episodeId": null, "mediaItemId": "b1",
              "mediaItemType": "book", "duration": 36000.5, "progress": 1, "currentTime": 35995.25, "isFinished": true,
              "hideFromContinueListening": false, "ebookLocation": null, "ebookProgress": 0,
              "lastUpdate": 1793491200123, "startedAt": 1790000000000, "finishedAt": 1793491200001}]
            """)
        #expect(state.user.username == "root")
        #expect(state.skipped == 0)
        let p = try #require(state.progress.first)
        #expect(p.itemId == "li1")
        #expect(p.userId == "u1")
        #expect(p.currentSeconds == 35995.25)
        #expect(p.durationSeconds == 36000.5)
        #expect(p.progress == 1)
        #expect(p.isFinished)
        #expect(ms(p.lastUpdate) == 1_793_491_200_123)
        #expect(ms(p.finishedAt) == 1_793_491_200_001)
        #expect(ms(p.startedAt) == 1_790_000_000_000)
    }

    @Test func missingFieldsAndTheOlderFormsAreTolerated() throws {
        let state = try listening("""
            [{"libraryItemId": "li1"},
             {"libraryItemId": "li2", "currentTime": "90", "duration": "180", "isFinished": 0, "finishedAt": 1793491200000,
              "lastUpdate": "2026-11-01T00:00:00.5Z", "startedAt": "1790000000000"}]
            """)
        #expect(state.skipped == 0)
        #expect(state.progress.count == 2)
        let bare = state.progress[0]
        #expect(bare.currentSeconds == 0 && bare.durationSeconds == 0 && bare.progress == 0 && !bare.isFinished)
        #expect(bare.startedAt == nil && bare.finishedAt == nil && bare.lastUpdate == nil)
        let old = state.progress[1]
        #expect(old.progress == 0.5)
        #expect(old.finishedAt == nil, "an unfinished book has no finish time")
        #expect(ms(old.lastUpdate) == 1_793_491_200_500, "ISO 8601 text")
        #expect(ms(old.startedAt) == 1_790_000_000_000, "digits as text")
    }

    @Test func badEntriesAreSkippedAndCountedAndEpisodesLeftOut() throws {
        let state = try listening("""
            ["li-as-a-string",
             {"libraryItemId": "li1", "currentTime": "soon"},
             {"libraryItemId": null, "currentTime": 5},
             {"libraryItemId": "li2", "currentTime": -1},
             {"libraryItemId": "li3", "userId": "someone-else", "currentTime": 5},
             {"libraryItemId": "li4", "lastUpdate": {"ms": 1}},
             {"libraryItemId": "li5", "currentTime": 5, "lastUpdate": 1000},
             {"libraryItemId": "li5", "currentTime": 7, "lastUpdate": 2000},
             {"libraryItemId": "pod1", "episodeId": "ep1", "mediaItemType": "podcastEpisode", "currentTime": 5},
             {"libraryItemId": "li6", "progress": 1.7, "isFinished": true}]
            """)
        #expect(state.progress.map(\.itemId) == ["li5", "li6"])
        #expect(state.progress.first?.currentSeconds == 7, "the latest of two entries for one item")
        #expect(state.progress.last?.progress == 1)
        #expect(state.skipped == 7)
        #expect(state.episodes == 1)
    }

    @Test func aUserWithoutProgressOrWithAStrayValueHasNone() throws {
        #expect(try listening("[]").progress.isEmpty)
        #expect(try listening("null").progress.isEmpty)
        let stray = try listening("{\"li1\": 5}")
        #expect(stray.progress.isEmpty && stray.user.id == "u1")
    }
}
