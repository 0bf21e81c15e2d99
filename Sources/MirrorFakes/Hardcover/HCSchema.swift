import GraphQL

/// A GraphQL type reference: `[String!]!` is nonNull(list(nonNull(named("String")))).
indirect enum HCType: Sendable, Equatable, CustomStringConvertible {
    case named(String)
    case list(HCType)
    case nonNull(HCType)

    /// The innermost named type.
    var name: String {
        switch self {
        case .named(let n): n
        case .list(let t), .nonNull(let t): t.name
        }
    }

    var isNonNull: Bool { if case .nonNull = self { true } else { false } }

    var nullable: HCType { if case .nonNull(let t) = self { t } else { self } }

    /// A list type, under any non-null.
    var isList: Bool { if case .list = nullable { true } else { false } }

    var description: String {
        switch self {
        case .named(let n): n
        case .list(let t): "[\(t)]"
        case .nonNull(let t): "\(t)!"
        }
    }
}

/// The part of a schema the validator needs: object types with their fields and arguments,
/// input types with their fields, enums and scalars.
struct HCSchema: Sendable {
    struct Argument: Sendable {
        var name: String
        var type: HCType
    }

    struct Field: Sendable {
        var name: String
        var type: HCType
        /// In declaration order.
        var arguments: [Argument]

        func argument(_ name: String) -> Argument? { arguments.first { $0.name == name } }
    }

    struct Object: Sendable {
        var name: String
        var fields: [String: Field]
    }

    struct Input: Sendable {
        var name: String
        var fields: [String: HCType]
    }

    enum Kind: Sendable, Equatable {
        case scalar, enumeration, input, object
    }

    var objects: [String: Object] = [:]
    var inputs: [String: Input] = [:]
    var enums: [String: [String]] = [:]
    var scalars: Set<String> = ["Int", "Float", "String", "Boolean", "ID"]
    var queryRoot = "query_root"
    /// nil when the schema has no mutations.
    var mutationRoot: String?

    /// Reads type definitions from SDL with GraphQLSwift's parser; other definitions are ignored.
    init(sdl: String) throws {
        let document = try GraphQL.parse(source: sdl, noLocation: true)
        for definition in document.definitions {
            switch definition {
            case let object as ObjectTypeDefinition:
                var fields: [String: Field] = [:]
                for field in object.fields {
                    fields[field.name.value] = Field(
                        name: field.name.value, type: Self.type(field.type),
                        arguments: field.arguments.map { Argument(name: $0.name.value, type: Self.type($0.type)) })
                }
                objects[object.name.value] = Object(name: object.name.value, fields: fields)
            case let input as InputObjectTypeDefinition:
                var fields: [String: HCType] = [:]
                for field in input.fields { fields[field.name.value] = Self.type(field.type) }
                inputs[input.name.value] = Input(name: input.name.value, fields: fields)
            case let enumeration as EnumTypeDefinition:
                enums[enumeration.name.value] = enumeration.values.map(\.name.value)
            case let scalar as ScalarTypeDefinition:
                scalars.insert(scalar.name.value)
            case let schema as SchemaDefinition:
                if let query = schema.operationTypes.first(where: { $0.operation == .query }) {
                    queryRoot = query.type.name.value
                }
                if let mutation = schema.operationTypes.first(where: { $0.operation == .mutation }) {
                    mutationRoot = mutation.type.name.value
                }
            default:
                continue
            }
        }
    }

    func kind(of name: String) -> Kind? {
        if scalars.contains(name) { return .scalar }
        if enums[name] != nil { return .enumeration }
        if inputs[name] != nil { return .input }
        if objects[name] != nil { return .object }
        return nil
    }

    /// GraphQLSwift's type AST as an HCType.
    static func type(_ type: any GraphQL.`Type`) -> HCType {
        switch type {
        case let named as NamedType: .named(named.name.value)
        case let list as ListType: .list(Self.type(list.type))
        case let nonNull as NonNullType: .nonNull(Self.type(nonNull.type))
        default: .named("?")
        }
    }
}
