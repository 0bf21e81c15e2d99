import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

/// The writes of one item's book to the Hardcover user's library, in three waves: the user book
/// inserted (when the book is not in the library), then its reads and the owned flag, then the
/// user book's status and edition, last, so that "Read" is set on a user book that already has
/// its read (Hardcover logs a read dated today when a user book without one becomes "Read").
/// A later wave names the user book the first inserts as `HardcoverWritePlan.insertedUserBook`.
struct HardcoverWritePlan: Sendable {
    static let insertedUserBook = -1
    static let waves = 3

    /// The book's place in the library when the plan was made.
    var entry: HardcoverShelfEntry
    var waves: [[HardcoverLibraryMutation]] = Array(repeating: [], count: Self.waves)

    var mutations: [HardcoverLibraryMutation] { waves.flatMap { $0 } }

    /// The mutation with the inserted user book's id in place of the placeholder.
    static func resolve(_ m: HardcoverLibraryMutation, inserted: Int?) -> HardcoverLibraryMutation? {
        func id(_ n: Int) -> Int? { n == insertedUserBook ? inserted : n }
        switch m {
        case .insertRead(let userBook, let fields): return id(userBook).map { .insertRead(userBookId: $0, fields: fields) }
        case .updateUserBook(let userBook, let fields): return id(userBook).map { .updateUserBook(id: $0, fields: fields) }
        case .deleteUserBook(let userBook): return id(userBook).map { .deleteUserBook(id: $0) }
        default: return m
        }
    }
}

/// The Hardcover user's listening state of items' matched books (target `hardcover`): read
/// through the user's user books of those books (⌈books/500⌉ requests), written by aliased
/// mutations, five a request, each verified by its own answer (no re-read but for a mutation
/// whose outcome is unknown). Records are keyed by item id; an item's book and audiobook
/// edition come from its changes.
struct HardcoverPushAdapter: PushAdapter {
    let client: HardcoverClient
    /// Item id → the book its changes write and the audiobook edition they go on.
    let books: [String: (book: Int, edition: Int?)]
    private let user = UserBox()

    init(client: HardcoverClient, books: [String: (book: Int, edition: Int?)]) {
        self.client = client
        self.books = books
    }

    var target: PushTarget { .hardcover }
    var serverName: String { "Hardcover" }
    var serverURL: String { Redactor.url(client.connection.url.absoluteString) }
    var requestCount: Int { client.httpRequests }

    var semantics: FieldSemantics<ListeningField> {
        FieldSemantics(same: ListeningValue.same, show: { field, value in
            let text = ListeningValue.display(field, value)
            return text.isEmpty ? "nothing" : "“\(text)”"
        }, between: { field, before, after, value in
            // A book not in the library is inserted "Currently Reading" until its read exists (see `push`).
            field == .status && ListeningValue.statusValue(before) == nil && ListeningValue.statusValue(after) == .read
                && ListeningValue.statusValue(value) == .currentlyReading
        })
    }

    func requireWritePermission() async throws {
        if case .missingScope(let scope) = try await client.libraryWriteAccess() {
            throw WorkflowError(
                summary: "the Hardcover token may read but not write your library (Hardcover asks for the scope \(scope)); nothing was sent",
                hint: "Create a token that may write your library at https://hardcover.app/account/api and put it in "
                    + "\(client.connection.tokenSource ?? "HARDCOVER_TOKEN"); `shelfmirror doctor` checks it.",
                kind: .authRejected)
        }
    }

    func read(_ ids: [String]) async throws -> [String: HardcoverShelfEntry] {
        let wanted = ids.compactMap { id in books[id].map { (id, $0.book) } }
        guard !wanted.isEmpty else { return [:] }
        let (userId, found) = try await client.userBooks(bookIds: Array(Set(wanted.map(\.1))).sorted())
        user.id = userId
        let byBook = Dictionary(found.map { ($0.bookId, $0) }) { first, _ in first }
        return Dictionary(wanted.map { ($0.0, HardcoverShelfEntry(bookId: $0.1, userBook: byBook[$0.1])) }) { first, _ in first }
    }

