/// Hardcover's own rules in front of Hasura, answered 403 with an array of strings (not objects):
/// {"errors":["top_level_limit_exceeded","..."]}.
///
/// - More than `maxTopLevelFields` (5) top-level fields, or more than one `search`:
///   "top_level_limit_exceeded". `__typename` does not count.
/// - A disabled operator (`_like _nlike _ilike _nilike _regex _iregex _nregex _niregex _similar
///   _nsimilar`) anywhere in the arguments, as a literal or inside a variable's value:
///   "operator_not_allowed".
/// - Depth beyond `maxDepth` (3): "max_depth_exceeded". Depth is the nesting of selection sets:
///   `books { id }` is 1, `books { editions { publisher { name } } }` is 3.
struct HCRefusal: Sendable, Equatable {
    var code: String
    var message: String

    var body: HCJSON { ["errors": [.string(code), .string(message)]] }
}

enum HCRules {
    static let disabledOperators: Set<String> = [
        "_like", "_nlike", "_ilike", "_nilike", "_regex", "_iregex", "_nregex", "_niregex", "_similar", "_nsimilar",
    ]

    /// The names (not aliases) of the top-level fields that cost a request each.
    static func topLevelFields(_ operation: HCOperation) -> [String] {
        operation.selections.map(\.name).filter { $0 != "__typename" }
    }

    static func check(_ operation: HCOperation, variables: [String: JSONValue], limits: FakeHardcoverLimits) -> HCRefusal? {
        let fields = topLevelFields(operation)
        if fields.count > limits.maxTopLevelFields {
            return HCRefusal(code: "top_level_limit_exceeded",
                             message: "A query may have at most \(limits.maxTopLevelFields) top-level fields; this one has \(fields.count)")
        }
        let searches = fields.filter { $0 == "search" }.count
        if searches > 1 {
            return HCRefusal(code: "top_level_limit_exceeded",
                             message: "A query may have at most 1 search; this one has \(searches)")
        }
        if let op = disabledOperator(in: operation, variables: variables) {
            return HCRefusal(code: "operator_not_allowed", message: "The operator \(op) is disabled")
        }
        let depth = depth(of: operation.selections)
        if depth > limits.maxDepth {
            return HCRefusal(code: "max_depth_exceeded",
                             message: "Query depth \(depth) exceeds the maximum of \(limits.maxDepth)")
        }
        return nil
    }

    /// The nesting of selection sets under the deepest top-level field (0 for a leaf field).
    static func depth(of selections: [HCSelection]) -> Int {
        selections.map { field in field.selections.map { 1 + depth(of: $0) } ?? 0 }.max() ?? 0
    }

    static func disabledOperator(in operation: HCOperation, variables: [String: JSONValue]) -> String? {
        func inInput(_ value: HCInput) -> String? {
            switch value {
            case .object(let fields):
                for field in fields {
                    if disabledOperators.contains(field.name) { return field.name }
                    if let found = inInput(field.value) { return found }
                }
            case .list(let values):
                for v in values { if let found = inInput(v) { return found } }
            default:
                break
            }
            return nil
        }
        func inSelections(_ selections: [HCSelection]) -> String? {
            for s in selections {
                for argument in s.arguments { if let found = inInput(argument.value) { return found } }
                if let children = s.selections, let found = inSelections(children) { return found }
            }
            return nil
        }
        func inJSON(_ value: JSONValue) -> String? {
            switch value {
            case .object(let members):
                for key in members.keys.sorted() {
                    if disabledOperators.contains(key) { return key }
                    if let found = inJSON(members[key]!) { return found }
                }
            case .array(let values):
                for v in values { if let found = inJSON(v) { return found } }
            default:
                break
            }
            return nil
        }
        if let found = inSelections(operation.selections) { return found }
        for definition in operation.variables {
            if let d = definition.defaultValue, let found = inInput(d) { return found }
        }
        for key in variables.keys.sorted() { if let found = inJSON(variables[key]!) { return found } }
        return nil
    }
}
