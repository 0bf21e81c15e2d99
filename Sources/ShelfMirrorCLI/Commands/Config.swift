import ArgumentParser
import MirrorCore
import Foundation
import MirrorWorkflows

extension ShelfMirror {
    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Show the resolved settings and where each came from (tokens redacted).",
            discussion: """
                Settings come from flags, then the environment, then a .env file in the working folder,
                then $XDG_CONFIG_HOME/shelfmirror/config.toml (~/.config/shelfmirror/config.toml; or
                $SHELFMIRROR_CONFIG). Variables: ABS_URL (or AUDIOBOOKSHELF_URL), ABS_TOKEN (or
                AUDIOBOOKSHELF_API_KEY, AUDIOBOOKSHELF_TOKEN), HARDCOVER_TOKEN, HARDCOVER_URL,
                SHELFMIRROR_DB, SHELFMIRROR_PATH_MAP ("SERVER=LOCAL;SERVER2=LOCAL2").

                config.toml keys: db, abs_url, abs_token, hardcover_url, hardcover_token, and
                path_map (a list), e.g.
                  abs_url = "http://nas:13378"
                  path_map = ["/audiobooks=/mnt/nas/audiobooks"]

                A server's URL and its token must come from the same place (flags and the
                environment count as one place; Hardcover's default URL goes with a token from
                anywhere): otherwise sync, push and doctor refuse to send the token, and config
                says so on standard error. Credentials in a URL (user:password@, ?token=…) are
                shown as ***.

                Examples:
                  shelfmirror config
                  shelfmirror config --format json
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let s = try Settings(flags: .init(database: global.db, absURL: server.absURL))
            func row(_ name: String, _ value: String?, _ source: SettingSource?) -> [QueryValue] {
                [.text(name), value.map { .text($0) } ?? .null, .text(source.map { String(describing: $0) } ?? "not set")]
            }
            let writer = RowWriter(format: output.format)
            writer.begin(columns: ["setting", "value", "source"])
            writer.row(row("database", s.database.value, s.database.source))
            writer.row(row("abs_url", s.absURL.map { Redactor.url($0.value) }, s.absURL?.source))
            writer.row(row("abs_token", s.absToken.map { _ in "‹set, redacted›" }, s.absToken?.source))
            writer.row(row("hardcover_url", Redactor.url(s.hardcoverURL.value), s.hardcoverURL.source))
            writer.row(row("hardcover_token", s.hardcoverToken.map { _ in "‹set, redacted›" }, s.hardcoverToken?.source))
            writer.row(row("path_map", s.pathMaps.value.isEmpty ? nil : s.pathMaps.value.map(\.description).joined(separator: "; "),
                           s.pathMaps.value.isEmpty ? nil : s.pathMaps.source))
            writer.end()
            for conflict in s.mixedSources {
                Console.err("warning: \(conflict.summary): sync, push and doctor refuse to use them together.")
                if let hint = conflict.hint { Console.err("hint: \(hint)") }
            }
        }
    }
}
