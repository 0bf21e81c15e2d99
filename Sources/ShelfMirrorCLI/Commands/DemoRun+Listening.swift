import Foundation
import MirrorCore
import MirrorFakes
import MirrorWorkflows

// The demo's other direction (issue 14): the sample listener's progress in AudiobookShelf
// proposed for the sample reader's Hardcover library, pushed, checked on the sample Hardcover,
// proposed again (nothing), the items that cannot go listed, and the push undone.

extension DemoRun {
    // MARK: - Steps

    func hardcoverDiff() async throws {
        guard let library else { return }
        let report = try openPipeline().listeningDiff(timeZone: Self.timeZone)
        guard let summary = report.listening, summary.hardcoverUserId != nil else {
            throw DemoCheckFailure("the sync did not read the Hardcover reader's library")
        }
        let rows = report.rows
        var byField: [String: Int] = [:]
        for r in rows { byField[r.field.rawValue, default: 0] += 1 }
        let fields = byField.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        line("\(library.listening.count) books with progress in AudiobookShelf, \(library.hardcoverLibrary.count) of them in the Hardcover "
            + "library; dates are days in UTC " + terminal.dim("(--tz, else TZ)"))
        line("\(rows.count) proposals for \(Set(rows.map(\.itemId)).count) items: " + fields.joined(separator: ", "))

        // What is proposed: a finished book, one in progress, the re-listen.
        let shown = [DemoListeningKind.finished, .inProgress, .relisten].compactMap { library.listening(of: $0).first }
        for listened in shown {
            let mine = rows.filter { $0.itemId == listened.itemId }
            guard let read = mine.first(where: { $0.field == .hardcover(.read) }), let value = ReadValue(json: read.proposed) else {
                throw DemoCheckFailure("no read proposed for “\(title(listened.itemId))” (\(listened.kind.rawValue))")
            }
            let status = mine.first { $0.field == .hardcover(.status) }
            let statusText = status.map { s in
                (s.current.map { ListeningValue.display(.status, $0) + " → " } ?? "") + ListeningValue.display(.status, s.proposed)
            } ?? "status kept"
            line("“\(title(listened.itemId))” (\(listened.kind.rawValue)): \(statusText); \(Self.readText(value))")
            switch listened.kind {
            case .finished:
                let abs = listened.progress.finishedAt.map(Self.instant) ?? "?"
                guard value.finishedOn?.description == listened.progress.finishedAt.map(Self.day) else {
                    throw DemoCheckFailure("the read's finish date is not AudiobookShelf's finishedAt (\(abs))")
                }
                line("  the finish date is AudiobookShelf's finishedAt, \(abs), never the day of the sync")
            case .relisten:
                let earlier = listened.userBook?.reads.first?.finishedAt ?? "?"
                line("  AudiobookShelf was played again after the finish of \(earlier): a new read; the earlier one stays")
            default: break
            }
        }

        // What is kept as Hardcover has it.
        let keptKinds: [DemoListeningKind] = [.didNotFinishOnHardcover, .aheadOnHardcover]
        let kept = keptKinds.flatMap { library.listening(of: $0) }
        let subjects = try openPipeline().listeningSubjects(itemIds: Set(kept.map(\.itemId)))
        if !kept.isEmpty { line("Kept as they are on Hardcover, nothing proposed:") }
        for listened in kept {
            if rows.contains(where: { $0.itemId == listened.itemId }) {
                throw DemoCheckFailure("“\(title(listened.itemId))” (\(listened.kind.rawValue)) has proposals; Hardcover's state should be kept")
            }
            let subject = subjects.first { $0.itemId == listened.itemId }
            let absAt = Self.position(subject?.progress)
            switch listened.kind {
            case .didNotFinishOnHardcover:
                let status = subject?.shelf.userBook?.status.name ?? "?"
                line("  “\(title(listened.itemId))”: \(status) on Hardcover, \(absAt) in AudiobookShelf — a state only a person sets")
            default:
                let ahead = subject?.shelf.latestRead?.progressSeconds.map(ListeningValue.duration) ?? "?"
                line("  “\(title(listened.itemId))”: \(ahead) on Hardcover, \(absAt) in AudiobookShelf — never moved backwards")
            }
        }
        for listened in library.listening(of: .noAudiobookEdition) where rows.contains(where: { $0.itemId == listened.itemId }) {
            throw DemoCheckFailure("“\(title(listened.itemId))” has proposals, but Hardcover has no audiobook edition of it")
        }
    }

