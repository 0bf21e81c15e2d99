import MirrorFakes

/// A hand-made library for exact assertions: three Sanderson/Pratchett/Gaiman books and an explicit one.
enum SmallLibrary {
    static let library = FakeABSLibrary(id: "lib-1", name: "Audiobooks", mediaType: "book", folderPath: "/audiobooks")
    static let sanderson = FakeABSAuthor(id: "au-sanderson", name: "Brandon Sanderson")
    static let pratchett = FakeABSAuthor(id: "au-pratchett", name: "Terry Pratchett")
    static let gaiman = FakeABSAuthor(id: "au-gaiman", name: "Neil Gaiman")
    /// Can update, cannot see explicit items.
    static let editorToken = "editor-token"

    static func item(_ id: String, _ title: String, authors: [FakeABSAuthor], series: [FakeABSSeries] = [],
                     explicit: Bool = false, addedAt: Int64) -> FakeABSItem {
        let folder = "\(authors.first?.name ?? "Unknown")/\(title)"
        let file = FakeABSAudioFile(index: 1, ino: "\(addedAt % 100_000)1", filename: "\(title).m4b",
                                    path: "/audiobooks/\(folder)/\(title).m4b", relPath: "\(title).m4b",
                                    size: 100_000_000, mtimeMs: addedAt - 1_000, duration: 36_000.5, bitRate: 64_000,
                                    codec: "aac", format: "QuickTime / MOV", channels: 2, metaTags: ["tagTitle": title],
                                    chapters: [FakeABSChapter(start: 0, end: 36_000.5, title: "Chapter 1")])
        return FakeABSItem(id: id, ino: "\(addedAt % 100_000)0", libraryId: library.id, folderId: library.folderId,
                           path: "/audiobooks/\(folder)", relPath: folder, addedAt: addedAt, updatedAt: addedAt + 10,
                           title: title, authors: authors, narrators: ["Michael Kramer", "Kate Reading"], series: series,
                           genres: ["Fantasy"], tags: ["owned"], publishedYear: "2010", publisher: "Macmillan Audio",
                           description: "<p>Roshar is a world of stone &amp; storms.</p>", asin: "B003ZWFO7E",
                           language: "English", explicit: explicit, audioFiles: [file])
    }

    static func state() -> FakeABSState {
        let stormlight = "se-stormlight"
        let items = [
            item("li-kings", "The Way of Kings", authors: [sanderson],
                 series: [FakeABSSeries(id: stormlight, name: "The Stormlight Archive", sequence: "1")], addedAt: 1_700_000_000_000),
            item("li-radiance", "Words of Radiance", authors: [sanderson],
                 series: [FakeABSSeries(id: stormlight, name: "The Stormlight Archive", sequence: "2")], addedAt: 1_700_000_100_000),
            item("li-omens", "Good Omens", authors: [pratchett, gaiman], addedAt: 1_700_000_200_000),
            item("li-explicit", "Night Things", authors: [gaiman], explicit: true, addedAt: 1_700_000_300_000),
        ]
        let editor = FakeABSUser(id: "us-editor", username: "editor", token: editorToken, type: "user",
                                 canUpdate: true, canAccessExplicit: false)
        return FakeABSState(libraries: [library], items: items, users: FakeABSState.standardUsers + [editor])
    }
}
