import Foundation
import MirrorCore
import MirrorFakes
import MirrorWorkflows

/// The steps of `demo`, each calling the workflow its command calls (through `DemoPipeline`),
/// against the sample servers and a mirror of its own, and printing what happened. A step that
/// fails stops the demo with its name; the checks read the sample AudiobookShelf's own data, not
/// the mirror. Cancelling the
/// task that runs it stops it before the next step (and between the files it writes).
/// One task at a time uses it: the one that runs it, then, once that has ended, `Demo.run`.
final class DemoRun: @unchecked Sendable {
    let workspace: DemoWorkspace
    let terminal: Terminal
    let started = Date()

    /// diff's policy in the demo: fill empty fields, and replace these where Hardcover differs.
    static let replaceFields: [DiffField] = [.title, .authors, .series, .isbn]
    /// accept takes the proposals of automatic matches scoring at least this.
    static let minScore = 0.9
    static let stepCount = 14
    /// The listening diff's time zone in the demo: UTC, so that its dates read the same everywhere.
    static let timeZone = TimeZone(identifier: "UTC") ?? .gmt

    private var stepNumber = 0
    private var currentStep = "prepare"
    private(set) var library: DemoLibrary?
    private var absServer: FakeABSServer?
    private var hardcoverServer: FakeHardcoverServer?
    /// The sample Hardcover's state, for the checks of the listening part.
    private(set) var hardcoverState: FakeHardcoverState?
    private var pipeline: DemoPipeline?
    /// The push run, and the changes it pushed as they were when pushed.
    private var pushRunId: Int64?
    private var pushed: [ChangeRow] = []
    /// The change whose field was edited on the server before the push (a conflict).
    private var handEdited: ChangeRow?
    /// The Hardcover push run, and the reader's library just before it.
    var listeningRunId: Int64?
    var libraryBeforePush: [FakeHardcoverUserBook] = []

    init(workspace: DemoWorkspace, terminal: Terminal) {
        self.workspace = workspace
        self.terminal = terminal
    }

    func run() async throws {
        try await prepare()
        try await step("sync", "AudiobookShelf, then the Hardcover books it could match", command: "shelfmirror sync", sync)
        try await step("scan", "the items' own audio files, read with TagLib", command: "shelfmirror scan", scan)
        try await step("match", "each item against its Hardcover candidates, offline", command: "shelfmirror match", match)
        try await step("diff", "field-level proposals beside the current values", command: "shelfmirror diff --target abs", diff)
        try await step("accept", "decisions, stored in the mirror; nothing is sent yet",
                       command: "shelfmirror accept --all --replace --min-score \(Self.minScore)", accept)
        try await step("push", "re-read, conflict check, journal, send, verify", command: "shelfmirror push", push)
        try await step("check", "what the sample AudiobookShelf holds now", command: nil, checkPushed)
        try await step("undo", "the push's before-values sent back, with the same conflict check",
                       command: "shelfmirror undo --last", undo)

        Console.out("")
        Console.out(terminal.bold("The other direction") + ": what was listened to in AudiobookShelf, onto Hardcover's audiobook editions")
        try await step("hardcover diff", "listening state against the reader's Hardcover library",
                       command: "shelfmirror diff --target hardcover --tz UTC", hardcoverDiff)
        try await step("hardcover push", "accepted by a policy, then re-read, conflict check, journal, send",
                       command: "shelfmirror accept --target hardcover --replace; shelfmirror push --target hardcover", hardcoverPush)
        try await step("hardcover check", "what the sample Hardcover holds now", command: nil, hardcoverCheck)
        try await step("again", "a new sync and diff propose nothing: no duplicate reads",
                       command: "shelfmirror sync; shelfmirror diff --target hardcover --tz UTC", again)
        try await step("gaps", "listening state no push can write to Hardcover, and the next step", command: "shelfmirror gaps", gaps)
        try await step("hardcover undo", "what the push created deleted, what it changed restored",
                       command: "shelfmirror undo --last", hardcoverUndo)
    }

    // MARK: - Steps

