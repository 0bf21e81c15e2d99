import Foundation
import MirrorCore
import MirrorRemote
import MirrorStore

/// What the push engine needs of one server: read its records' fields as the server holds them,
/// send one body per record, and keep the mirror in step with what was re-read. The engine does
/// the rest (conflict check, journal, verification, undo) the same way for every target.
protocol PushAdapter: Sendable {
    associatedtype Field: Hashable & Sendable & RawRepresentable where Field.RawValue == String
    associatedtype Record: Sendable
    /// What writes one record's fields: a JSON body, or a target's own plan of requests.
    associatedtype Body: Sendable

    var target: PushTarget { get }
    /// The server's name in messages: "AudiobookShelf".
    var serverName: String { get }
    /// The server's URL as shown and stored: credentials redacted.
    var serverURL: String { get }
    var semantics: FieldSemantics<Field> { get }
    var requestCount: Int { get }

    /// Refuses, before anything is sent, when the user may not write.
    func requireWritePermission() async throws
    /// The records by id; one missing from the answer is gone from the server.
    func read(_ ids: [String]) async throws -> [String: Record]
    /// A field of a record as the server holds it (JSON; nil when empty).
    func raw(_ field: Field, of record: Record) -> String?
    /// Why the record as a whole may not be written now, whatever its fields hold (nil: check
    /// field by field).
    func conflict(_ record: Record) -> String?
    /// Whether one field's conflict makes the record's other fields conflicts too: their values
    /// go together (a read and the status it implies).
    var conflictsTogether: Bool { get }
    /// The body that writes `fields` of one record as the server holds it now, or why it cannot be
    /// written. `restoring`: an undo, which writes back whatever was there.
    func body(_ fields: [(Field, String?)], record: Record, restoring: Bool) -> Result<Body, PushRefusal>
    /// What a restoring write of `field` to `value` should tell the user, if anything.
    func restoringNotice(_ field: Field, value: String?) -> String?
    /// The requests that send `bodies`, as a dry run prints them.
    func planned(_ bodies: [(id: String, body: Body)]) -> [PlannedRequest]
    /// Sends the bodies; never throws: how it ended is the report, the re-read decides.
    func send(_ bodies: [(id: String, body: Body)]) async -> PushSendReport<Record>
    /// Keeps the mirror's copy of the records in step with the server.
    func refresh(_ records: [Record], in mirror: Mirror) throws
}

extension PushAdapter {
    func conflict(_ record: Record) -> String? { nil }
    var conflictsTogether: Bool { false }
}

/// Why a record's writes cannot be sent.
struct PushRefusal: Error, Sendable {
    var reason: String
}

/// How a send ended: for every record, or record by record; and the records whose answers
/// showed them whole as they are now (verified without a re-read).
struct PushSendReport<Record: Sendable>: Sendable {
    var result: PushProtocol.SendResult
    var byRecord: [String: PushProtocol.SendResult] = [:]
    var seen: [String: Record] = [:]

    func result(for id: String) -> PushProtocol.SendResult { byRecord[id] ?? result }
}

/// AudiobookShelf's item metadata: batch/get to read, batch/update to write (PATCH per item on
/// servers without it).
struct ABSPushAdapter: PushAdapter {
    let client: ABSClient

    var target: PushTarget { .abs }
    var serverName: String { "AudiobookShelf" }
    var serverURL: String { Redactor.url(client.connection.baseURL.absoluteString) }
    var requestCount: Int { client.requestCount }

    var semantics: FieldSemantics<DiffField> {
        FieldSemantics(
            same: { field, a, b in Differ.same(field, FieldValue(json: a, field: field), FieldValue(json: b, field: field)) },
            show: { field, value in
                guard let text = FieldValue(json: value, field: field)?.display else { return "nothing" }
                return "“" + (text.count > 60 ? String(text.prefix(59)) + "…" : text) + "”"
            })
    }

    func requireWritePermission() async throws {
        let user = try await client.me()
        guard user.isActive, user.canUpdate else {
            throw WorkflowError(
                summary: "the AudiobookShelf user \(user.username) may not update items; nothing was sent",
                hint: "Use an admin's API key in \(client.connection.tokenSource ?? "ABS_TOKEN"), or give the user 'Can Update' (AudiobookShelf → Settings → Users).",
                kind: .authRejected)
        }
    }

    func read(_ ids: [String]) async throws -> [String: LibraryItem] {
        Dictionary(try await client.batchGet(ids: ids).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func raw(_ field: DiffField, of item: LibraryItem) -> String? {
        item.metadata.raw(field)
    }

    func body(_ fields: [(DiffField, String?)], record: LibraryItem, restoring: Bool) -> Result<String, PushRefusal> {
        let values = fields.map { ($0.0, FieldValue(json: $0.1, field: $0.0)) }
        guard let payload = ABSPayload.mediaPayload(values, allowingNoAuthors: restoring) else {
            return .failure(PushRefusal(reason: "it would leave the item without authors"))
        }
        return .success(payload)
    }

    func restoringNotice(_ field: DiffField, value: String?) -> String? {
        field == .authors && FieldValue(json: value, field: field) == nil
            ? "the author list is empty again, as it was before the push" : nil
    }

    func planned(_ bodies: [(id: String, body: String)]) -> [PlannedRequest] {
        [PlannedRequest(method: "POST", path: client.requestPath("/api/items/batch/update"),
                        body: ABSPayload.batchUpdate(bodies.map { ($0.id, $0.body) }))]
    }

    func send(_ bodies: [(id: String, body: String)]) async -> PushSendReport<LibraryItem> {
        var result = PushProtocol.SendResult.answered
        func note(_ error: Error) {
            let unknown = (error as? RemoteError)?.code.leavesWriteUnknown ?? false
            result = .failed((error as? UserFacingError)?.summary ?? String(describing: error), unknown: unknown)
        }
        do {
            _ = try await client.batchUpdate(body: ABSPayload.batchUpdate(bodies.map { ($0.id, $0.body) }))
        } catch let e as RemoteError where e.code == .notFound || e.code == .htmlPage(status: 404) {
            // Servers before batch/update: one PATCH per item.
            for entry in bodies {
                do { _ = try await client.patchMedia(id: entry.id, body: entry.body) } catch { note(error) }
            }
        } catch {
            note(error)
        }
        return PushSendReport(result: result)
    }

    func refresh(_ items: [LibraryItem], in mirror: Mirror) throws {
        try mirror.refreshItems(items)
    }
}