    func raw(_ field: ListeningField, of entry: HardcoverShelfEntry) -> String? {
        entry.raw(field)
    }

    /// A book's fields go together: a read and the status it implies, the edition of both.
    var conflictsTogether: Bool { true }

    /// A state only a person sets (Paused, Did Not Finish, Ignored) is never written over.
    func conflict(_ entry: HardcoverShelfEntry) -> String? {
        guard let status = entry.userBook?.status, ListeningDiffer.setByHand.contains(status) else { return nil }
        return "Hardcover now has it as “\(status.name)”, set by hand: kept"
    }

    func restoringNotice(_ field: ListeningField, value: String?) -> String? {
        field == .status && value == nil ? "removed from your Hardcover library, as it was before the push" : nil
    }

    // MARK: - Bodies

    func body(_ fields: [(ListeningField, String?)], record entry: HardcoverShelfEntry, restoring: Bool) -> Result<HardcoverWritePlan, PushRefusal> {
        let values = Dictionary(fields.map { ($0.0, $0.1) }) { _, last in last }
        let audio = books.values.first { $0.book == entry.bookId }?.edition
        do {
            return .success(restoring ? try Self.restore(values, entry: entry, audioEdition: audio)
                                      : try Self.push(values, entry: entry, audioEdition: audio))
        } catch let refusal as PushRefusal {
            return .failure(refusal)
        } catch {
            return .failure(PushRefusal(reason: String(describing: error)))
        }
    }

    /// The latest read's fields a change writes, as a read's input.
    static func readFields(_ values: [ListeningField: String?]) -> [HardcoverInputField: HardcoverInputValue] {
        var out: [HardcoverInputField: HardcoverInputValue] = [:]
        if let v = values[.progressSeconds] { out[.progressSeconds] = ListeningValue.intValue(v).map { .int($0) } ?? .null }
        if let v = values[.startedOn] { out[.startedAt] = ListeningValue.dateValue(v).map { .string($0.description) } ?? .null }
        if let v = values[.finishedOn] { out[.finishedAt] = ListeningValue.dateValue(v).map { .string($0.description) } ?? .null }
        return out
    }

    /// A new read's input: the fields it has.
    static func readInput(_ read: ReadValue) -> [HardcoverInputField: HardcoverInputValue] {
        var out: [HardcoverInputField: HardcoverInputValue] = [:]
        if let e = read.editionId { out[.editionId] = .int(e) }
        if let d = read.startedOn { out[.startedAt] = .string(d.description) }
        if let d = read.finishedOn { out[.finishedAt] = .string(d.description) }
        if let p = read.progressSeconds { out[.progressSeconds] = .int(p) }
        return out
    }