    private func prepare() async throws {
        do {
            let library = DemoLibrary(folder: workspace.library)
            self.library = library
            let bytes = try library.writeFiles()
            let abs = try await FakeABSServer.start(state: library.makeState())
            absServer = abs
            let hardcoverState = await library.makeHardcoverState(limits: .unlimited)
            self.hardcoverState = hardcoverState
            let hardcover = try await FakeHardcoverServer.start(state: hardcoverState)
            hardcoverServer = hardcover
            pipeline = try DemoPipeline(mirrorPath: workspace.mirror, absURL: abs.baseURL.absoluteString, absToken: FakeABSState.adminToken,
                                        hardcoverURL: hardcover.graphqlURL.absoluteString, hardcoverToken: FakeHardcoverState.validToken)

            Console.out(terminal.bold("shelfmirror demo") + ": the whole pipeline on a sample library, offline, in \(workspace.root.path)")
            Console.out("")
            Console.out("Sample library \"\(library.library.name)\": \(library.items.count) books, \(library.files.count) tagged MP3 files "
                + "(\(Self.size(bytes))) in \(workspace.library)")
            let kinds = DemoErrorKind.allCases.compactMap { kind -> String? in
                let n = library.errors(of: kind).count
                return n == 0 ? nil : "\(n) \(Self.label(kind, plural: n != 1))"
            }
            Console.out("  with \(library.errors.count) mistakes to find: " + kinds.joined(separator: ", "))
            let listened = DemoListeningKind.allCases.compactMap { kind -> String? in
                let n = library.listening(of: kind).count
                return n == 0 ? nil : "\(n) \(Self.label(kind))"
            }
            Console.out("  and \(library.listening.count) books listened to: " + listened.joined(separator: ", "))
            Console.out("Sample AudiobookShelf at \(abs.baseURL.absoluteString); sample Hardcover at \(hardcover.graphqlURL.absoluteString) "
                + "(\(library.catalog.books.count) books, \(library.catalog.editions.count) editions; "
                + "\(library.hardcoverLibrary.count) of the books in its reader's library)")
            Console.out("Mirror: \(workspace.mirror)")
        } catch {
            throw DemoStepError(step: "prepare", underlying: error)
        }
    }

    private func sync() async throws {
        let (abs, hardcover) = try await openPipeline().sync()
        let c = abs.counts
        line("AudiobookShelf \(abs.serverVersion): \(c.listed) items listed, \(c.fetched) fetched in \(abs.requests) requests (\(Self.seconds(abs.seconds)))")
        if let stop = hardcover.stopped { throw DemoCheckFailure("Hardcover sync stopped: \(HardcoverSync.describe(stop))") }
        let r = hardcover.resolutions
        line("Hardcover: \(hardcover.items) items looked up — \((r[.asin] ?? 0) + (r[.isbn] ?? 0)) found by ASIN or ISBN, "
            + "\(r[.title] ?? 0) by exact title, \(r[.search] ?? 0) by search, \(r[LookupResolution.none] ?? 0) not found; "
            + "\(hardcover.booksFetched) books fetched in \(hardcover.requests) requests (\(Self.seconds(hardcover.seconds)))")
    }

    private func scan() async throws {
        let (summary, example) = try openPipeline().scan()
        guard let scan = summary.scan else { throw DemoCheckFailure("scan read no file") }
        let c = scan.counts
        line("\(c.seen) files read in \(Self.seconds(scan.seconds)): \(c.new) new, \(c.errors) unreadable; "
            + "\(summary.files - summary.unreachable) linked to their items")
        if let bad = scan.unreadable.first {
            throw DemoCheckFailure("TagLib could not read \(scan.unreadable.count) of the sample files, e.g. \(bad.path): \(bad.message)")
        }
        if summary.unreachable > 0 { throw DemoCheckFailure("\(summary.unreachable) of the items' files are missing, e.g. \(summary.example?.server ?? "")") }
        if let e = example {
            let name = URL(fileURLWithPath: e.path).lastPathComponent
            line("e.g. \(name): \(e.format), \(Self.duration(e.durationSeconds)) at \(e.bitrate) kbit/s; album “\(e.album)”, "
                + "artist “\(e.artist)”, composer (narrators) “\(e.composer)”, series “\(e.series)” #\(e.seriesPart)")
        }
    }

    private func match() async throws {
        let trap = library?.errors(of: .printISBN).map(\.itemId) ?? []
        let (summary, formats) = try openPipeline().match(formatsOf: trap)
        let s = summary.byStatus
        line("\(summary.items) items in \(Self.seconds(summary.seconds)): \(s[.auto] ?? 0) matched automatically, "
            + "\(s[.needsReview] ?? 0) need\(s[.needsReview] == 1 ? "s" : "") review, \(s[.unmatched] ?? 0) unmatched")
        guard !trap.isEmpty else { return }
        line("Of the \(trap.count) books whose ISBN is the print edition's, \(formats.filter { $0 == "audiobook" }.count) matched "
            + "the audiobook edition, as they should")
    }

