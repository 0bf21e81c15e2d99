import Foundation
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
