import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

/// What `doctor` checks, in order: the mirror file; AudiobookShelf (/status, the token's user, its
/// update permission, the libraries); Hardcover (the token, with one `me` request, and the quota
/// left). Each finding is reported as it is made; a failure carries the error, its cause and fix.
/// An error no layer made user-facing is thrown, ending the checks.
public enum Checkup {
    public enum Finding {
        case ok(String)
        case warn(String)
        case info(String)
        case fail(any UserFacingError)
    }

    public static func run(settings: Settings, report: (Finding) -> Void) async throws {
        try checkMirror(settings, report: report)
        try await checkAudiobookShelf(settings, report: report)
        try await checkHardcover(settings, report: report)
    }

    static func checkMirror(_ settings: Settings, report: (Finding) -> Void) throws {
        let path = settings.database.value
        guard FileManager.default.fileExists(atPath: path) else {
            report(.ok("mirror \(path) does not exist yet; scan or sync will create it"))
            return
        }
        do {
            let status = try Mirror.openReadOnly(path: path).status()
            report(.ok("mirror \(path) (schema \(status.schemaSteps.last ?? "?"), \(status.files) files)"))
        } catch let error as UserFacingError {
            report(.fail(error))
        }
    }

    static func checkAudiobookShelf(_ settings: Settings, report: (Finding) -> Void) async throws {
        do {
            let client = try Connections.audiobookshelf(settings)
            let status = try await client.status()
            report(.ok("AudiobookShelf \(status.version) answers at \(Redactor.url(client.connection.baseURL.absoluteString))"))
            let user = try await client.me()
            report(.ok("token of \(Settings.origin(settings.absToken!.source)) accepted: user \(user.username) (\(user.type))"))
            if !user.isActive { report(.fail(RemoteError(.forbidden, service: .audiobookshelf, url: "/api/me", tokenSource: nil))) }
            if user.canUpdate {
                report(.ok("the user may update items: push will work"))
            } else {
                report(.warn("the user may not update items: sync works, but push will be refused (403). Use an admin's API key, or give the user 'Can Update'."))
            }
            if !user.canAccessExplicit {
                report(.warn("the user cannot see explicit books: they will be missing from the mirror"))
            }
            let libraries = try await client.libraries()
            let books = libraries.filter { $0.mediaType == "book" }
            report(.ok("\(libraries.count) libraries, \(books.count) of books: \(books.map(\.name).joined(separator: ", "))"))
        } catch let error as UserFacingError {
            report(.fail(error))
        }
    }

    static func checkHardcover(_ settings: Settings, report: (Finding) -> Void) async throws {
        guard let token = settings.hardcoverToken else {
            report(.info("HARDCOVER_TOKEN is not set: sync skips Hardcover (get a token at https://hardcover.app/account/api)"))
            return
        }
        do {
            let client = try Connections.hardcover(settings, limiter: RateLimiter(configuration: .init(dailyReserve: 0)))
            do {
                let user = try await client.me()
                report(.ok("Hardcover token of \(Settings.origin(token.source)) accepted: user \(user.username)"))
            } catch let error as RemoteError where error.code.isGraphQL && error.summary.contains("'me'") {
                report(.warn("the Hardcover token of \(Settings.origin(token.source)) cannot read `me` (no read:me scope); sync only needs read:catalog"))
            }
            // A probe that cannot change anything: whether `push --target hardcover` may write.
            do {
                switch try await client.libraryWriteAccess() {
                case .allowed:
                    report(.ok("the Hardcover token may write your library (push --target hardcover)"))
                case .missingScope(let scope):
                    report(.warn("the Hardcover token may not write your library (Hardcover asks for the scope \(scope)): "
                        + "push --target hardcover would stop with exit 77; create a token that may write it at https://hardcover.app/account/api"))
                }
            } catch let error as UserFacingError {
                report(.warn("could not check whether the Hardcover token may write your library: \(error.summary)"))
            }
            let limits = client.lastRateLimit
            if limits.isEmpty {
                report(.info("Hardcover sent no rate-limit headers"))
            } else {
                let minute = limits.minuteRemaining.map { "\($0) requests left this minute" }
                let day = limits.dailyRemaining.map { "\($0)" + (limits.dailyLimit.map { " of \($0)" } ?? "") + " left today" }
                report(.ok("Hardcover quota: " + [minute, day].compactMap { $0 }.joined(separator: ", ")))
            }
        } catch let error as UserFacingError {
            report(.fail(error))
        }
    }
}