    func hardcoverPush() async throws {
        let pipeline = try openPipeline()
        let accepted = try pipeline.acceptListening()
        line("Accepted \(accepted.decided): every listening proposal " + terminal.dim("(or one by one: shelfmirror review --target hardcover)"))
        let preview = try await pipeline.pushListening(dryRun: true)
        line("Preview (push --dry-run --target hardcover): \(preview.planned.count) GraphQL request\(preview.planned.count == 1 ? "" : "s") "
            + "for \(preview.pushed) changes of \(preview.items) books, e.g. a finished read:")
        if let first = preview.planned.first {
            line("  \(first.method) \(first.path)")
            for text in Self.finishedRead(in: preview.planned.map(\.body)) { line("  " + text) }
        }
        libraryBeforePush = await hardcoverState?.library(of: .reader) ?? []
        let summary = try await pipeline.pushListening(dryRun: false)
        listeningRunId = summary.runId
        line("Pushed \(summary.pushed) changes of \(summary.items) books in \(summary.requests) requests, the write-access probe and the "
            + "re-read included (run \(summary.runId ?? 0)); "
            + "\(summary.conflicts) conflict\(summary.conflicts == 1 ? "" : "s"), \(summary.failed) failed")
        for p in summary.problems.prefix(5) { line("  \(p.item) — \(p.field): \(p.reason)") }
        if summary.failed > 0 || summary.conflicts > 0 { throw DemoCheckFailure("\(summary.failed + summary.conflicts) changes did not go") }
        if summary.runId == nil || summary.pushed != accepted.decided { throw DemoCheckFailure("push sent \(summary.pushed) of \(accepted.decided) changes") }
    }

    func hardcoverCheck() async throws {
        guard let library, let state = hardcoverState else { return }
        let now = await state.library(of: .reader)
        func book(_ listened: DemoListening) -> FakeHardcoverUserBook? {
            library.truth[listened.itemId].flatMap { t in now.first { $0.bookId == t.bookId } }
        }
        func before(_ listened: DemoListening) -> FakeHardcoverUserBook? {
            library.truth[listened.itemId].flatMap { t in libraryBeforePush.first { $0.bookId == t.bookId } }
        }
        func audio(_ listened: DemoListening) -> Int? { library.truth[listened.itemId]?.editionId }

        var finishes: [String] = []
        for listened in library.listening(of: .finished) {
            let day = listened.progress.finishedAt.map(Self.day)
            guard let b = book(listened), b.status == .read, b.editionId == audio(listened), b.reads.count == 1,
                  b.reads[0].editionId == audio(listened), b.reads[0].finishedAt == day else {
                throw DemoCheckFailure("“\(title(listened.itemId))” is not Read with one read on its audiobook edition finished \(day ?? "?")")
            }
            finishes.append(day ?? "")
        }
        if !finishes.isEmpty {
            line("\(finishes.count) finished: Read, one read each on the audiobook edition, finished on AudiobookShelf's day ("
                + finishes.joined(separator: ", ") + ")")
        }
        var positions: [String] = []
        for listened in library.listening(of: .inProgress) {
            let seconds = Int(listened.progress.currentTime)
            guard let b = book(listened), b.status == .currentlyReading, b.reads.count == 1, b.reads[0].editionId == audio(listened),
                  b.reads[0].progressSeconds == seconds else {
                throw DemoCheckFailure("“\(title(listened.itemId))” is not Currently Reading at \(ListeningValue.duration(seconds))")
            }
            positions.append(ListeningValue.duration(seconds))
        }
        if !positions.isEmpty {
            line("\(positions.count) in progress: Currently Reading, at AudiobookShelf's position (" + positions.joined(separator: ", ") + ")")
        }
        for listened in library.listening(of: .relisten) {
            guard let b = book(listened), let was = before(listened), b.reads.count == was.reads.count + 1,
                  b.reads.first == was.reads.first, let new = b.reads.last, new.finishedAt == nil,
                  new.progressSeconds == Int(listened.progress.currentTime), b.status == .currentlyReading else {
                throw DemoCheckFailure("the re-listen “\(title(listened.itemId))” did not get exactly one new read")
            }
            line("The re-listen “\(title(listened.itemId))”: its read finished \(was.reads.first?.finishedAt ?? "?") and one new read "
                + "(\(ListeningValue.duration(new.progressSeconds ?? 0))), Currently Reading")
        }
        var untouched: [String] = []
        for listened in library.listening(of: .didNotFinishOnHardcover) + library.listening(of: .aheadOnHardcover) {
            guard let b = book(listened), b == before(listened) else {
                throw DemoCheckFailure("“\(title(listened.itemId))” (\(listened.kind.rawValue)) was changed on Hardcover")
            }
            untouched.append("“\(title(listened.itemId))” " + (b.status == .didNotFinish ? "still Did Not Finish"
                : "still at \(ListeningValue.duration(b.reads.last?.progressSeconds ?? 0))"))
        }
        if !untouched.isEmpty { line("Untouched: " + Self.listed(untouched)) }
        for listened in library.listening(of: .noAudiobookEdition) where book(listened) != nil {
            throw DemoCheckFailure("“\(title(listened.itemId))” went to Hardcover without an audiobook edition")
        }
    }

