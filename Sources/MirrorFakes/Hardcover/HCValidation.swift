/// A Hasura error answered in band, with HTTP 200:
/// {"errors":[{"message":...,"extensions":{"path":"$.selectionSet.books.selectionSet.x","code":"validation-failed"}}]}.
struct HCGraphQLError: Error, Sendable, Equatable {
    var message: String
    var path: String
    var code = "validation-failed"

    var body: HCJSON {
        ["errors": [["message": .string(message), "extensions": ["path": .string(path), "code": .string(code)]]]]
    }
}

/// A field checked against the schema, its arguments coerced and its variables replaced.
struct HCPlan: Sendable {
    /// The key in the answer (alias or name).
    var key: String
    var name: String
    /// The object type that has the field.
    var parent: String
    var type: HCType
    /// Only the arguments given (a variable not provided counts as not given).
    var arguments: [String: HCInput]
    /// nil for a leaf.
    var children: [HCPlan]?
    /// "$.selectionSet.books", for errors found while executing.
    var path: String
}

/// Checks an operation as Hasura does before running it: fields and arguments exist, values fit
/// their types (a single value where a list is expected is a one-element list), variables are
/// declared, provided and used where their declared type fits. Messages follow Hasura's.
struct HCValidator {
    let schema: HCSchema
    /// Root fields the token's scopes do not show (`me` without read:me, the library without read:library).
    let hiddenRootFields: Set<String>
    private var variableTypes: [String: HCType] = [:]
    private var variableValues: [String: HCInput] = [:]

    init(schema: HCSchema, hiddenRootFields: Set<String> = []) {
        self.schema = schema
        self.hiddenRootFields = hiddenRootFields
    }

    /// The operation's root fields, planned.
    mutating func plan(_ operation: HCOperation, variables: [String: JSONValue]) throws(HCGraphQLError) -> [HCPlan] {
        let root: String
        switch operation.kind {
        case "query": root = schema.queryRoot
        case "mutation" where schema.mutationRoot != nil: root = schema.mutationRoot!
        default: throw HCGraphQLError(message: "no \(operation.kind)s exist", path: "$")
        }
        let declared = Set(operation.variables.map(\.name))
        // The document first: a variable used but not declared is reported before the values.
        if let error = Self.unbound(operation.selections, declared: declared, path: "$") { throw error }
        let unexpected = variables.keys.filter { !declared.contains($0) }.sorted()
        if !unexpected.isEmpty {
            throw HCGraphQLError(message: "unexpected variables in variableValues: \(unexpected.joined(separator: ", "))",
                                 path: "$")
        }
        for definition in operation.variables {
            let name = definition.name, type = definition.type
            guard let kind = schema.kind(of: type.name), kind != .object else {
                throw HCGraphQLError(message: "variable '\(name)' is declared as '\(type)', which is not an input type",
                                     path: "$.variableValues")
            }
            variableTypes[name] = type
            if let value = variables[name] {
                variableValues[name] = try coerce(json: value, to: type, path: "$.variableValues.\(name)")
            } else if let defaultValue = definition.defaultValue {
                variableValues[name] = try coerce(defaultValue, to: type, path: "$.variableValues.\(name)")
            } else if type.isNonNull {
                throw HCGraphQLError(message: "expecting a value for non-nullable variable: \"\(name)\"",
                                     path: "$.variableValues")
            }
        }
        return try plan(operation.selections, in: root, path: "$")
    }

    /// The first use of a variable the operation does not declare.
    private static func unbound(_ selections: [HCSelection], declared: Set<String>, path: String) -> HCGraphQLError? {
        func find(_ value: HCInput, _ path: String) -> HCGraphQLError? {
            switch value {
            case .variable(let name) where !declared.contains(name):
                return HCGraphQLError(message: "unbound variable '\(name)'", path: path)
            case .list(let values):
                for (n, v) in values.enumerated() { if let e = find(v, "\(path)[\(n)]") { return e } }
            case .object(let fields):
                for f in fields { if let e = find(f.value, path + "." + f.name) { return e } }
            default:
                break
            }
            return nil
        }
        for selection in selections {
            let fieldPath = path + ".selectionSet." + selection.key
            for argument in selection.arguments {
                if let e = find(argument.value, fieldPath + ".args." + argument.name) { return e }
            }
            for directive in selection.directives {
                for argument in directive.arguments {
                    if let e = find(argument.value, fieldPath + ".directives." + directive.name) { return e }
                }
            }
            if let children = selection.selections, let e = unbound(children, declared: declared, path: fieldPath) { return e }
        }
        return nil
    }

    // MARK: - Selections

