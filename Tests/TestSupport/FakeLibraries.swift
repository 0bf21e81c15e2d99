import Foundation
import MirrorCore
import MirrorFakes

/// The generated library had no book library to serve from.
public struct NoBookLibrary: Error {}

extension FakeABSState {
    /// A server with one book library (its folder `libraryFolder`, or the generated one's) and one
    /// book per server path, whose one audio file the server says is at that path: what a wrong or
    /// hostile server may list.
    public static func oneBookPerPath(_ serverPaths: [String], seed: UInt64, libraryFolder: String? = nil) async throws -> FakeABSState {
        let generated = FakeABSState.generated(items: serverPaths.count, seed: seed)
        guard var library = await generated.allLibraries().first(where: { $0.mediaType == "book" }) else { throw NoBookLibrary() }
        let books = await generated.allItems().filter { $0.libraryId == library.id }
        if let libraryFolder { library.folderPath = libraryFolder }
        let items = zip(books, serverPaths).map { book, path in
            var item = book
            var file = item.audioFiles[0]
            file.path = path
            file.filename = (path as NSString).lastPathComponent
            file.relPath = file.filename
            item.audioFiles = [file]
            return item
        }
        return FakeABSState(libraries: [library], items: items, users: await generated.allUsers())
    }
}

extension FakeHardcoverCatalog {
    /// `count` user books of the catalog's books from `offset`: every status, some owned, some
    /// rated (the rating must never reach a client or the mirror), none to three reads on the
    /// audiobook edition, some unfinished, some without dates.
    public func sampleLibrary(_ count: Int, offset: Int = 0) -> [FakeHardcoverUserBook] {
        let statuses = FakeHardcoverReadingStatus.allCases
        return books.dropFirst(offset).prefix(count).enumerated().map { n, book in
            let audio = editions(ofBook: book.id).first(where: \.isAudiobook)
            let reads = (0..<(n % 4)).map { k in
                FakeHardcoverUserBookRead(editionId: k == 2 ? nil : audio?.id, startedAt: k == 1 ? nil : "2025-0\(k + 1)-1\(n % 10)",
                                          finishedAt: k == 0 ? "2025-12-31" : nil, progressSeconds: k == 2 ? nil : 60 * n + k)
            }
            return FakeHardcoverUserBook(bookId: book.id, editionId: n % 7 == 0 ? nil : audio?.id, status: statuses[n % statuses.count],
                                         owned: n % 5 == 0, rating: n % 3 == 0 ? 4.5 : nil, reads: reads)
        }
    }
}

extension FakeHardcoverUserBook {
    /// The row as a client reads it (and the mirror holds it): no rating.
    public var asRead: HardcoverUserBook {
        HardcoverUserBook(id: id, bookId: bookId, editionId: editionId, status: status, owned: owned, updatedAt: updatedAt,
                          reads: reads.map { read in
                              HardcoverRead(id: read.id, editionId: read.editionId, startedOn: read.startedAt.flatMap(HardcoverDate.init),
                                            finishedOn: read.finishedAt.flatMap(HardcoverDate.init), progressSeconds: read.progressSeconds)
                          })
    }
}
