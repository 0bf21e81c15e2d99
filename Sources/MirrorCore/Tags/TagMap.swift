/// Raw tags of a file: upper-case keys (TagLib's PropertyMap names: TITLE, ALBUMARTIST, ASIN, ...)
/// each with one or more values, in the order they were read. Values are NFC, non-empty.
public struct TagMap: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var storage: [String: [String]] = [:]

    public init() {}

    public init(_ pairs: [(key: String, value: String)]) {
        for pair in pairs { append(pair.key, pair.value) }
    }

    public mutating func append(_ key: String, _ value: String) {
        let key = key.uppercased()
        let value = TextCleaner.tagValue(value)
        guard !key.isEmpty, !value.isEmpty else { return }
        if storage[key] == nil { keys.append(key) }
        storage[key, default: []].append(value)
    }

    public subscript(key: String) -> [String] { storage[key.uppercased()] ?? [] }

    public var isEmpty: Bool { keys.isEmpty }

    /// The values of the first key in `candidates` that has any.
    public func first(of candidates: [String]) -> [String]? {
        for key in candidates {
            if let values = storage[key], !values.isEmpty { return values }
        }
        return nil
    }

    /// All tags as an ordered dictionary-like list, for JSON.
    public var entries: [(key: String, values: [String])] { keys.map { ($0, storage[$0] ?? []) } }
}