    /// The writes that bring the book to the accepted values.
    static func push(_ values: [ListeningField: String?], entry: HardcoverShelfEntry, audioEdition: Int?) throws -> HardcoverWritePlan {
        var plan = HardcoverWritePlan(entry: entry)
        let status = values[.status].flatMap { ListeningValue.statusValue($0) }
        let edition = values[.edition].flatMap { ListeningValue.intValue($0) }
        let newRead = values[.read].flatMap { $0.flatMap(ReadValue.init(json:)) }
        let readFields = readFields(values)
        let owned = values[.owned].flatMap { ListeningValue.boolValue($0) }
        let userBook = entry.userBook
        let hasRead = newRead != nil || !(userBook?.reads.isEmpty ?? true)
        if status == .read, !hasRead {
            throw PushRefusal(reason: "\"Read\" without a read would make Hardcover log one dated today; accept the item's read too")
        }
        let ownedEdition = userBook?.editionId ?? edition ?? newRead?.editionId ?? audioEdition
        let id: Int
        if let userBook {
            id = userBook.id
        } else {
            guard let status else {
                if owned == true, values.count == 1 { return try ownedOnly(plan, edition: ownedEdition) }
                throw PushRefusal(reason: "the book is not in your Hardcover library: accept its status too")
            }
            // Inserted "Currently Reading" until its read exists, when it is to be "Read".
            let first: HardcoverReadingStatus = status == .read ? .currentlyReading : status
            var fields: [HardcoverInputField: HardcoverInputValue] = [.statusId: .int(first.rawValue)]
            // Only what was accepted: an edition left undecided stays unset.
            if let edition { fields[.editionId] = .int(edition) }
            plan.waves[0].append(.insertUserBook(bookId: entry.bookId, fields: fields))
            if first != status { plan.waves[2].append(.updateUserBook(id: HardcoverWritePlan.insertedUserBook, fields: [.statusId: .int(status.rawValue)])) }
            id = HardcoverWritePlan.insertedUserBook
        }
        if let newRead { plan.waves[1].append(.insertRead(userBookId: id, fields: readInput(newRead))) }
        if !readFields.isEmpty {
            guard let latest = entry.latestRead else { throw PushRefusal(reason: "the book has no read on Hardcover to update; accept its new read instead") }
            plan.waves[1].append(.updateRead(id: latest.id, fields: readFields))
        }
        if let owned, owned != (userBook?.owned ?? false) {
            guard let ownedEdition else { throw PushRefusal(reason: "no edition to mark owned") }
            plan.waves[1].append(.editionOwned(editionId: ownedEdition))
        }
        if let userBook {
            var fields: [HardcoverInputField: HardcoverInputValue] = [:]
            if let status { fields[.statusId] = .int(status.rawValue) }
            if let edition { fields[.editionId] = .int(edition) }
            if !fields.isEmpty { plan.waves[2].append(.updateUserBook(id: userBook.id, fields: fields)) }
        }
        return plan
    }

    private static func ownedOnly(_ plan: HardcoverWritePlan, edition: Int?) throws -> HardcoverWritePlan {
        guard let edition else { throw PushRefusal(reason: "no edition to mark owned") }
        var plan = plan
        plan.waves[1].append(.editionOwned(editionId: edition))
        return plan
    }

    /// Undo: the values before the push written back. A book that was not in the library is
    /// removed from it (with its reads); a read the push added is deleted; the rest restored.
    static func restore(_ values: [ListeningField: String?], entry: HardcoverShelfEntry, audioEdition: Int?) throws -> HardcoverWritePlan {
        var plan = HardcoverWritePlan(entry: entry)
        guard let userBook = entry.userBook else { throw PushRefusal(reason: "the book is no longer in your Hardcover library") }
        if let status = values[.status], status == nil {
            plan.waves[0].append(.deleteUserBook(id: userBook.id))
            return plan
        }
        if values[.read] != nil {
            guard let latest = entry.latestRead else { throw PushRefusal(reason: "the read is gone") }
            plan.waves[0].append(.deleteRead(id: latest.id))
        }
        let readFields = readFields(values)
        if !readFields.isEmpty {
            guard let latest = entry.latestRead else { throw PushRefusal(reason: "the read is gone") }
            plan.waves[1].append(.updateRead(id: latest.id, fields: readFields))
        }
        if let owned = values[.owned], (ListeningValue.boolValue(owned) ?? false) != userBook.owned {
            guard let edition = userBook.editionId ?? audioEdition else { throw PushRefusal(reason: "no edition to mark owned") }
            plan.waves[1].append(.editionOwned(editionId: edition))
        }
        var fields: [HardcoverInputField: HardcoverInputValue] = [:]
        if let status = values[.status], let s = ListeningValue.statusValue(status) { fields[.statusId] = .int(s.rawValue) }
        if let edition = values[.edition] { fields[.editionId] = ListeningValue.intValue(edition).map { .int($0) } ?? .null }
        if !fields.isEmpty { plan.waves[2].append(.updateUserBook(id: userBook.id, fields: fields)) }
        return plan
    }

    // MARK: - Sending

    func planned(_ bodies: [(id: String, body: HardcoverWritePlan)]) -> [PlannedRequest] {
        let path = client.connection.url.path.isEmpty ? "/" : client.connection.url.path
        return (0..<HardcoverWritePlan.waves).flatMap { wave in
            HardcoverClient.mutationRequests(bodies.flatMap { $0.body.waves[wave] }).map { request in
                PlannedRequest(method: "POST", path: path, body: "{\"query\":" + JSONText.string(request.document)
                    + ",\"variables\":" + request.variables.replacingOccurrences(of: ":\(HardcoverWritePlan.insertedUserBook)",
                                                                                 with: ":\"(the id insert_user_book answers)\"") + "}")
            }
        }
    }