    func again() async throws {
        let pipeline = try openPipeline()
        let (abs, hardcover) = try await pipeline.sync()
        if let stop = hardcover.stopped { throw DemoCheckFailure("Hardcover sync stopped: \(HardcoverSync.describe(stop))") }
        let books = hardcover.library.map { "\($0.books) books, \($0.reads) reads" } ?? "not read"
        line("Sync: AudiobookShelf \(abs.counts.listed) items; the Hardcover library read again (\(books))")
        let report = try pipeline.listeningDiff(timeZone: Self.timeZone)
        let new = report.listening?.new ?? 0
        line("Diff: \(new) new proposals, \(report.rows.count) open — what was pushed is not proposed again, so no read is added twice")
        if new != 0 || !report.rows.isEmpty {
            let first = report.rows.first.map { "\(title($0.itemId)) \($0.field.rawValue) → \($0.proposed)" } ?? ""
            throw DemoCheckFailure("the second diff proposes \(report.rows.count) changes, e.g. \(first)")
        }
    }

    func gaps() async throws {
        guard let library else { return }
        let pipeline = try openPipeline()
        let gaps = try pipeline.gaps()
        line("\(gaps.count) item\(gaps.count == 1 ? "" : "s") with listening state cannot go to Hardcover:")
        for gap in gaps { line("  “\(gap.title ?? gap.itemId)” — \(Self.reason(gap.reason)): \(gap.nextStep)") }
        guard let waiting = gaps.first(where: { $0.reason == .needsReview }), let bookId = waiting.bookId else {
            if !library.listening(of: .noAudiobookEdition).allSatisfy({ l in gaps.contains { $0.itemId == l.itemId } }) {
                throw DemoCheckFailure("gaps does not list the book Hardcover has no audiobook edition of")
            }
            return
        }
        // A person checks the match and confirms it: the item is still not pushed, for want of an audiobook edition.
        line("Someone checks “\(waiting.title ?? waiting.itemId)” and confirms its match "
            + terminal.dim("$ shelfmirror link \(waiting.itemId) \(bookId)"))
        guard try pipeline.link(itemId: waiting.itemId, bookId: bookId) else { throw DemoCheckFailure("book \(bookId) is not in the mirror") }
        let report = try pipeline.listeningDiff(timeZone: Self.timeZone)
        let after = try pipeline.gaps()
        for gap in after where gap.itemId == waiting.itemId { line("  now “\(gap.title ?? gap.itemId)” — \(Self.reason(gap.reason)): \(gap.nextStep)") }
        if report.rows.contains(where: { $0.itemId == waiting.itemId }) {
            throw DemoCheckFailure("“\(waiting.title ?? waiting.itemId)” got proposals without an audiobook edition")
        }
        line("  diff proposes nothing for it: its read waits for the audiobook edition, it never goes on a print edition")
        for listened in library.listening(of: .noAudiobookEdition)
        where !after.contains(where: { $0.itemId == listened.itemId && $0.reason == .noAudiobookEdition }) {
            throw DemoCheckFailure("gaps does not list “\(title(listened.itemId))” as without an audiobook edition")
        }
    }

    func hardcoverUndo() async throws {
        guard let state = hardcoverState else { return }
        let summary = try await openPipeline().undoListening(runId: listeningRunId)
        line("Reverted \(summary.pushed) changes of \(summary.items) books in \(summary.requests) requests (run \(summary.runId ?? 0)); "
            + "\(summary.conflicts) conflicts, \(summary.failed) failed")
        for p in summary.problems.prefix(5) { line("  \(p.item) — \(p.field): \(p.reason)") }
        let now = await state.library(of: .reader)
        func content(_ books: [FakeHardcoverUserBook]) -> [String] {
            books.map { b in
                "\(b.bookId) \(b.status) \(b.editionId ?? 0) " + b.reads.map { "\($0.editionId ?? 0) \($0.startedAt ?? "") \($0.finishedAt ?? "") \($0.progressSeconds ?? -1)" }
                    .joined(separator: "; ")
            }.sorted()
        }
        guard content(now) == content(libraryBeforePush) else {
            throw DemoCheckFailure("the Hardcover library is not as it was before the push: \(now.count) books, \(libraryBeforePush.count) before")
        }
        line("Check: the sample Hardcover library is as it was: \(now.count) books, \(now.reduce(0) { $0 + $1.reads.count }) reads; "
            + "the books the push added are gone, the re-listen is Read again with its one read")
    }

