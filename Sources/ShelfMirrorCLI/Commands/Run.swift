import ArgumentParser
import Foundation
import MirrorCore
import MirrorWorkflows

extension NotificationFormat: ExpressibleByArgument {}

extension ShelfMirror {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "The whole cycle for a timer: sync, scan, match, diff, accept by your policy, push (with --push), a summary.",
            discussion: """
                For cron or a systemd timer. Each step logs one line to standard error (--log-format \
                json for log collectors); the summary is one line on standard output, and with \
                --summary-json a file. Nothing is accepted that `[auto]` in config.toml does not \
                name (`run --explain-policy` shows what it would accept now, by field); nothing is \
                pushed without --push or `[run] push = true`, nor after a sync that failed.

                A run while another is writing the mirror exits 75 at once; a server that is down \
                makes the run exit 69 after the offline steps, and the next run goes on.

                Examples:
                  shelfmirror run --explain-policy
                  shelfmirror run --push --summary-json /var/tmp/shelfmirror.json
                  shelfmirror run --log-format json
                  shelfmirror run --push --notify https://ntfy.sh/my-topic --notify-format ntfy
                """)

        enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

        @OptionGroup var global: GlobalOptions
        @OptionGroup var server: ServerOptions
        @OptionGroup var hardcover: HardcoverPacingOptions

        @Flag(help: "Push what is accepted (also `[run] push = true` in config.toml).")
        var push = false

        @Flag(help: "Print what the policy would accept now, field by field, and change nothing else.")
        var explainPolicy = false

        @Option(help: ArgumentHelp("Write the run's summary as JSON to this file.", valueName: "file"))
        var summaryJson: String?

        @Option(help: "Log lines on standard error: text or json (one object a line).")
        var logFormat: LogFormat = .text

        @Option(help: ArgumentHelp("POST the summary to this address when something happened or failed.", valueName: "url"))
        var notify: String?

        @Option(help: "The notification's body: json (the summary, for a generic webhook), ntfy, or apprise.")
        var notifyFormat: NotificationFormat = .json

        @Flag(help: "Notify after every run, even one that changed nothing.")
        var notifyAlways = false

        @OptionGroup var timeZone: TimeZoneOption

        func run() async throws {
            let settings = try Settings(flags: .init(database: global.db, absURL: server.absURL))
            let mirror = try RunWorkflow.openMirror(settings)
            let listening = timeZone.listening(settings)

            if explainPolicy {
                _ = try ChangeListing.run(mirror: mirror, policy: settings.diffPolicy, listening: listening, itemIds: nil, fields: nil,
                                          statuses: [.pending])
                try Self.explain(try AutoAccept.explain(mirror: mirror, policy: settings.autoPolicy).report, policy: settings.autoPolicy)
                return
            }

            let options = RunOptions(push: push, listening: listening, pacing: hardcover.pacing)
            let format = logFormat
            var (summary, error) = await RunWorkflow.run(mirror: mirror, settings: settings, options: options) { Self.log($0, format: format) }
            if let notify {
                await RunWorkflow.notify(&summary, url: notify, format: notifyFormat, always: notifyAlways)
                if let problem = summary.notification?.error {
                    Console.err("warning: the notification was not delivered: \(settings.redactor.scrub(problem)); the run itself is not affected")
                }
            }
            Console.out(summary.line)
            if let summaryJson {
                do {
                    try (summary.json + "\n").write(toFile: summaryJson, atomically: true, encoding: .utf8)
                } catch {
                    Console.err("warning: cannot write \(summaryJson): \(error.localizedDescription)")
                }
            }
            if let error { throw error }
        }

        static func log(_ entry: RunStepLog, format: LogFormat) {
            switch format {
            case .text:
                Console.err("\(entry.step): \(TerminalText.line(entry.message))")
            case .json:
                var fields = entry.figures.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):\($0.value)" }
                fields.insert("\"step\":\(JSONText.string(entry.step))", at: 0)
                fields.insert("\"time\":\(JSONText.string(ISO8601.now()))", at: 1)
                fields.append("\"message\":\(JSONText.string(entry.message))")
                if let error = entry.error { fields.append("\"error\":\(JSONText.string(error))") }
                Console.err("{" + fields.joined(separator: ",") + "}")
            }
        }

        static func explain(_ report: AutoAcceptReport, policy: AutoPolicy) throws {
            if policy.isEmpty {
                Console.err("config.toml names nothing under [auto]: a run accepts nothing on its own. See `shelfmirror run --help`.")
            }
            let writer = RowWriter(format: .table)
            writer.begin(columns: ["target", "field", "would_accept", "left_for_you", "why_left"])
            for line in report.lines {
                writer.row([.text(line.target.rawValue), .text(line.field.rawValue), .integer(Int64(line.accepted)), .integer(Int64(line.left)),
                            .text(line.reasons.first ?? "")])
            }
            writer.end()
            Console.err("The policy would accept \(report.accepted) of \(report.accepted + report.left) pending proposals; nothing was decided.")
        }
    }
}