    func send(_ bodies: [(id: String, body: HardcoverWritePlan)]) async -> PushSendReport<HardcoverShelfEntry> {
        var report = PushSendReport<HardcoverShelfEntry>(result: .answered)
        var state = Dictionary(bodies.map { ($0.id, $0.body.entry) }) { first, _ in first }
        // Whole records only: those whose writes fit in what the run may still spend go; the
        // others are not begun (a half-written book would no longer hold its changes' bases).
        if let left = await client.limiter.left {
            var spent = 0
            for (id, plan) in bodies {
                let cost = plan.mutations.count
                if spent + cost <= left {
                    spent += cost
                } else {
                    report.byRecord[id] = .notSent("this run's Hardcover request budget is spent (--max-hardcover-requests, or today's quota down to its reserve)")
                    spent = left
                }
            }
        }
        var inserted: [String: Int] = [:]
        var unknown = Set<String>()
        waves: for wave in 0..<HardcoverWritePlan.waves {
            var batch: [(id: String, mutation: HardcoverLibraryMutation)] = []
            for (id, plan) in bodies where report.byRecord[id] == nil {
                for m in plan.waves[wave] {
                    guard let resolved = HardcoverWritePlan.resolve(m, inserted: inserted[id]) else { continue }
                    batch.append((id, resolved))
                }
            }
            guard !batch.isEmpty else { continue }
            let outcomes: [HardcoverMutationOutcome]
            do {
                outcomes = try await client.mutate(batch.map(\.mutation))
            } catch {
                // Nothing of this wave was sent (a budget spent, the token refused): the records
                // with writes left keep their changes accepted for the next push.
                let message = (error as? UserFacingError)?.summary ?? String(describing: error)
                let stopped: PushProtocol.SendResult = error is BudgetStop ? .notSent(message) : .failed(message, unknown: false)
                for (id, plan) in bodies where report.byRecord[id] == nil && !plan.waves[wave...].allSatisfy(\.isEmpty) {
                    report.byRecord[id] = stopped
                }
                report.result = stopped
                // Requests of this wave answered before the stop are not reported: re-read its records.
                unknown.formUnion(batch.map(\.id))
                break waves
            }
            for ((id, _), outcome) in zip(batch, outcomes) {
                switch outcome {
                case .userBook(let book):
                    state[id]?.userBook = book
                    if wave == 0 { inserted[id] = book.id }
                case .read(let read, _):
                    guard var book = state[id]?.userBook else { unknown.insert(id); continue }
                    book.reads.removeAll { $0.id == read.id }
                    book.reads.append(read)
                    book.reads.sort { $0.id < $1.id }
                    state[id]?.userBook = book
                case .deleted(let deleted):
                    if state[id]?.userBook?.id == deleted {
                        state[id]?.userBook = nil
                    } else {
                        state[id]?.userBook?.reads.removeAll { $0.id == deleted }
                    }
                case .owned(let listBookId):
                    if state[id]?.userBook == nil { unknown.insert(id) } else { state[id]?.userBook?.owned = listBookId != nil }
                case .refused(let message):
                    report.byRecord[id] = .failed("Hardcover refused it: \(message)", unknown: false)
                case .failed(let message, let maybe):
                    report.byRecord[id] = .failed(message, unknown: maybe)
                    if maybe { unknown.insert(id) }
                }
            }
        }
        // What the answers showed; a record with an unknown outcome is re-read.
        for (id, entry) in state where !unknown.contains(id) { report.seen[id] = entry }
        return report
    }

    func refresh(_ entries: [HardcoverShelfEntry], in mirror: Mirror) throws {
        guard let userId = user.id, !entries.isEmpty else { return }
        try mirror.refreshHardcoverShelf(userId: userId, entries: entries)
    }

    /// The user the reads were of: whose library the mirror refreshes.
    private final class UserBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int?
        var id: Int? {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }
}