    // MARK: - Helpers

    func title(_ itemId: String) -> String { library?.item(id: itemId)?.title ?? itemId }

    static func label(_ kind: DemoListeningKind) -> String {
        switch kind {
        case .finished: "finished"
        case .inProgress: "in progress"
        case .didNotFinishOnHardcover: "marked Did Not Finish on Hardcover"
        case .aheadOnHardcover: "further on Hardcover"
        case .relisten: "re-listen"
        case .noAudiobookEdition: "without an audiobook edition on Hardcover"
        }
    }

    static func reason(_ reason: HardcoverGap.Reason) -> String {
        switch reason {
        case .noMatch: "no match"
        case .needsReview: "its match needs review"
        case .bookNotMirrored: "its book is not in the mirror"
        case .noAudiobookEdition: "no audiobook edition on Hardcover"
        }
    }

    /// "new read: started 2026-02-03, finished 2026-02-20, 8 h 47 min, on audiobook edition 12".
    static func readText(_ read: ReadValue) -> String {
        var parts: [String] = []
        if let s = read.startedOn { parts.append("started \(s)") }
        if let f = read.finishedOn { parts.append("finished \(f)") }
        if let p = read.progressSeconds { parts.append(ListeningValue.duration(p)) }
        return (read.id == nil ? "new read: " : "read: ") + parts.joined(separator: ", ")
            + (read.editionId.map { " on audiobook edition \($0)" } ?? "")
    }

    /// "2 h 10 min (23%)", or "finished".
    static func position(_ progress: ListeningProgress?) -> String {
        guard let progress else { return "?" }
        if progress.isFinished { return "finished" }
        return "\(ListeningValue.duration(Int(progress.currentSeconds))) (\(Int((progress.progress * 100).rounded()))%)"
    }

    /// "2026-02-20" (UTC) of a time in ms.
    static func day(_ ms: Int64) -> String {
        HardcoverDate(Date(timeIntervalSince1970: Double(ms) / 1000), in: timeZone).description
    }

    /// "2026-02-20 22:45 UTC".
    static func instant(_ ms: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return day(ms) + String(format: " %02d:%02d UTC", c.hour ?? 0, c.minute ?? 0)
    }

    /// From the bodies of GraphQL mutation requests, one new finished read as sent: the document
    /// with that field alone, and its variables (the first field of the first request when no
    /// request adds a finished read). Two lines.
    static func finishedRead(in bodies: [String]) -> [String] {
        struct Field {
            var header: String
            var text: String
            var others: Int
            var variables: [String: Any]
            var names: [String]
        }
        var fields: [Field] = []
        for body in bodies {
            guard let data = body.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let query = object["query"] as? String else { continue }
            let lines = query.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let header = lines.first.map { String($0.prefix { $0 != "(" }) } ?? "mutation"
            let calls = lines.filter { $0.first == "m" && $0.contains(": ") }
            let variables = object["variables"] as? [String: Any] ?? [:]
            for call in calls {
                // "m0: insert_user_book_read(user_book_id: $id0, user_book_read: $object0) { … }"
                let head = call.range(of: " { ").map { String(call[..<$0.lowerBound]) } ?? call
                let names = head.split(separator: "$").dropFirst().map { String($0.prefix { $0.isLetter || $0.isNumber }) }
                fields.append(Field(header: header, text: head + " { … }", others: calls.count - 1, variables: variables, names: names))
            }
        }
        let read = fields.first { f in
            f.text.contains("insert_user_book_read(") && f.names.contains { ((f.variables[$0] as? [String: Any])?["finished_at"] as? String) != nil }
        }
        guard let chosen = read ?? fields.first else { return [] }
        let shown = chosen.names.compactMap { name -> String? in
            guard let value = chosen.variables[name],
                  let json = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
            else { return nil }
            return "\"\(name)\":" + String(decoding: json, as: UTF8.self)
        }
        let more = chosen.variables.count - shown.count
        return ["\(chosen.header)(…) { \(chosen.text)" + (chosen.others > 0 ? " … \(chosen.others) more }" : " }"),
                "variables: {" + shown.joined(separator: ",") + (more > 0 ? ", … \(more) more}" : "}")]
    }
}
