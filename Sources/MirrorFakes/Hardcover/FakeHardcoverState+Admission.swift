import Hummingbird

// The HTTP side of the state, in Hardcover's order: injected fault, route (404), token (401),
// body (400), query syntax (400), operation choice, cost and quotas (429), Hardcover's rules
// (403); then validation and execution happen outside the actor (HCJob.run) and `finish` logs.
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

/// A query admitted and paid for, to run over the catalog.
struct HCJob: Sendable {
    var operation: HCOperation
    var variables: [String: JSONValue]
    var hiddenRootFields: Set<String>
    var searchResultsAsString: Bool
    var headers: [(String, String)]
    var record: FakeHardcoverRequestRecord

    /// The answer (data, or Hasura's in-band errors, both HTTP 200) and its log record.
    func run(catalog: FakeHardcoverCatalog, limits: FakeHardcoverLimits) -> (FakeReply, FakeHardcoverRequestRecord) {
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
            var validator = HCValidator(schema: schema, hiddenRootFields: hiddenRootFields)
            let plans = try validator.plan(operation, variables: variables)
            let executor = HCExecutor(tables: catalog.tables, limits: limits, searchResultsAsString: searchResultsAsString)
            body = try executor.run(plans)
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
            log.append(record)
            return .answer(reply)
        }
        func refuse(_ status: Int, _ body: HCJSON, reason: String) -> HCAdmission {
            answer(.hardcoverJSON(body, status: status), reason: reason)
        }

        if let fault {
            if fault == .connectionReset {
                log.append(record)
                return .drop
            }
            if let reply = fault.reply { return answer(reply, reason: "fault") }
        }
        guard call.isGraphQL else {
            return refuse(404, ["path": "$", "error": "resource does not exist", "code": "not-found"], reason: "not-found")
        }
        let hidden: Set<String>
        switch call.authorization {
        case .missing:
            return unauthorized("Missing Authorization header", answer)
        case .malformed:
            return unauthorized("Malformed Authorization header", answer)
        case .bearer(let token):
            switch Self.check(token: token) {
            case .valid(let h): hidden = h
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
        let cost = refusal == nil ? max(1, record.topLevelFields.count) : 1
        if let wait = limiter.wait(for: cost, now: now) { return tooMany(wait, answer) }
        limiter.charge(cost)
        record.cost = cost
        if let refusal { return refuse(403, refusal.body, reason: refusal.code) }

        var searchAsString = false
        if searchAsStringRemaining > 0, record.topLevelFields.contains("search") {
            searchAsStringRemaining -= 1
            searchAsString = true
            record.fault = .searchResultsAsString
        }
        return .run(HCJob(operation: operation, variables: variables, hiddenRootFields: hidden,
                          searchResultsAsString: searchAsString, headers: limiter.headers(now: now), record: record))
    }

    func finish(_ record: FakeHardcoverRequestRecord) { log.append(record) }

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
