import Foundation
import MirrorCore

/// The write side of the token's user's library: the mutations, the push's pre-read of the user
/// books it is about to write, and a probe of whether the token may write at all.
///
/// Mutations are never sent twice unless Hardcover certainly ran nothing (a 429, a refused
/// connection): a 5xx, a timeout or a dropped connection after sending may hide a write that
/// applied, so it is answered as `.failed(_, unknown: true)` and the caller re-reads.
extension HardcoverClient {
    /// One outcome per mutation, in order. Five mutations a request at most (aliased m0...m4, values
    /// as variables only), each request paid to the limiter as its number of fields. Mutations in a
    /// request are not a transaction: each answers for itself (`.refused` with its own `error`
    /// while the others apply).
    ///
    /// - An answer with `errors` and no data (Hardcover applied the fields before the failing one,
    ///   not knowing which): `.failed(message, unknown: true)` for all of that request's mutations;
    ///   the next requests are sent.
    /// - Any other failure of a request as a whole (a 5xx, a timeout, a dropped connection, an answer
    ///   that cannot be read): `.failed(_, unknown: true)` for its mutations (`unknown: false` when
    ///   it was certainly not run: a refused connection, HTTP 400 or 404), and no further request is
    ///   sent: their mutations are `.failed("not sent: …", unknown: false)`.
    /// - A mutation whose fields its input does not have, or with a value of the wrong type, is
    ///   never sent: `.failed("not sent: …", unknown: false)`.
    ///
    /// Throws, losing the outcomes of requests already answered (the caller re-reads): a 401 or
    /// 403 `RemoteError` (a 403 for a missing scope names it: "the token lacks the scope '…'"), the
    /// limiter's `BudgetStop`, and `RemoteError.rateLimited` when 429s do not end.
    public func mutate(_ mutations: [HardcoverLibraryMutation]) async throws -> [HardcoverMutationOutcome] {
        let (requests, unsendable) = HardcoverMutations.plan(mutations)
        var outcomes = [HardcoverMutationOutcome?](repeating: nil, count: mutations.count)
        for (index, problem) in unsendable { outcomes[index] = .failed("not sent: \(problem)", unknown: false) }
        var stopped: String?
        for request in requests {
            let answers: [HardcoverMutationOutcome]
            if let stopped {
                answers = request.mutations.map { _ in .failed("not sent: \(stopped)", unknown: false) }
            } else {
                let sent = try await send(request)
                answers = sent.outcomes
                if let reason = sent.stop { stopped = "an earlier request failed (\(reason))" }
            }
            for (entry, outcome) in zip(request.mutations, answers) { outcomes[entry.index] = outcome }
        }
        return outcomes.map { $0 ?? .failed("not sent", unknown: false) }
    }

    /// The exact (document, variables as JSON text with sorted keys) of each request `mutate` would
    /// send for these mutations, in order: for `push --dry-run`. No token is in either. Mutations
    /// `mutate` would not send (see there) are in none.
    public static func mutationRequests(_ mutations: [HardcoverLibraryMutation]) -> [(document: String, variables: String)] {
        HardcoverMutations.plan(mutations).requests.map { ($0.document, $0.variables) }
    }

    /// The token's user's user books of these books (ids repeated count once), with their reads,
    /// ordered by id; books not in the library are absent, and so are rows that cannot be understood
    /// (as in `userLibrary()`). Five aliased `me` fields a request, each with up to 100 book ids:
    /// ⌈books/500⌉ requests, ⌈books/100⌉ counted fields. No ids: one `me` request for the user's id.
    public func userBooks(bookIds: [Int]) async throws -> (userId: Int, books: [HardcoverUserBook]) {
        var seen = Set<Int>()
        let ids = bookIds.filter { seen.insert($0).inserted }
        guard !ids.isEmpty else { return (try await me().id, []) }
        let size = HardcoverQueries.booksPerField
        let chunks = stride(from: 0, to: ids.count, by: size).map { Array(ids[$0..<min($0 + size, ids.count)]) }
        var userId: Int?
        var books: [HardcoverUserBook] = []
        for first in stride(from: 0, to: chunks.count, by: HardcoverQueries.bookFieldsPerRequest) {
            let group = chunks[first..<min(first + HardcoverQueries.bookFieldsPerRequest, chunks.count)]
            var variables: [String: any Sendable] = ["limit": size]
            for (n, chunk) in group.enumerated() { variables["b\(n)"] = chunk }
            let data: [String: [WireMeBooks]]
            do {
                data = try await execute(HardcoverQueries.userBooksOfBooks(count: group.count), variables: variables)
            } catch let e as RemoteError {
                throw libraryScopeRefusal(e) ?? e
            }
            for n in 0..<group.count {
                guard let users = data["b\(n)"] else { throw error(.badResponse("field b\(n) of `me` is missing")) }
                guard users.count == 1, let id = users[0].id else { throw error(.badResponse("`me` returned \(users.count) users")) }
                guard userId == nil || userId == id else { throw error(.badResponse("`me` returned two different users")) }
                userId = id
                books += users[0].books.compactMap { $0.value.flatMap(HardcoverMapping.userBook) }
            }
        }
        guard let userId else { throw error(.badResponse("`me` returned no user")) }
        return (userId, books.sorted { $0.id < $1.id })
    }

