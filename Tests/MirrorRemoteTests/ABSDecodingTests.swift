import Foundation
import MirrorCore
@testable import MirrorRemote
import TestSupport
import Testing

/// Wire JSON is mapped to Core types at the boundary, tolerating what varies between versions.
struct ABSDecodingTests {
    private func decode(_ json: String) throws -> LibraryItem {
        ABSMapping.item(try JSONDecoder().decode(WireExpandedItem.self, from: Data(json.utf8)))
    }

    @Test func theReferenceExampleDecodesFieldForField() throws {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("fixtures/abs/item-expanded.example.json"))
        let item = ABSMapping.item(try JSONDecoder().decode(WireExpandedItem.self, from: data))
        #expect(item.id == "eb40cb3e-33c6-4a1d-8c56-0ef7cdf23c00")
        #expect(item.libraryId == "ad90076d-32ff-42b8-97ca-758657c7aae1")
        #expect(item.path == "/audiobooks/Brandon Sanderson/The Stormlight Archive/1 - The Way of Kings")
        #expect(item.relPath == "Brandon Sanderson/The Stormlight Archive/1 - The Way of Kings")
        #expect(item.addedAtMs == 1_717_010_123_456)
        #expect(item.updatedAtMs == 1_717_012_345_678)
        #expect(item.isMissing == false)
        let m = item.metadata
        #expect(m.title == "The Way of Kings")
        #expect(m.subtitle == nil)
        #expect(m.authors == ["Brandon Sanderson"])
        #expect(m.narrators == ["Michael Kramer", "Kate Reading"])
        #expect(m.series == [SeriesEntry(name: "The Stormlight Archive", sequence: "1")])
        #expect(m.genres == ["Fantasy"])
        #expect(m.publishedYear == "2010")
        #expect(m.publishedDate == nil)
        #expect(m.publisher == "Macmillan Audio")
        #expect(m.descriptionHTML == "<p>Roshar is a world of stone &amp; storms.</p>")
        #expect(m.descriptionPlain == "Roshar is a world of stone & storms.")
        #expect(m.isbn == nil)
        #expect(m.asin == "B003ZWFO7E")
        #expect(m.language == "English")
        #expect(m.explicit == false)
        #expect(m.abridged == false)
        #expect(item.tags == ["owned"])
        #expect(item.durationSeconds == 163_842.5)
        #expect(item.sizeBytes == 1_317_412_864)
        #expect(item.audioFiles.count == 1)
        let file = try #require(item.audioFiles.first)
        #expect(file.index == 1)
        #expect(file.ino == "2251799814271832")
        #expect(file.path == "/audiobooks/Brandon Sanderson/The Stormlight Archive/1 - The Way of Kings/The Way of Kings.m4b")
        #expect(file.relPath == "The Way of Kings.m4b")
        #expect(file.sizeBytes == 1_317_412_864)
        #expect(file.durationSeconds == 163_842.5)
        #expect(file.codec == "aac")
        #expect(file.bitrate == 62724)
        #expect(file.format == "QuickTime / MOV")
        #expect(file.metaTags["tagComposer"] == "Michael Kramer, Kate Reading")
        #expect(file.metaTags["tagSeriesPart"] == "1")
        #expect(file.metaTags.count == 11)
        #expect(file.chapters.map(\.startMs) == [0, 1_124_378, 3_217_901])
        #expect(file.chapters.last?.title == "Chapter 1: Stormblessed")
    }

    @Test func whatVariesBetweenVersionsIsTolerated() throws {
        // Numbers where strings are usual, a null sequence, missing 2.36 fields, no descriptionPlain.
        let item = try decode("""
            {"id": "i1", "libraryId": "l1", "media": {"metadata": {
              "title": " Dune ", "authors": [{"name": "Frank Herbert"}], "narrators": [],
              "series": [{"name": "Dune", "sequence": null}, {"name": "Dune Chronicles", "sequence": 1}],
              "publishedYear": 1965, "isbn": 9780441013593, "description": "<p>Spice &amp; sand</p><p>Desert</p>",
              "explicit": "false"}}}
            """)
        #expect(item.metadata.title == "Dune")
        #expect(item.metadata.series == [SeriesEntry(name: "Dune", sequence: nil), SeriesEntry(name: "Dune Chronicles", sequence: "1")])
        #expect(item.metadata.publishedYear == "1965")
        #expect(item.metadata.isbn == "9780441013593")
        #expect(item.metadata.descriptionPlain == "Spice & sand\nDesert")
        #expect(item.metadata.explicit == true)  // the server coerces with JavaScript truthiness
        #expect(item.audioFiles.isEmpty)
    }

    @Test func whatWouldCorruptDataIsRejected() {
        // An entry without an id, and authors that are not a list of objects.
        #expect(throws: DecodingError.self) { try decode(#"{"libraryId": "l1", "media": {"metadata": {"title": "x"}}}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"id": "i", "libraryId": "l1", "media": {"metadata": {"authors": "Frank Herbert"}}}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"id": "i", "libraryId": "l1", "media": {"metadata": {"authors": ["Frank Herbert"]}}}"#) }
    }

    @Test func decodingErrorsNameThePlace() {
        do {
            _ = try JSONDecoder().decode(WireItemsPage.self, from: Data(#"{"results": [{"id": 5}], "total": 1}"#.utf8))
            Issue.record("decoded")
        } catch let error as DecodingError {
            #expect(ABSClient.describe(error).contains("results[0].id"))
        } catch {
            Issue.record("\(error)")
        }
        do {
            _ = try JSONDecoder().decode(WireItemsPage.self, from: Data(#"{"results": ["#.utf8))
            Issue.record("decoded")
        } catch let error as DecodingError {
            #expect(ABSClient.describe(error) == "not valid JSON (truncated or damaged)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func listingFingerprintsSeeChangesUpdatedAtMisses() throws {
        func listed(_ authorName: String, updatedAt: Int) throws -> ListedItem {
            ABSMapping.listed(try JSONDecoder().decode(WireMinifiedItem.self, from: Data("""
                {"id": "i1", "updatedAt": \(updatedAt), "media": {"metadata": {"title": "Dune", "authorName": "\(authorName)"}}}
                """.utf8)))
        }
        let before = try listed("Frank Herbert", updatedAt: 1)
        #expect(try listed("Frank Herbert", updatedAt: 1) == before)
        #expect(try listed("F. Herbert", updatedAt: 1).fingerprint != before.fingerprint)  // rename, same updatedAt
        #expect(try listed("Frank Herbert", updatedAt: 2).fingerprint != before.fingerprint)
    }

    @Test func connectionsAreValidated() throws {
        let c = try ABSConnection(url: "http://nas.local:13378/audiobookshelf/", token: "  Bearer abc.def  ", tokenSource: "ABS_TOKEN")
        #expect(c.baseURL.absoluteString == "http://nas.local:13378/audiobookshelf")
        #expect(c.token == "abc.def")
        for bad in ["nas.local:13378", "ftp://nas", "http://", ""] {
            #expect(throws: RemoteError.self, "\(bad)") { try ABSConnection(url: bad, token: "t") }
        }
    }
}
