import Foundation
import MirrorCore

/// The library's mutation documents. Up to five mutations a request, as aliased top-level fields
/// m0...m4 (Hardcover refuses a sixth, and charges one request a field); every value is a variable
/// ($id0, $object0...), never spliced into the text; each answer selects enough of its row to map
/// it (a user book with its reads: three selection sets deep, Hardcover's limit).
enum HardcoverMutations {
    static let perRequest = 5
    static let operationName = "LibraryWrites"

    /// One request: the caller's mutations it carries (their positions in the caller's list), its
    /// document, and its variables as JSON text with sorted keys.
    struct Request: Sendable {
        var mutations: [(index: Int, mutation: HardcoverLibraryMutation)]
        var operation = operationName
        var document: String
        var variables: String
        /// Top-level fields: what Hardcover charges.
        var cost: Int { mutations.count }

        /// The POST body: {"operationName", "query", "variables"}, keys sorted.
        var body: Data {
            Data("{\"operationName\":\(JSONText.string(operation)),\"query\":\(JSONText.string(document)),\"variables\":\(variables)}".utf8)
        }
    }

    /// The requests for the mutations that can be sent, in order, five a request; and why each
    /// other one cannot be (by position): an input field its input type does not have, or a value
    /// of the wrong type. Those are never sent.
    static func plan(_ mutations: [HardcoverLibraryMutation]) -> (requests: [Request], unsendable: [Int: String]) {
        var unsendable: [Int: String] = [:]
        var sendable: [(index: Int, mutation: HardcoverLibraryMutation)] = []
        for (index, mutation) in mutations.enumerated() {
            if let problem = problem(mutation) { unsendable[index] = problem } else { sendable.append((index, mutation)) }
        }
        let requests = stride(from: 0, to: sendable.count, by: perRequest).map { start in
            request(Array(sendable[start..<min(start + perRequest, sendable.count)]))
        }
        return (requests, unsendable)
    }

    /// Why `mutation` cannot be sent; nil when it can.
    static func problem(_ mutation: HardcoverLibraryMutation) -> String? {
        let name = mutation.fieldName
        guard let input = mutation.input else { return nil }
        let (fields, allowed) = input
        for (field, value) in fields.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard allowed.contains(field) else { return "\(name) has no input field \(field.rawValue)" }
            guard field.accepts(value) else { return "\(name): \(field.rawValue) cannot be \(value)" }
        }
        return nil
    }

    private static func request(_ mutations: [(index: Int, mutation: HardcoverLibraryMutation)]) -> Request {
        var declarations: [String] = []
        var fields: [String] = []
        var variables: [(String, String)] = []
        for (n, entry) in mutations.enumerated() {
            let id = "id\(n)", object = "object\(n)"
            let m = entry.mutation
            switch m {
            case .insertUserBook(let bookId, let input):
                declarations.append("$\(object): UserBookCreateInput!")
                fields.append("m\(n): insert_user_book(object: $\(object)) { \(userBookAnswer) }")
                variables.append((object, VariablesJSON.object(input, adding: [("book_id", String(bookId))])))
            case .updateUserBook(let userBookId, let input):
                declarations += ["$\(id): Int!", "$\(object): UserBookUpdateInput!"]
                fields.append("m\(n): update_user_book(id: $\(id), object: $\(object)) { \(userBookAnswer) }")
                variables += [(id, String(userBookId)), (object, VariablesJSON.object(input))]
            case .deleteUserBook(let userBookId):
                declarations.append("$\(id): Int!")
                fields.append("m\(n): delete_user_book(id: $\(id)) { id book_id user_id }")
                variables.append((id, String(userBookId)))
            case .insertRead(let userBookId, let input):
                declarations += ["$\(id): Int!", "$\(object): DatesReadInput!"]
                fields.append("m\(n): insert_user_book_read(user_book_id: $\(id), user_book_read: $\(object)) { \(readAnswer) }")
                variables += [(id, String(userBookId)), (object, VariablesJSON.object(input))]
            case .updateRead(let readId, let input):
                declarations += ["$\(id): Int!", "$\(object): DatesReadInput!"]
                fields.append("m\(n): update_user_book_read(id: $\(id), object: $\(object)) { \(readAnswer) }")
                variables += [(id, String(readId)), (object, VariablesJSON.object(input))]
            case .deleteRead(let readId):
                declarations.append("$\(id): Int!")
                fields.append("m\(n): delete_user_book_read(id: $\(id)) { error id }")
                variables.append((id, String(readId)))
            case .editionOwned(let editionId):
                declarations.append("$\(id): Int!")
                fields.append("m\(n): edition_owned(id: $\(id)) { id }")
                variables.append((id, String(editionId)))
            }
        }
        let document = """
            mutation \(operationName)(\(declarations.joined(separator: ", "))) {
              \(fields.joined(separator: "\n  "))
            }
            """
        return Request(mutations: mutations, document: document, variables: VariablesJSON.object(members: variables))
    }

    /// A user book's answer (UserBookIdType): its error, id, and the row with its reads.
    static let userBookAnswer = "error id user_book { \(HardcoverQueries.userBook) }"
    /// A read's answer (UserBookReadIdType): its error, id, and the row with its user book's id.
    static let readAnswer = "error id user_book_read { id user_book_id edition_id started_at finished_at progress_seconds }"

    /// The probe of libraryWriteAccess(): deletes the read with id 0, which no user has.
    static let probe = Request(mutations: [(0, .deleteRead(id: 0))], operation: "LibraryWriteProbe", document: """
        mutation LibraryWriteProbe($id0: Int!) {
          m0: delete_user_book_read(id: $id0) { error id }
        }
        """, variables: #"{"id0":0}"#)
}

extension HardcoverLibraryMutation {
    /// The top-level field it is sent as.
    var fieldName: String {
        switch self {
        case .insertUserBook: "insert_user_book"
        case .updateUserBook: "update_user_book"
        case .deleteUserBook: "delete_user_book"
        case .insertRead: "insert_user_book_read"
        case .updateRead: "update_user_book_read"
        case .deleteRead: "delete_user_book_read"
        case .editionOwned: "edition_owned"
        }
    }

    /// Its input's fields and the fields its input type has; nil when it has no input.
    fileprivate var input: ([HardcoverInputField: HardcoverInputValue], Set<HardcoverInputField>)? {
        switch self {
        case .insertUserBook(_, let fields), .updateUserBook(_, let fields): (fields, HardcoverInputField.userBookFields)
        case .insertRead(_, let fields), .updateRead(_, let fields): (fields, HardcoverInputField.readFields)
        case .deleteUserBook, .deleteRead, .editionOwned: nil
        }
    }
}

/// The JSON text of the variables, keys sorted: total and deterministic, so a dry run shows exactly
/// the bytes that would be sent. Strings through MirrorCore's `JSONText`.
enum VariablesJSON {
    static func value(_ v: HardcoverInputValue) -> String {
        switch v {
        case .int(let n): String(n)
        case .string(let s): JSONText.string(s)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }

    /// An input object: its fields, plus `extra` members already in JSON.
    static func object(_ fields: [HardcoverInputField: HardcoverInputValue], adding extra: [(String, String)] = []) -> String {
        object(members: fields.map { ($0.key.rawValue, value($0.value)) } + extra)
    }

    /// An object of members whose values are already JSON, keys sorted.
    static func object(members: [(String, String)]) -> String {
        "{" + members.sorted { $0.0 < $1.0 }.map { "\(JSONText.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }
}