    /// Whether the token may write the library, changing nothing: a probe that cannot apply
    /// (`delete_user_book_read` of read 0, which no one has), one counted field. Its own `error`,
    /// or any answer from the mutation's handler, means the write reached it: `.allowed`; a 403
    /// insufficient_scope is `.missingScope` with the scope Hardcover names. Other failures throw.
    public func libraryWriteAccess() async throws -> HardcoverWriteAccess {
        let probe = HardcoverMutations.probe
        let reply = try await post(probe.body, cost: probe.cost, resendable: true)
        if reply.status == 403, let body = try? JSONDecoder().decode(WireErrorBody.self, from: reply.body),
           body.error == "insufficient_scope" {
            return .missingScope(body.scope ?? "(not named)")
        }
        if let failure = failure(of: reply) { throw failure }
        guard !reply.looksLikeHTML,
              let response = try? JSONDecoder().decode(WireGraphQLResponse<[String: WireLossy<WireMutationAnswer>]>.self,
                                                      from: reply.body) else {
            throw error(.badResponse("the answer to the write probe is not GraphQL's JSON"))
        }
        // Hasura hides the fields a role may not use: a token that may not write would be shown no
        // mutation at all (Hardcover answers 403 insufficient_scope instead, but just in case).
        let errors = response.errors ?? []
        if let hidden = errors.first(where: { $0.message.contains("not found in type: 'mutation_root'") }) {
            throw error(.forbidden, detail: "the token cannot write the user's library (\(hidden.message)); "
                + "create a token that may write it at https://hardcover.app/account/api")
        }
        // A probe Hardcover could not parse or validate never reached the handler: it says nothing.
        if errors.contains(where: { $0.code == "validation-failed" || $0.code == "parse-failed" }) {
            throw error(.graphQL(errors.map(\.message)))
        }
        // The handler's refusal, in the field's `error` or in `errors`: the write reached it.
        guard response.data?["m0"] != nil || !errors.isEmpty else {
            throw error(.badResponse("the write probe answered neither data nor errors"))
        }
        return .allowed
    }

    // MARK: - One request

    /// Sends one request of mutations once (429s aside) and answers each of its mutations, and why
    /// no further request should be sent, if so.
    private func send(_ request: HardcoverMutations.Request) async throws -> (outcomes: [HardcoverMutationOutcome], stop: String?) {
        func all(_ message: String, unknown: Bool) -> (outcomes: [HardcoverMutationOutcome], stop: String?) {
            (request.mutations.map { _ in .failed(message, unknown: unknown) }, message)
        }
        let reply: HTTPReply
        do {
            reply = try await post(request.body, cost: request.cost, resendable: false)
        } catch let e as RemoteError {
            if case .rateLimited = e.code { throw e }
            return all(e.summary, unknown: !Self.neverRan(e.code))
        }
        if let failure = failure(of: reply) {
            switch failure.code {
            case .unauthorized, .forbidden: throw failure
            default: return all(failure.summary, unknown: !(reply.status == 400 || reply.status == 404))
            }
        }
        guard !reply.looksLikeHTML else { return all(error(.htmlPage(status: 200)).summary, unknown: true) }
        let response: WireGraphQLResponse<[String: WireLossy<WireMutationAnswer>]>
        do {
            response = try JSONDecoder().decode(WireGraphQLResponse<[String: WireLossy<WireMutationAnswer>]>.self, from: reply.body)
        } catch {
            let reason = (error as? DecodingError).map(ABSClient.describe) ?? "the body is not JSON"
            return all(self.error(.badResponse(reply.body.isEmpty ? "the body is empty" : reason)).summary, unknown: true)
        }
        let errors = (response.errors ?? []).map(\.message).joined(separator: "; ")
        guard let data = response.data else {
            guard !errors.isEmpty else { return all(error(.badResponse("no \"data\" in the answer")).summary, unknown: true) }
            // Hardcover applied the fields before the one that failed; which those are is not said.
            return (request.mutations.map { _ in .failed(errors, unknown: true) }, nil)
        }
        let outcomes = request.mutations.enumerated().map { n, entry in
            Self.outcome(of: entry.mutation, data["m\(n)"]?.value, errors: errors)
        }
        return (outcomes, nil)
    }

    /// What a mutation's answer says of it.
    static func outcome(of mutation: HardcoverLibraryMutation, _ answer: WireMutationAnswer?, errors: String) -> HardcoverMutationOutcome {
        let name = mutation.fieldName
        guard let answer else { return .failed(errors.isEmpty ? "\(name) answered nothing" : errors, unknown: true) }
        if let refusal = HardcoverMapping.clean(answer.error) { return .refused(refusal) }
        let idText = answer.id.map { " (id \($0))" } ?? ""
        switch mutation {
        case .insertUserBook, .updateUserBook:
            guard let book = answer.user_book.flatMap(HardcoverMapping.userBook) else {
                return .failed("\(name) answered no user book that can be read\(idText)", unknown: true)
            }
            return .userBook(book)
        case .insertRead, .updateRead:
            var owner = answer.user_book_read?.user_book_id
            if owner == nil, case .insertRead(let userBookId, _) = mutation { owner = userBookId }
            guard let row = answer.user_book_read, let read = HardcoverMapping.read(row), let owner else {
                return .failed("\(name) answered no read that can be read\(idText)", unknown: true)
            }
            return .read(read, userBookId: owner)
        case .deleteUserBook, .deleteRead:
            guard let id = answer.id else { return .failed("\(name) answered no id", unknown: true) }
            return .deleted(id: id)
        case .editionOwned:
            return .owned(listBookId: answer.id)
        }
    }

    /// Failures that certainly happen before a request reaches Hardcover: it ran nothing. (Not
    /// `unreachable` or `tlsFailure`: they also stand for transport errors known only by their text.)
    static func neverRan(_ code: RemoteError.Code) -> Bool {
        switch code {
        case .connectionRefused, .invalidURL: true
        default: false
        }
    }
}
