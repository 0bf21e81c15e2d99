import ArgumentParser
import Foundation
import MirrorWorkflows

extension ShelfMirror {
    /// Measures matching on a labelled evaluation set (`make eval`).
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Measure matching on a labelled evaluation set: precision and recall of automatic matches.",
            discussion: """
                Loads the set (items.json, catalog.json, labels.json) into a throw-away mirror, runs \
                `match` with the configured weights, and compares with the labels. Precision: of the \
                automatic matches, the share that are right. Recall: of the items whose book is in \
                the catalog, the share matched automatically to it.

                Example:
                  shelfmirror eval fixtures/eval
                """,
            shouldDisplay: false)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The evaluation set's folder.", valueName: "folder"))
        var folder: String = "fixtures/eval"

        @Option(help: ArgumentHelp("Write the evaluation mirror here (a new file), to `explain` its items.", valueName: "path"))
        var keep: String?

        @Option(help: "Fail (exit 1) when auto precision is below this.")
        var minPrecision: Double = 0.99

        @Option(help: "Fail (exit 1) when auto recall is below this.")
        var minRecall: Double = 0.90

        func run() throws {
            let settings = try global.settings
            let url = URL(fileURLWithPath: folder)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("items.json").path) else {
                throw UsageError(summary: "no evaluation set in \(folder) (items.json, catalog.json, labels.json)",
                                 hint: "Run it from the repository: `shelfmirror eval fixtures/eval`.")
            }
            if let keep, FileManager.default.fileExists(atPath: keep) {
                throw UsageError(summary: "\(keep) exists already", hint: "--keep writes a new mirror; give a new path.")
            }
            let report = try Evaluation.run(folder: url, config: settings.matchConfig, keep: keep)
            Console.out("| case | items | in catalog | auto | auto right | needs review | unmatched | best right | precision | recall | edition right |")
            Console.out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for row in report.cases + [report.total] {
                let name = row.name == "all" ? "**all**" : row.name
                Console.out("| \(name) | \(row.items) | \(row.labelled) | \(row.auto) | \(row.autoRight) | \(row.needsReview) | \(row.unmatched) "
                    + "| \(row.bestRight) | " + String(format: "%.3f | %.3f", row.precision, row.recall)
                    + " | \(row.editionRight)/\(row.editionLabelled) |")
            }
            for w in report.wrong {
                Console.err("wrong auto match: \(w.item) (\(w.case)): chose \(w.chosen.map(String.init) ?? "nothing"), right is \(w.right.map(String.init) ?? "none")")
            }
            let t = report.total
            Console.out("")
            Console.out(String(format: "Auto precision %.3f (target ≥ %.2f), recall %.3f (target ≥ %.2f); matched in %.2f s.",
                               t.precision, minPrecision, t.recall, minRecall, report.seconds))
            if t.precision < minPrecision || t.recall < minRecall { throw ExitCode(1) }
        }
    }
}
