import Foundation
@testable import MirrorFakes
import Testing

struct GeneratorTests {
    @Test func theSameSeedGivesTheSameLibrary() async throws {
        let a = await FakeABSState.generated(items: 300, seed: 7).allItems()
        let b = await FakeABSState.generated(items: 300, seed: 7).allItems()
        let c = await FakeABSState.generated(items: 300, seed: 8).allItems()
        #expect(a == b)
        #expect(a.map(\.id) != c.map(\.id))
        // A larger library starts with the same books.
        let longer = await FakeABSState.generated(items: 310, seed: 7).allItems()
        #expect(longer.prefix(5).map(\.id) == a.prefix(5).map(\.id))
    }

    @Test func aGeneratedLibraryLooksReal() async throws {
        let n = 2000
        let state = FakeABSState.generated(items: n, seed: 3)
        let all = await state.allItems()
        let libraryId = await bookLibraryId(state)
        let books = all.filter { $0.libraryId == libraryId }
        #expect(books.count == n)
        #expect(all.count == n + 2) // and two podcasts

        func share(_ predicate: (FakeABSItem) -> Bool) -> Double { Double(books.filter(predicate).count) / Double(n) }

        let authors = Set(books.flatMap(\.authors))
        #expect((n / 12)...(n / 6) ~= authors.count)
        #expect(authors.contains { $0.name.unicodeScalars.contains { !$0.isASCII } })
        #expect(Set(authors.map(\.name)).count == authors.count)
        #expect(books.allSatisfy { (1...2).contains($0.authors.count) })
        #expect(books.allSatisfy { (0...3).contains($0.narrators.count) })
        #expect(share { $0.narrators.isEmpty } > 0.03)
        #expect((0.3...0.5).contains(share { !$0.series.isEmpty }))
        let sequences = books.flatMap(\.series).map(\.sequence)
        #expect(sequences.contains(nil))
        #expect(sequences.contains { $0?.contains(".") == true })
        #expect(sequences.contains { Int($0 ?? "") ?? 0 >= 10 })
        #expect(share { $0.series.count == 2 } > 0)

        #expect((0.6...0.8).contains(share { $0.asin != nil }))
        #expect(books.compactMap(\.asin).allSatisfy { $0.range(of: "^B0[A-Z0-9]{8}$", options: .regularExpression) != nil })
        #expect((0.3...0.5).contains(share { $0.isbn != nil }))
        #expect(books.compactMap(\.isbn).allSatisfy(Self.isValidISBN13))
        #expect((0.01...0.06).contains(share(\.explicit)))
        #expect(books.compactMap(\.publishedYear).allSatisfy { $0.count == 4 && Int($0) != nil })
        #expect(books.allSatisfy { !$0.genres.isEmpty })
        #expect(share { !$0.tags.isEmpty } > 0.2)

        #expect(books.allSatisfy { (1...5).contains($0.audioFiles.count) })
        #expect(books.contains { $0.audioFiles.count == 1 && $0.audioFiles[0].filename.hasSuffix(".m4b") && !$0.audioFiles[0].chapters.isEmpty })
        #expect(books.contains { $0.audioFiles.count > 1 && $0.audioFiles.allSatisfy { $0.filename.hasSuffix(".mp3") } })
        let inos = books.flatMap { [$0.ino] + $0.audioFiles.map(\.ino) }
        #expect(inos.allSatisfy { UInt64($0) != nil })
        #expect(Set(inos).count == inos.count)
        #expect(books.allSatisfy { $0.audioFiles.allSatisfy { $0.metaTags["tagAlbum"] == $0.metaTags["tagAlbum"] && $0.duration > 0 && $0.size > 0 } })

        for book in books {
            #expect(book.path == "/audiobooks/" + book.relPath)
            #expect(book.relPath.hasPrefix(book.authors[0].name + "/"))
            if let series = book.series.first { #expect(book.relPath.contains("/" + series.name + "/")) }
            #expect(book.audioFiles.allSatisfy { $0.path == book.path + "/" + $0.relPath })
        }
        #expect(Set(books.map(\.relPath)).count == n)

        let descriptions = books.compactMap(\.description)
        #expect(descriptions.count > n * 8 / 10)
        #expect(descriptions.allSatisfy { $0.hasPrefix("<p>") && HTMLSanitiser.sanitize($0) == $0 })
        #expect(descriptions.contains { $0.contains("&amp;") })

        #expect(zip(books, books.dropFirst()).allSatisfy { $0.addedAt <= $1.addedAt })
        #expect(zip(books, books.dropFirst()).contains { $0.addedAt == $1.addedAt })
        #expect(books.allSatisfy { $0.updatedAt >= $0.addedAt })
        #expect(Set(all.map(\.id)).count == all.count)
        #expect(all.allSatisfy { $0.id.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil })
    }

    static func isValidISBN13(_ isbn: String) -> Bool {
        let digits = isbn.compactMap(\.wholeNumberValue)
        guard digits.count == 13, isbn.count == 13 else { return false }
        return digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) } % 10 == 0
    }

    @Test func makeItemGivesANewBookOfTheLibraryToAdd() async throws {
        let state = FakeABSState.generated(items: 50)
        let libraryId = await bookLibraryId(state)
        let before = await state.allItems()
        let made = await state.makeItem(index: 3)
        #expect(!before.contains { $0.id == made.id })
        #expect(made.libraryId == libraryId)
        #expect(made.addedAt > before.map(\.addedAt).max()!)
        let known = Set(before.flatMap(\.authors))
        #expect(made.authors.allSatisfy { known.contains($0) })
        #expect(await state.makeItem(index: 3).id == made.id)
        #expect(await state.makeItem(index: 4).id != made.id)

        try await withFakeServer(state) { server in
            await state.addItem(made)
            let page = try await send(server, .GET, "/api/libraries/\(libraryId)/items?sort=addedAt&desc=1&limit=1").decode(WireItemsPage.self)
            #expect(page.total == 51)
            #expect(page.results.first?.id == made.id)

            await state.removeItem(id: made.id)
            let after = try await send(server, .GET, "/api/libraries/\(libraryId)/items?sort=addedAt&desc=1&limit=1").decode(WireItemsPage.self)
            #expect(after.total == 50)
            let gone = try await send(server, .GET, "/api/items/\(made.id)")
            #expect(gone.status == 404)
        }
    }

    @Test func editsBumpUpdatedAtButAuthorRenamesDoNot() async throws {
        let state = FakeABSState.generated(items: 40)
        let libraryId = await bookLibraryId(state)
        let item = await state.allItems()[0]
        try await withFakeServer(state) { server in
            // Read once, so that the listing is cached before the changes.
            _ = try await send(server, .GET, "/api/libraries/\(libraryId)/items")

            await state.update(itemId: item.id) { $0.title = "Edited Title" }
            let edited = try #require(await state.item(id: item.id))
            #expect(edited.updatedAt > item.updatedAt)

            let author = item.authors[0].name
            let others = await state.allItems().filter { $0.authors.contains { $0.name == author } }
            await state.renameAuthor(from: author, to: "Renamed Author")
            let renamed = await state.allItems().filter { $0.authors.contains { $0.name == "Renamed Author" } }
            #expect(renamed.map(\.id) == others.map(\.id))
            #expect(try #require(await state.item(id: item.id)).updatedAt == edited.updatedAt)

            let page = try await send(server, .GET, "/api/libraries/\(libraryId)/items").decode(WireItemsPage.self)
            let entry = try #require(page.results.first { $0.id == item.id }?.media.book)
            #expect(entry.metadata.title == "Edited Title")
            #expect(entry.metadata.authorName.contains("Renamed Author"))
        }
    }
}
