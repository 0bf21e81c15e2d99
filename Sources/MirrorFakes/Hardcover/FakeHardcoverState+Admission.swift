import Hummingbird

// The HTTP side of the state, in Hardcover's order: injected fault, route (404), token (401),
// body (400), query syntax (400), operation choice, cost and quotas (429), the write scope of a
// mutation (403 insufficient_scope), Hardcover's rules (403); then a query is validated and run
// outside the actor over a copy of the libraries (HCJob.run) and `finish` logs it, while a mutation
// is validated and applied inside the actor, one field after the other (`mutate`).
// Every answer carries the rate-limit headers.

/// What the state tells the server to do with a request.
enum HCAdmission: Sendable {
    /// Answer this (already logged).
    case answer(FakeReply)
    /// Close the connection without answering (already logged).
    case drop
    /// Validate and execute, then `finish`.
    case run(HCJob)
}

/// A query or mutation admitted and paid for, to run over the catalog and the libraries.
struct HCJob: Sendable {
    var operation: HCOperation
    var variables: [String: JSONValue]
    var grant: FakeHardcoverState.Grant
    /// The libraries when the request was admitted (what a query reads).
    var library: HCLibrary
    var searchResultsAsString: Bool
    var headers: [(String, String)]
    var record: FakeHardcoverRequestRecord

    var isMutation: Bool { operation.kind == "mutation" }

    /// The answer (data, or Hasura's in-band errors, both HTTP 200) and its log record.
    func run(catalog: FakeHardcoverCatalog, limits: FakeHardcoverLimits) -> (FakeReply, FakeHardcoverRequestRecord) {
        answer { plans throws(HCGraphQLError) in
            let source = HCSource(tables: catalog.tables, library: library, viewer: grant.user)
            return try HCExecutor(source: source, limits: limits, searchResultsAsString: searchResultsAsString).run(plans)
        }
    }

    /// Validates the operation and answers what `execute` makes of its fields, or the error.
    func answer(_ execute: ([HCPlan]) throws(HCGraphQLError) -> HCJSON) -> (FakeReply, FakeHardcoverRequestRecord) {
        var record = self.record
        let schema: HCSchema
        switch HCSchema.hardcover {
        case .success(let loaded): schema = loaded
        case .failure(let error):
            var reply = FakeReply.hardcoverJSON(["error": .string(error.message)], status: 500)
            reply.headers += headers
            record.status = 500
            record.rejectedReason = error.message
            return (reply, record)
        }
        let body: HCJSON
        do throws(HCGraphQLError) {
            var validator = HCValidator(schema: schema, hiddenRootFields: grant.hiddenRootFields)
            body = try execute(try validator.plan(operation, variables: variables))
        } catch {
            body = error.body
            record.rejectedReason = "\(error.code): \(error.message)"
        }
        var reply = FakeReply.hardcoverJSON(body)
        reply.headers += headers
        record.status = 200
        return (reply, record)
    }
}

