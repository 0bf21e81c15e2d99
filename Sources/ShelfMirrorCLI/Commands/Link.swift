import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Link: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "link",
            abstract: "Link an item to a Hardcover book yourself; rematches keep it.",
            discussion: """
                The book must be in the mirror (sync brings the books items could match; `explain` \
                lists an item's candidates). Without --edition, the item's best audiobook edition \
                of that book is chosen.

                Examples:
                  shelfmirror link "The Way of Kings" 328491
                  shelfmirror link li_8a7f… 328491 --edition 30405060
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The item: its id, or its exact title.", valueName: "item"))
        var item: String

        @Argument(help: ArgumentHelp("The Hardcover book id.", valueName: "book"))
        var book: Int

        @Option(help: ArgumentHelp("The Hardcover edition id (default: the best audiobook edition).", valueName: "edition"))
        var edition: Int?

        func run() throws {
            let mirror = try global.settings.openMirror()
            let id = try ItemReference.resolve(item, mirror: mirror)
            let found: HardcoverBook
            let chosen: Int?
            switch try Linking.link(mirror: mirror, itemId: id, bookId: book, editionId: edition) {
            case .linked(let linked, let editionId):
                (found, chosen) = (linked, editionId)
            case .bookNotInMirror:
                throw UsageError(summary: "Hardcover book \(book) is not in the mirror",
                                 hint: "`shelfmirror explain \(item)` lists the item's candidates; sync brings the books items could match.")
            case .editionNotOfBook(let editions):
                throw UsageError(summary: "edition \(edition ?? 0) is not an edition of book \(book) in the mirror",
                                 hint: "Its editions in the mirror: " + editions.map { "\($0.id) (\($0.readingFormat.rawValue))" }.joined(separator: ", "))
            }
            Console.err("Linked \(id) to \"\(TerminalText.line(found.title))\" (book \(book)" + (chosen.map { ", edition \($0)" } ?? "") + ").")
        }
    }

    struct Unlink: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unlink",
            abstract: "Reject an item's match: it stays unmatched through rematches until you link it.",
            discussion: """
                With --reset, forgets your decision (link, unlink or ignore) instead: the next \
                `match` scores the item again.

                Examples:
                  shelfmirror unlink "The Way of Kings"
                  shelfmirror unlink li_8a7f… --reset
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The item: its id, or its exact title.", valueName: "item"))
        var item: String

        @Flag(help: "Forget the decision about the item instead; `match` scores it again.")
        var reset = false

        func run() throws {
            let mirror = try global.settings.openMirror()
            let id = try ItemReference.resolve(item, mirror: mirror)
            try reset ? Linking.forget(mirror: mirror, itemId: id) : Linking.unlink(mirror: mirror, itemId: id)
            Console.err(reset ? "Forgot the decision about \(id); `shelfmirror match` scores it again."
                              : "Rejected the match of \(id); it stays unmatched until you link it (or `unlink --reset`).")
        }
    }

    struct Ignore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ignore",
            abstract: "Leave an item out of matching and proposals, through every rematch.",
            discussion: """
                Example:
                  shelfmirror ignore "My Home Recording"
                  shelfmirror unlink "My Home Recording" --reset    # undo
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The item: its id, or its exact title.", valueName: "item"))
        var item: String

        func run() throws {
            let mirror = try global.settings.openMirror()
            let id = try ItemReference.resolve(item, mirror: mirror)
            try Linking.ignore(mirror: mirror, itemId: id)
            Console.err("Ignoring \(id) from now on (`shelfmirror unlink \(id) --reset` undoes it).")
        }
    }
}
