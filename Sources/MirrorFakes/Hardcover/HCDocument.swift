import GraphQL

// A GraphQL request document in the fake's own small terms. GraphQLSwift parses (with its
// proper syntax errors); this file turns its AST into these values, fragments inlined.
// Only this file and HCSchema.swift import GraphQL.

/// An argument or variable value, literal or `$variable`, before or after coercion.
indirect enum HCInput: Sendable, Equatable {
    case variable(String)
    case null
    case int(Int)
    case float(Double)
    case string(String)
    case bool(Bool)
    case enumValue(String)
    case list([HCInput])
    case object([HCInputField])

    /// The member `name` of an object value.
    subscript(name: String) -> HCInput? {
        if case .object(let fields) = self { return fields.first { $0.name == name }?.value }
        return nil
    }

    var objectFields: [HCInputField] { if case .object(let f) = self { f } else { [] } }

    var intValue: Int? { if case .int(let n) = self { n } else { nil } }

    var stringValue: String? {
        switch self {
        case .string(let s), .enumValue(let s): s
        default: nil
        }
    }

    /// A list's elements; a single value as a one-element list (GraphQL input coercion).
    var listValues: [HCInput] {
        switch self {
        case .list(let values): values
        case .null: []
        default: [self]
        }
    }
}

struct HCInputField: Sendable, Equatable {
    var name: String
    var value: HCInput
}

struct HCArgument: Sendable, Equatable {
    var name: String
    var value: HCInput
}

struct HCDirective: Sendable, Equatable {
    var name: String
    var arguments: [HCArgument]
}

/// One field of a selection set, fragments already inlined.
struct HCSelection: Sendable, Equatable {
    var alias: String?
    var name: String
    var arguments: [HCArgument]
    var directives: [HCDirective]
    /// nil for a leaf.
    var selections: [HCSelection]?

    /// The key in the answer.
    var key: String { alias ?? name }
}

struct HCVariableDefinition: Sendable, Equatable {
    var name: String
    var type: HCType
    var defaultValue: HCInput?
}

struct HCOperation: Sendable, Equatable {
    /// "query", "mutation" or "subscription".
    var kind: String
    var name: String?
    var variables: [HCVariableDefinition]
    var selections: [HCSelection]
}

/// A parsed request document: its operations, with the fragments they use inlined.
struct HCDocument: Sendable, Equatable {
    var operations: [HCOperation]

    enum Failure: Error, Equatable {
        /// Not GraphQL: the parser's message ("Syntax Error GraphQL request (1:7) Expected Name, found <EOF>").
        case syntax(String)
        /// Parsed, but a fragment is missing or spreads itself.
        case fragment(String)
    }

    /// Parses `query`; throws `Failure`.
    init(parsing query: String) throws {
        let document: GraphQL.Document
        do {
            document = try GraphQL.parse(source: query, noLocation: true)
        } catch let error as GraphQLError {
            // The first line: the source excerpt after it is for humans at a terminal.
            throw Failure.syntax(error.message.components(separatedBy: "\n").first ?? error.message)
        } catch {
            throw Failure.syntax("\(error)")
        }
        var fragments: [String: FragmentDefinition] = [:]
        var operations: [OperationDefinition] = []
        for definition in document.definitions {
            switch definition {
            case let fragment as FragmentDefinition: fragments[fragment.name.value] = fragment
            case let operation as OperationDefinition: operations.append(operation)
            default: throw Failure.syntax("Syntax Error: type definitions are not executable")
            }
        }
        let converter = Converter(fragments: fragments)
        self.operations = try operations.map { operation in
            HCOperation(kind: operation.operation.rawValue, name: operation.name?.value,
                        variables: operation.variableDefinitions.map {
                            HCVariableDefinition(name: $0.variable.name.value, type: HCSchema.type($0.type),
                                                 defaultValue: $0.defaultValue.map(Converter.value))
                        },
                        selections: try converter.selections(operation.selectionSet, visiting: []))
        }
    }

    /// The operation to run: the one named, or the only one.
    func operation(named name: String?) -> HCOperation? {
        if let name { return operations.first { $0.name == name } }
        return operations.count == 1 ? operations[0] : nil
    }

    private struct Converter {
        let fragments: [String: FragmentDefinition]

        func selections(_ set: SelectionSet, visiting: Set<String>) throws -> [HCSelection] {
            var result: [HCSelection] = []
            for selection in set.selections {
                switch selection {
                case let field as GraphQL.Field:
                    result.append(HCSelection(
                        alias: field.alias?.value, name: field.name.value,
                        arguments: field.arguments.map { HCArgument(name: $0.name.value, value: Self.value($0.value)) },
                        directives: Self.directives(field.directives),
                        selections: try field.selectionSet.map { try selections($0, visiting: visiting) }))
                case let spread as FragmentSpread:
                    let name = spread.name.value
                    guard let fragment = fragments[name] else { throw Failure.fragment("fragment '\(name)' not found") }
                    guard !visiting.contains(name) else { throw Failure.fragment("the fragment '\(name)' spreads itself") }
                    result += try selections(fragment.selectionSet, visiting: visiting.union([name]))
                case let inline as InlineFragment:
                    result += try selections(inline.selectionSet, visiting: visiting)
                default:
                    continue
                }
            }
            return result
        }

        static func directives(_ directives: [GraphQL.Directive]) -> [HCDirective] {
            directives.map { d in
                HCDirective(name: d.name.value,
                            arguments: d.arguments.map { HCArgument(name: $0.name.value, value: value($0.value)) })
            }
        }

        static func value(_ value: any GraphQL.Value) -> HCInput {
            switch value {
            case let v as GraphQL.Variable: return .variable(v.name.value)
            case let v as IntValue: return Int(v.value).map(HCInput.int) ?? .float(Double(v.value) ?? 0)
            case let v as FloatValue: return .float(Double(v.value) ?? 0)
            case let v as StringValue: return .string(v.value)
            case let v as BooleanValue: return .bool(v.value)
            case is NullValue: return .null
            case let v as EnumValue: return .enumValue(v.value)
            case let v as ListValue: return .list(v.values.map(Self.value))
            case let v as ObjectValue:
                return .object(v.fields.map { HCInputField(name: $0.name.value, value: Self.value($0.value)) })
            default: return .null
            }
        }
    }
}