extension FakeHardcoverState {
    func admit(_ call: HCCall, fault: FakeHardcoverFault?) -> HCAdmission {
        let now = clock.now()
        limiter.advance(to: now)
        var record = FakeHardcoverRequestRecord(method: call.method, path: call.path, status: 0, topLevelFields: [],
                                                operationName: nil, cost: 0, fault: fault, rejectedReason: nil)
        func answer(_ reply: FakeReply, reason: String?) -> HCAdmission {
            var reply = reply
            reply.headers += limiter.headers(now: now)
            record.status = reply.status
            record.rejectedReason = reason
            self.record(record)
            return .answer(reply)
        }
        func refuse(_ status: Int, _ body: HCJSON, reason: String) -> HCAdmission {
            answer(.hardcoverJSON(body, status: status), reason: reason)
        }

        if let fault {
            if fault == .connectionReset {
                self.record(record)
                return .drop
            }
            if let reply = fault.reply { return answer(reply, reason: "fault") }
        }
        guard call.isGraphQL else {
            return refuse(404, ["path": "$", "error": "resource does not exist", "code": "not-found"], reason: "not-found")
        }
        let grant: Grant
        switch call.authorization {
        case .missing:
            return unauthorized("Missing Authorization header", answer)
        case .malformed:
            return unauthorized("Malformed Authorization header", answer)
        case .bearer(let token):
            switch Self.check(token: token) {
            case .valid(let g): grant = g
            case .expired: return unauthorized("The access token expired", answer)
            case .unknown: return unauthorized("The access token is invalid", answer)
            }
        }
        guard case .request(_, let variables, let operationName) = call.body else {
            return refuse(400, ["error": "Malformed request body"], reason: "Malformed request body")
        }
        record.operationName = operationName
        let document: HCDocument
        switch call.document {
        case .success(let d)?: document = d
        case .failure(let failure)?:
            let message = switch failure { case .syntax(let m), .fragment(let m): m }
            return refuse(400, ["error": "invalid_query", "error_description": .string(message)], reason: "invalid_query")
        case nil:
            return refuse(400, ["error": "Malformed request body"], reason: "Malformed request body")
        }

        // Choosing the operation is Hasura's: in band, and it costs a request.
        guard let operation = document.operation(named: operationName) else {
            let error = operationName.map {
                HCGraphQLError(message: "no such operation found in the document: \"\($0)\"", path: "$")
            } ?? HCGraphQLError(message: "exactly one operation has to be present in the document when operationName is not specified",
                                path: "$")
            if let wait = limiter.wait(for: 1, now: now) { return tooMany(wait, answer) }
            limiter.charge(1)
            record.cost = 1
            return answer(.hardcoverJSON(error.body), reason: "\(error.code): \(error.message)")
        }
        record.topLevelFields = HCRules.topLevelFields(operation)
        let refusal = HCRules.check(operation, variables: variables, limits: limits)
        let cannotWrite = operation.kind == "mutation" && !grant.canWrite
        let cost = refusal == nil && !cannotWrite ? max(1, record.topLevelFields.count) : 1
        if let wait = limiter.wait(for: cost, now: now) { return tooMany(wait, answer) }
        limiter.charge(cost)
        record.cost = cost
        if cannotWrite {
            return refuse(403, ["error": "insufficient_scope",
                                "error_description": "The token does not have the scope this operation requires",
                                "scope": .string(Self.writeScope)], reason: "insufficient_scope")
        }
        if let refusal { return refuse(403, refusal.body, reason: refusal.code) }

        var searchAsString = false
        if searchAsStringRemaining > 0, record.topLevelFields.contains("search") {
            searchAsStringRemaining -= 1
            searchAsString = true
            record.fault = .searchResultsAsString
        }
        return .run(HCJob(operation: operation, variables: variables, grant: grant, library: library,
                          searchResultsAsString: searchAsString, headers: limiter.headers(now: now), record: record))
    }

    func finish(_ record: FakeHardcoverRequestRecord) { self.record(record) }

    /// Validates and applies an admitted mutation, field after field, on the state's libraries, and
    /// logs it. A field refused by its handler answers its own `error`; one that fails (an in-band
    /// error, an injected `.mutationFailure`) ends the request with `errors` only, what came before
    /// it applied (no transaction).
    func mutate(_ job: HCJob) -> FakeReply {
        var injected: FakeHardcoverFault? = nil
        let (reply, answered) = job.answer { plans throws(HCGraphQLError) in
            var members: [HCMember] = []
            for plan in plans {
                if plan.name == "__typename" {
                    members.append(HCMember(plan.key, .string(plan.parent)))
                    continue
                }
                let fault = takeMutationFault()
                if injected == nil { injected = fault }
                let result: HCMutationResult
                switch fault {
                case .mutationFailure(let message)?:
                    throw HCGraphQLError(message: message, path: "$", code: "unexpected")
                case .mutationError(let message)?:
                    result = HCMutator.refusal(plan.type.name, message)
                default:
                    var mutator = HCMutator(library: library, tables: catalog.tables, viewer: job.grant.user, now: clock.now())
                    defer { library = mutator.library }
                    result = try mutator.apply(plan)
                }
                let source = HCSource(tables: catalog.tables, library: library, viewer: job.grant.user)
                let executor = HCExecutor(source: source, limits: limits)
                members.append(HCMember(plan.key, try executor.answer(.mutationResult(result), plan.children ?? [])))
            }
            return ["data": .object(members)]
        }
        var record = answered
        if let injected { record.fault = injected }
        self.record(record)
        return reply
    }

    private func unauthorized(_ description: String,
                              _ answer: (FakeReply, String?) -> HCAdmission) -> HCAdmission {
        var reply = FakeReply.hardcoverJSON(["error": "invalid_token", "error_description": .string(description)], status: 401)
        reply.headers.append(("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"\(description)\""))
        return answer(reply, "invalid_token")
    }

    private func tooMany(_ seconds: Int, _ answer: (FakeReply, String?) -> HCAdmission) -> HCAdmission {
        var reply = FakeReply.hardcoverJSON(["error": "Too Many Requests"], status: 429)
        reply.headers.append(("Retry-After", String(seconds)))
        return answer(reply, "rate_limited")
    }
}
