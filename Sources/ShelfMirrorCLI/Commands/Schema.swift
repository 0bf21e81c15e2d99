import ArgumentParser
import MirrorWorkflows

extension ShelfMirror {
    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schema",
            abstract: "Print the SQL schema a new mirror gets (what schema/mirror.sql holds).",
            discussion: """
                The public views are documented in schema/README.md; tables behind them may change.

                Example:
                  shelfmirror schema > schema/mirror.sql
                """)

        func run() throws {
            Console.out(try Reading.schemaSQL(), terminator: "")
        }
    }
}