    private func plan(_ selections: [HCSelection], in typeName: String, path: String) throws(HCGraphQLError) -> [HCPlan] {
        guard let object = schema.objects[typeName] else {
            throw HCGraphQLError(message: "type '\(typeName)' not found", path: path)
        }
        // Fields under one key merge when they are the same field with the same arguments.
        var groups: [HCSelection] = []
        var positions: [String: Int] = [:]
        for selection in selections where try included(selection, path: path) {
            guard let n = positions[selection.key] else {
                positions[selection.key] = groups.count
                groups.append(selection)
                continue
            }
            guard groups[n].name == selection.name, groups[n].arguments == selection.arguments else {
                throw HCGraphQLError(message: "cannot merge different fields with the same name '\(selection.key)'",
                                     path: path + ".selectionSet")
            }
            if let more = selection.selections { groups[n].selections = (groups[n].selections ?? []) + more }
        }

        var plans: [HCPlan] = []
        for selection in groups {
            let fieldPath = path + ".selectionSet." + selection.key
            if selection.name == "__typename" {
                plans.append(HCPlan(key: selection.key, name: "__typename", parent: typeName,
                                    type: .nonNull(.named("String")), arguments: [:], children: nil, path: fieldPath))
                continue
            }
            guard let field = object.fields[selection.name],
                  !((typeName == schema.queryRoot || typeName == schema.mutationRoot) && hiddenRootFields.contains(selection.name)) else {
                throw HCGraphQLError(message: "field '\(selection.name)' not found in type: '\(typeName)'", path: fieldPath)
            }
            var arguments: [String: HCInput] = [:]
            var seen = Set<String>()
            for argument in selection.arguments {
                guard let definition = field.argument(argument.name) else {
                    throw HCGraphQLError(message: "'\(selection.name)' has no argument named '\(argument.name)'",
                                         path: fieldPath)
                }
                guard seen.insert(argument.name).inserted else {
                    throw HCGraphQLError(message: "multiple arguments named '\(argument.name)'", path: fieldPath)
                }
                if let value = try coerce(argument.value, to: definition.type, path: fieldPath + ".args." + argument.name) {
                    arguments[argument.name] = value
                }
            }
            for definition in field.arguments where definition.type.isNonNull && arguments[definition.name] == nil {
                throw HCGraphQLError(message: "missing required field '\(definition.name)'", path: fieldPath + ".args")
            }
            var children: [HCPlan]? = nil
            if schema.kind(of: field.type.name) == .object {
                guard let sub = selection.selections, !sub.isEmpty else {
                    throw HCGraphQLError(message: "missing selection set for '\(selection.name)' of type '\(field.type)'",
                                         path: fieldPath)
                }
                children = try plan(sub, in: field.type.name, path: fieldPath)
            } else if selection.selections != nil {
                throw HCGraphQLError(message: "unexpected subselection set for non-object field '\(selection.name)'",
                                     path: fieldPath)
            }
            plans.append(HCPlan(key: selection.key, name: selection.name, parent: typeName, type: field.type,
                                arguments: arguments, children: children, path: fieldPath))
        }
        return plans
    }

    /// @include(if:) and @skip(if:); any other directive is refused.
    private func included(_ selection: HCSelection, path: String) throws(HCGraphQLError) -> Bool {
        for directive in selection.directives {
            guard directive.name == "include" || directive.name == "skip",
                  directive.arguments.count == 1, directive.arguments[0].name == "if" else {
                throw HCGraphQLError(message: "unexpected directive '\(directive.name)'",
                                     path: path + ".selectionSet." + selection.key)
            }
            let value = try coerce(directive.arguments[0].value, to: .nonNull(.named("Boolean")),
                                   path: path + ".selectionSet." + selection.key + ".directives." + directive.name)
            let condition = value == .bool(true)
            if condition != (directive.name == "include") { return false }
        }
        return true
    }

    // MARK: - Values

