/// A field a change writes, of either target: AudiobookShelf's item metadata (`DiffField`) or
/// the Hardcover user's listening state (`ListeningField`). The two sets of names are distinct,
/// so the raw value alone (`change.field`) says which target a change is for.
public enum ChangeField: Sendable, Hashable, RawRepresentable, CaseIterable, Codable, CustomStringConvertible {
    case abs(DiffField)
    case hardcover(ListeningField)

    public init?(rawValue: String) {
        if let field = DiffField(rawValue: rawValue) {
            self = .abs(field)
        } else if let field = ListeningField(rawValue: rawValue) {
            self = .hardcover(field)
        } else {
            return nil
        }
    }

    public var rawValue: String {
        switch self {
        case .abs(let field): field.rawValue
        case .hardcover(let field): field.rawValue
        }
    }

    public var description: String { rawValue }

    public var target: PushTarget {
        switch self {
        case .abs: .abs
        case .hardcover: .hardcover
        }
    }

    /// The AudiobookShelf field; nil for a Hardcover one.
    public var metadata: DiffField? {
        if case .abs(let field) = self { return field }
        return nil
    }

    /// The Hardcover field; nil for an AudiobookShelf one.
    public var listening: ListeningField? {
        if case .hardcover(let field) = self { return field }
        return nil
    }

    public static let allCases: [ChangeField] = DiffField.allCases.map(ChangeField.abs) + ListeningField.allCases.map(ChangeField.hardcover)

    /// The fields of one target.
    public static func of(_ target: PushTarget) -> [ChangeField] {
        allCases.filter { $0.target == target }
    }
}

// Each field by its own name, as `change.field` names it: `.narrators`, `.finishedOn`.
extension ChangeField {
    public static let title = ChangeField.abs(.title)
    public static let subtitle = ChangeField.abs(.subtitle)
    public static let authors = ChangeField.abs(.authors)
    public static let narrators = ChangeField.abs(.narrators)
    public static let series = ChangeField.abs(.series)
    public static let publishedYear = ChangeField.abs(.publishedYear)
    public static let publisher = ChangeField.abs(.publisher)
    public static let description = ChangeField.abs(.description)
    public static let isbn = ChangeField.abs(.isbn)
    public static let asin = ChangeField.abs(.asin)
    public static let language = ChangeField.abs(.language)
    public static let genres = ChangeField.abs(.genres)

    public static let status = ChangeField.hardcover(.status)
    public static let edition = ChangeField.hardcover(.edition)
    public static let owned = ChangeField.hardcover(.owned)
    public static let progressSeconds = ChangeField.hardcover(.progressSeconds)
    public static let startedOn = ChangeField.hardcover(.startedOn)
    public static let finishedOn = ChangeField.hardcover(.finishedOn)
    public static let read = ChangeField.hardcover(.read)
}