    private func diff() async throws {
        var policy = DiffPolicy()
        for field in Self.replaceFields { policy.fields[field] = .replace }
        let rows = try openPipeline().diff(policy: policy)
        let fills = rows.filter { $0.action == .fill }.count
        var byField: [ChangeField: Int] = [:]
        for r in rows { byField[r.field, default: 0] += 1 }
        let fields = byField.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) \($0.value)" }
        line("Policy: fill empty fields; replace \(Self.listed(Self.replaceFields.map(\.rawValue))) where Hardcover differs "
            + terminal.dim("(on your library: [diff] in config.toml)"))
        line("\(rows.count) proposals for \(Set(rows.map(\.itemId)).count) items: \(fills) fills, \(rows.count - fills) replacements — "
            + fields.joined(separator: ", "))
        // One proposal per kind of mistake, side by side.
        var shown: [ChangeRow] = []
        for kind in DemoErrorKind.allCases {
            let items = Set(library?.errors(of: kind).map(\.itemId) ?? [])
            if let row = rows.first(where: { items.contains($0.itemId) && $0.field == .abs(kind.field) }) { shown.append(row) }
        }
        guard !shown.isEmpty else { return }
        line("One of each kind of mistake:")
        var narrower = terminal
        narrower.width = max(80, terminal.width - 2)
        for text in DiffReport.table(shown, terminal: narrower).split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            line(String(text))
        }
    }

    private func accept() async throws {
        let report = try openPipeline().accept(minScore: Self.minScore)
        let chosen = report.chosen
        let n = report.decided
        let fromTags = chosen.filter { $0.source == .tags }
        let replacements = chosen.filter { $0.source != .tags && $0.action == .replace }.count
        line("Accepted \(n): the proposals of automatic matches scoring at least \(String(format: "%.2f", Self.minScore)) "
            + "(\(chosen.count - fromTags.count - replacements) fills, \(replacements) replacements), and \(fromTags.count) fills "
            + "from the files' tags where Hardcover has nothing")
        line("Left \(report.left) pending for a person to decide " + terminal.dim("(shelfmirror review, or diff --format html)"))
    }

    private func push() async throws {
        let pipeline = try openPipeline()
        let preview = try await pipeline.push(dryRun: true)
        line("Preview (push --dry-run): \(preview.planned.count) request\(preview.planned.count == 1 ? "" : "s") to change "
            + "\(preview.pushed) fields of \(preview.items) items, e.g.")
        if let first = preview.planned.first {
            line("  \(first.method) \(first.path)")
            line("  " + Self.firstEntry(of: first.body))
        }

        // Someone edits one of the fields on the server after the sync: push must leave it alone.
        let accepted = try pipeline.changes(statuses: [.accepted])
        if let row = accepted.first(where: { $0.field == .abs(.narrators) && $0.current == nil }),
           case .list(let names)? = FieldValue(json: row.proposed, field: .narrators), let state = absServer?.state {
            await state.update(itemId: row.itemId) { $0.narrators = names }
            handEdited = row
            line("Meanwhile, someone types the narrators of “\(row.itemTitle ?? row.itemId)” into AudiobookShelf by hand.")
        }

        let summary = try await pipeline.push(dryRun: false)
        pushRunId = summary.runId
        pushed = try pipeline.changes(statuses: [.pushed])
        line("Pushed \(summary.pushed) fields of \(summary.items) items in \(summary.requests) requests (run \(summary.runId ?? 0)); "
            + "\(summary.conflicts) conflict\(summary.conflicts == 1 ? "" : "s"), \(summary.failed) failed")
        for p in summary.problems.prefix(5) { line("  \(p.item) — \(p.field): \(p.reason)") }
        if summary.failed > 0 { throw DemoCheckFailure("\(summary.failed) fields failed to push") }
        if summary.conflicts != (handEdited == nil ? 0 : 1) {
            throw DemoCheckFailure("push reported \(summary.conflicts) conflicts; only the field edited by hand should be one")
        }
        if summary.runId == nil || pushed.isEmpty { throw DemoCheckFailure("push sent nothing") }
    }

    private func checkPushed() async throws {
        guard let state = absServer?.state, let library else { return }
        var wrong: [String] = []
        for row in pushed {
            guard let field = row.field.metadata else { continue }
            let now = await state.item(id: row.itemId)?.value(field)
            if !Differ.same(field, now, FieldValue(json: row.proposed, field: field)) {
                wrong.append("\(row.itemTitle ?? row.itemId) — \(row.field.rawValue): \(now?.display ?? "nothing")")
            }
        }
        if !wrong.isEmpty {
            throw DemoCheckFailure("\(wrong.count) of \(pushed.count) pushed fields do not hold the pushed value on the server, e.g. \(wrong[0])")
        }
        var kept = ""
        if let edited = handEdited {
            let now = await state.item(id: edited.itemId)?.value(.narrators)
            guard Differ.same(.narrators, now, FieldValue(json: edited.proposed, field: .narrators)) else {
                throw DemoCheckFailure("the narrators typed by hand on the server were overwritten")
            }
            kept = "; the field edited by hand kept its edit"
        }
        line("All \(pushed.count) pushed fields hold their new values on the sample AudiobookShelf\(kept)")

        // The mistakes: how many are now right on the server.
        var fixed: [DemoErrorKind: Int] = [:]
        var open: [DemoError] = []
        for error in library.errors {
            let now = await state.item(id: error.itemId)?.value(error.field)
            if Differ.same(error.field, now, error.right) {
                fixed[error.kind, default: 0] += 1
            } else {
                open.append(error)
            }
        }
        let total = fixed.values.reduce(0, +)
        let kinds = DemoErrorKind.allCases.compactMap { kind -> String? in
            let n = library.errors(of: kind).count
            return n == 0 ? nil : "\(Self.label(kind, plural: true)) \(fixed[kind] ?? 0)/\(n)"
        }
        line("Mistakes now right: \(total) of \(library.errors.count) — " + kinds.joined(separator: ", "))
        if !open.isEmpty {
            let reasons = try waiting(open)
            line(open.count == 1
                ? "1 more waits for a person (shelfmirror review): one " + reasons[0].reason
                : "\(open.count) more wait for a person (shelfmirror review): " + reasons.map { "\($0.count) \($0.reason)" }.joined(separator: ", "))
        }
    }

    private func undo() async throws {
        let pipeline = try openPipeline()
        guard let state = absServer?.state else { return }
        let summary = try await pipeline.undo(runId: pushRunId)
        line("Reverted \(summary.pushed) fields of \(summary.items) items in \(summary.requests) requests (run \(summary.runId ?? 0)); "
            + "\(summary.conflicts) conflicts, \(summary.failed) failed")
        for p in summary.problems.prefix(5) { line("  \(p.item) — \(p.field): \(p.reason)") }
        var wrong: [String] = []
        for row in pushed {
            guard let field = row.field.metadata else { continue }
            let now = await state.item(id: row.itemId)?.value(field)
            if !Differ.same(field, now, FieldValue(json: row.current, field: field)) {
                wrong.append("\(row.itemTitle ?? row.itemId) — \(row.field.rawValue): \(now?.display ?? "nothing")")
            }
        }
        if !wrong.isEmpty {
            throw DemoCheckFailure("\(wrong.count) of \(pushed.count) fields are not back to their old values on the server, e.g. \(wrong[0])")
        }
        let pending = Set(try pipeline.changes(statuses: [.pending]).map(\.id))
        let reopened = pushed.filter { pending.contains($0.id) }.count
        line("Check: all \(pushed.count) fields hold their old values on the sample AudiobookShelf again; "
            + (reopened == pushed.count ? "their proposals are pending again" : "\(reopened) of their proposals are pending again"))
    }

    // MARK: - The end

    func stopServers() async {
        await hardcoverServer?.stop()
        await absServer?.stop()
        hardcoverServer = nil
        absServer = nil
    }

    func closeMirror() { pipeline = nil }

    func printClosing(failed: Bool) {
        Console.out("")
        let place = workspace.kept
            ? "Kept \(workspace.root.path): mirror.sqlite (the mirror) and library/ (the audio files)."
            : "Removed \(workspace.root.path)."
        if failed {
            Console.out("The demo stopped at \(currentStep). \(place) The sample servers are stopped.")
            return
        }
        Console.out("Done in \(Self.seconds(Date().timeIntervalSince(started))). \(place) The sample servers are stopped.")
        if workspace.kept {
            Console.out("Look around offline: shelfmirror --db \(workspace.mirror) diff --status all "
                + "(or status, history, query \"SELECT * FROM items LIMIT 5\")")
        }
        Console.out("")
        Console.out(terminal.bold("On your own library:"))
        Console.out("  1. Put ABS_URL, ABS_TOKEN and HARDCOVER_TOKEN in a .env file here; shelfmirror doctor checks them.")
        Console.out("  2. shelfmirror sync, then scan, match and diff: nothing is changed on your server.")
        Console.out("  3. shelfmirror review (or accept --all --min-score \(Self.minScore)), then push --dry-run to see the requests, then push.")
        Console.out("  4. shelfmirror undo --last takes a push back.")
        Console.out("  5. Your listening on Hardcover: diff --target hardcover, accept --target hardcover --replace, push --target hardcover; "
            + "shelfmirror gaps lists what cannot go.")
    }

    // MARK: - Helpers

    private func step(_ name: String, _ what: String, command: String?, _ body: () async throws -> Void) async throws {
        try Task.checkCancellation()
        stepNumber += 1
        currentStep = "step \(stepNumber), \(name)"
        Console.out("")
        Console.out(terminal.bold("[\(stepNumber)/\(Self.stepCount)] \(name)") + ": \(what)" + (command.map { "  " + terminal.dim("$ \($0)") } ?? ""))
        do {
            try await body()
        } catch let error as DemoStepError {
            throw error
        } catch {
            throw DemoStepError(step: name, underlying: error)
        }
    }

    func line(_ text: String) { Console.out("  " + text) }

    func openPipeline() throws -> DemoPipeline {
        guard let pipeline else { throw DemoCheckFailure("the mirror is not open") }
        return pipeline
    }

    /// Why mistakes were not set right by the push, most common first.
    private func waiting(_ errors: [DemoError]) throws -> [(reason: String, count: Int)] {
        let rows = try openPipeline().changes(itemIds: Set(errors.map(\.itemId)), statuses: ChangeStatus.live)
        var reasons: [String: Int] = [:]
        for error in errors {
            let row = rows.last { $0.itemId == error.itemId && $0.field == .abs(error.field) }
            let reason: String = switch (row?.status, row?.matchStatus) {
            case (nil, _): "with nothing proposed"
            case (.pending?, .needsReview?): "whose match needs review"
            case (.pending?, _): "whose match scores below \(String(format: "%.2f", Self.minScore))"
            case (let status?, _): "whose change is \(status.rawValue)"
            }
            reasons[reason, default: 0] += 1
        }
        return reasons.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.reason < $1.reason }
    }

    /// "a, b and c".
    static func listed(_ items: [String]) -> String {
        items.count < 2 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }

    static func label(_ kind: DemoErrorKind, plural: Bool) -> String {
        switch kind {
        case .missingNarrators: "without narrators"
        case .narratorsOnlyInTags: "with narrators only in the tags"
        case .wrongSeriesNumber: plural ? "wrong series numbers" : "wrong series number"
        case .titleTypo: plural ? "typos in titles" : "typo in a title"
        case .authorTypo: plural ? "misspelt authors" : "misspelt author"
        case .missingASIN: "without ASIN"
        case .printISBN: "with the print edition's ISBN"
        case .missingPublisher: "without publisher"
        case .missingLanguage: "without language"
        case .missingYear: "without year"
        }
    }

    static func seconds(_ s: Double) -> String { String(format: "%.2f s", s) }

    static func duration(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded())
        return minutes >= 60 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min"
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1_000_000 ? String(format: "%.1f MB", Double(bytes) / 1_000_000) : "\(max(1, (bytes + 500) / 1000)) kB"
    }

    /// The first entry of a batch/update body, and how many more there are.
    static func firstEntry(of body: String) -> String {
        guard let data = body.data(using: .utf8), let entries = try? JSONSerialization.jsonObject(with: data) as? [Any],
              let first = entries.first,
              let one = try? JSONSerialization.data(withJSONObject: first, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return body.count > 160 ? String(body.prefix(159)) + "…" : body
        }
        let text = String(decoding: one, as: UTF8.self)
        return "[" + text + (entries.count > 1 ? ", … \(entries.count - 1) more" : "") + "]"
    }
}

/// A demo step that failed: which one, and why. The demo runs on built-in data, so apart from
/// the machine's own trouble (a temporary folder it cannot write) a failure is a bug.
struct DemoStepError: UserFacingError {
    var step: String
    var underlying: Error

    private var cause: UserFacingError? { underlying as? UserFacingError }
    var kind: FailureKind { cause?.kind == .io ? .io : .failure }
    var summary: String { "demo step \"\(step)\" failed: " + (cause?.summary ?? String(describing: underlying)) }
    var hint: String? {
        kind == .io ? cause?.hint : "The demo runs on built-in data only, so this is a bug in shelfmirror; please report it with this output."
    }
}

/// Something the demo checks that did not hold.
struct DemoCheckFailure: UserFacingError {
    var summary: String
    var hint: String? { nil }
    var kind: FailureKind { .failure }

    init(_ summary: String) { self.summary = summary }
}