    /// A literal (maybe holding variables) coerced to `type`; nil when it is an unprovided variable.
    private func coerce(_ value: HCInput, to type: HCType, path: String,
                        fromJSON: Bool = false) throws(HCGraphQLError) -> HCInput? {
        if case .variable(let name) = value {
            guard let declared = variableTypes[name] else {
                throw HCGraphQLError(message: "unbound variable '\(name)'", path: path)
            }
            guard Self.fits(declared, at: type) else {
                throw HCGraphQLError(message: "variable '\(name)' is declared as '\(declared)', but used where '\(type)' is expected",
                                     path: path)
            }
            return variableValues[name]
        }
        switch type {
        case .nonNull(let inner):
            guard value != .null else { throw HCGraphQLError(message: "unexpected null value for type '\(type)'", path: path) }
            guard let coerced = try coerce(value, to: inner, path: path, fromJSON: fromJSON) else {
                throw HCGraphQLError(message: "expecting a value for non-nullable type '\(type)'", path: path)
            }
            return coerced
        case .list(let inner):
            switch value {
            case .null: return .null
            case .list(let values):
                var result: [HCInput] = []
                for (n, element) in values.enumerated() {
                    result.append(try coerce(element, to: inner, path: "\(path)[\(n)]", fromJSON: fromJSON) ?? .null)
                }
                return .list(result)
            default:
                return try coerce(value, to: inner, path: path, fromJSON: fromJSON).map { .list([$0]) }
            }
        case .named(let name):
            if value == .null { return .null }
            switch schema.kind(of: name) {
            case .scalar:
                return try Self.scalar(value, name: name, path: path)
            case .enumeration:
                let values = schema.enums[name] ?? []
                // JSON has no enums: a variable's strings stand for them.
                let given: String? = switch value {
                case .enumValue(let v): v
                case .string(let v) where fromJSON: v
                default: nil
                }
                guard let v = given, values.contains(v) else {
                    throw HCGraphQLError(message: "expected one of the values \(values) for type '\(name)', but found \(Self.describe(value))",
                                         path: path)
                }
                return .enumValue(v)
            case .input:
                guard case .object(let fields) = value else {
                    throw HCGraphQLError(message: "expected an object for type '\(name)', but found \(Self.describe(value))",
                                         path: path)
                }
                let definition = schema.inputs[name]!
                var result: [HCInputField] = []
                for field in fields {
                    guard let fieldType = definition.fields[field.name] else {
                        throw HCGraphQLError(message: "field '\(field.name)' not found in type: '\(name)'",
                                             path: path + "." + field.name)
                    }
                    if let coerced = try coerce(field.value, to: fieldType, path: path + "." + field.name, fromJSON: fromJSON) {
                        result.append(HCInputField(name: field.name, value: coerced))
                    }
                }
                for (fieldName, fieldType) in definition.fields where fieldType.isNonNull
                    && !result.contains(where: { $0.name == fieldName }) {
                    throw HCGraphQLError(message: "missing required field '\(fieldName)'", path: path)
                }
                return .object(result)
            case .object, nil:
                throw HCGraphQLError(message: "type '\(name)' is not an input type", path: path)
            }
        }
    }

    /// A variable's JSON value coerced to its declared type.
    private func coerce(json: JSONValue, to type: HCType, path: String) throws(HCGraphQLError) -> HCInput {
        // The variable's own type is the location: a literal of the same shape, checked the same way.
        guard let coerced = try coerce(Self.literal(json), to: type, path: path, fromJSON: true) else {
            throw HCGraphQLError(message: "expecting a value for non-nullable variable: \"\(path)\"", path: path)
        }
        return coerced
    }

    /// JSON as a literal (object keys sorted: JSON objects have no order once parsed).
    static func literal(_ json: JSONValue) -> HCInput {
        switch json {
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(let n): n == n.rounded() && abs(n) < 9e15 ? .int(Int(n)) : .float(n)
        case .string(let s): .string(s)
        case .array(let a): .list(a.map(literal))
        case .object(let o): .object(o.keys.sorted().map { HCInputField(name: $0, value: literal(o[$0]!)) })
        }
    }

    /// Whether a variable declared `declared` may be used where `location` is expected.
    static func fits(_ declared: HCType, at location: HCType) -> Bool {
        switch (declared, location) {
        case (.nonNull(let d), .nonNull(let l)): fits(d, at: l)
        case (_, .nonNull): false
        case (.nonNull(let d), _): fits(d, at: location)
        case (.list(let d), .list(let l)): fits(d, at: l)
        case (.list, _), (_, .list): false
        case (.named(let d), .named(let l)): d == l
        default: false
        }
    }

    private static let thirtyTwoBit = Int(Int32.min)...Int(Int32.max)

    private static func scalar(_ value: HCInput, name: String, path: String) throws(HCGraphQLError) -> HCInput {
        func refuse(_ expected: String) -> HCGraphQLError {
            HCGraphQLError(message: "expected \(expected) for type '\(name)', but found \(describe(value))", path: path)
        }
        switch name {
        case "Int", "smallint":
            guard case .int(let n) = value, thirtyTwoBit.contains(n) else { throw refuse("a 32-bit integer") }
            return value
        case "bigint":
            if case .int = value { return value }
            if case .string(let s) = value, let n = Int(s) { return .int(n) }
            throw refuse("a 64-bit integer")
        case "Float", "float8", "numeric":
            switch value {
            case .int(let n): return .float(Double(n))
            case .float: return value
            case .string(let s) where name == "numeric": if let d = Double(s) { return .float(d) }
            default: break
            }
            throw refuse("a number")
        case "String", "date":
            if case .string = value { return value }
            throw refuse("a string")
        case "ID":
            if case .string = value { return value }
            if case .int(let n) = value { return .string(String(n)) }
            throw refuse("a string or an integer")
        case "Boolean":
            if case .bool = value { return value }
            throw refuse("a boolean")
        default: // json, jsonb: anything
            return value
        }
    }

    static func describe(_ value: HCInput) -> String {
        switch value {
        case .variable(let v): "a variable '\(v)'"
        case .null: "null"
        case .int, .float: "a number"
        case .string: "a string"
        case .bool: "a boolean"
        case .enumValue(let e): "the enum value '\(e)'"
        case .list: "a list"
        case .object: "an object"
        }
    }
}
