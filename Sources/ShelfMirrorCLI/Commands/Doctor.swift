import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension ShelfMirror {
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check the configuration, the mirror and the servers; say what to fix.",
            discussion: """
                Checks, in order: the settings (a server's URL and token must come from the same \
                place); the mirror file; AudiobookShelf (/status, the token's \
                user, its update permission, the libraries); Hardcover (the token, with one `me` request, \
                and the quota left). Each failure says its cause and the fix. \
                The exit status is that of the first failure (0 when all is well).

                Examples:
                  shelfmirror doctor
                  ABS_URL=http://nas:13378 shelfmirror doctor
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions

        func run() async throws {
            let settings = try Settings(flags: .init(database: global.db, absURL: server.absURL))
            var firstFailure: UserFacingError?
            try await Checkup.run(settings: settings) { finding in
                switch finding {
                case .ok(let text): Console.out("ok    \(text)")
                case .warn(let text): Console.out("warn  \(text)")
                case .info(let text): Console.out("info  \(text)")
                case .fail(let error):
                    Console.out("FAIL  \(settings.redactor.scrub(error.summary))")
                    if let hint = error.hint { Console.out("      fix: \(settings.redactor.scrub(hint))") }
                    if firstFailure == nil { firstFailure = error }
                }
            }
            if let firstFailure { throw ExitCode(ErrorReporter.exitStatus(for: firstFailure.kind)) }
        }
    }
}
