import ArgumentParser
import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore
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
            func ok(_ text: String) { Console.out("ok    \(text)") }
            func warn(_ text: String) { Console.out("warn  \(text)") }
            func fail(_ error: UserFacingError) {
                Console.out("FAIL  \(settings.redactor.scrub(error.summary))")
                if let hint = error.hint { Console.out("      fix: \(settings.redactor.scrub(hint))") }
                if firstFailure == nil { firstFailure = error }
            }

            // The mirror.
            let path = settings.database.value
            if FileManager.default.fileExists(atPath: path) {
                do {
                    let status = try Mirror.openReadOnly(path: path).status()
                    ok("mirror \(path) (schema \(status.schemaSteps.last ?? "?"), \(status.files) files)")
                } catch let error as UserFacingError {
                    fail(error)
                }
            } else {
                ok("mirror \(path) does not exist yet; scan or sync will create it")
            }

            // AudiobookShelf.
            do {
                let client = try Connections.audiobookshelf(settings)
                let status = try await client.status()
                ok("AudiobookShelf \(status.version) answers at \(Redactor.url(client.connection.baseURL.absoluteString))")
                let user = try await client.me()
                ok("token of \(Settings.origin(settings.absToken!.source)) accepted: user \(user.username) (\(user.type))")
                if !user.isActive { fail(RemoteError(.forbidden, service: .audiobookshelf, url: "/api/me", tokenSource: nil)) }
                if user.canUpdate {
                    ok("the user may update items: push will work")
                } else {
                    warn("the user may not update items: sync works, but push will be refused (403). Use an admin's API key, or give the user 'Can Update'.")
                }
                if !user.canAccessExplicit {
                    warn("the user cannot see explicit books: they will be missing from the mirror")
                }
                let libraries = try await client.libraries()
                let books = libraries.filter { $0.mediaType == "book" }
                ok("\(libraries.count) libraries, \(books.count) of books: \(books.map(\.name).joined(separator: ", "))")
            } catch let error as UserFacingError {
                fail(error)
            }

            // Hardcover.
            if let token = settings.hardcoverToken {
                do {
                    let client = try Connections.hardcover(settings, limiter: RateLimiter(configuration: .init(dailyReserve: 0)))
                    do {
                        let user = try await client.me()
                        ok("Hardcover token of \(Settings.origin(token.source)) accepted: user \(user.username)")
                    } catch let error as RemoteError where error.code.isGraphQL && error.summary.contains("'me'") {
                        warn("the Hardcover token of \(Settings.origin(token.source)) cannot read `me` (no read:me scope); sync only needs read:catalog")
                    }
                    let limits = client.lastRateLimit
                    if limits.isEmpty {
                        Console.out("info  Hardcover sent no rate-limit headers")
                    } else {
                        let minute = limits.minuteRemaining.map { "\($0) requests left this minute" }
                        let day = limits.dailyRemaining.map { "\($0)" + (limits.dailyLimit.map { " of \($0)" } ?? "") + " left today" }
                        ok("Hardcover quota: " + [minute, day].compactMap { $0 }.joined(separator: ", "))
                    }
                } catch let error as UserFacingError {
                    fail(error)
                }
            } else {
                Console.out("info  HARDCOVER_TOKEN is not set: sync skips Hardcover (get a token at https://hardcover.app/account/api)")
            }

            if let firstFailure { throw ExitCode(ErrorReporter.exitStatus(for: firstFailure.kind)) }
        }
    }
}
