// Hasura's bool_exp, order_by and distinct_on over the catalog's and the libraries' rows.
//
// - `_and`, `_or`, `_not`; a column's comparison (`_eq _neq _in _nin _gt _gte _lt _lte _is_null`);
//   a relation's bool_exp (array relation: some row matches; object relation: the row exists and matches).
// - SQL's NULL: a null column matches no comparison but `_is_null: true`.
// - Hasura v2's quirk: a comparison with a null value (`{_eq: null}`) is no condition at all (true).
// - order_by: Postgres's default null order (NULLS LAST ascending, NULLS FIRST descending); ties are
//   broken by the table's id order, so answers are deterministic.

extension HCSource {
    typealias Tables = FakeHardcoverCatalog.Tables

    func matches(_ row: HCRow, _ exp: HCInput) -> Bool {
        for field in exp.objectFields {
            let ok: Bool
            switch field.name {
            case "_and": ok = field.value.listValues.allSatisfy { matches(row, $0) }
            case "_or": ok = field.value.listValues.contains { matches(row, $0) }
            case "_not": ok = field.value == .null || !matches(row, field.value)
            default:
                if let relation = relation(field.name, of: row) {
                    switch relation {
                    case .object(let other): ok = other.map { matches($0, field.value) } ?? false
                    case .array(let others): ok = others.contains { matches($0, field.value) }
                    }
                } else {
                    ok = compare(column(field.name, of: row) ?? .null, field.value)
                }
            }
            if !ok { return false }
        }
        return true
    }

    /// A column's value against a comparison expression ({_eq: 1, _lt: 5}: all must hold).
    private func compare(_ value: HCJSON, _ comparison: HCInput) -> Bool {
        for op in comparison.objectFields {
            if op.value == .null { continue } // Hasura v2: no condition
            if op.name == "_is_null" {
                if (value == .null) != (op.value == .bool(true)) { return false }
                continue
            }
            guard value != .null else { return false }
            let ok: Bool
            switch op.name {
            case "_eq": ok = Tables.order(value, op.value) == 0
            case "_neq": ok = Tables.order(value, op.value).map { $0 != 0 } ?? true
            case "_gt": ok = Tables.order(value, op.value).map { $0 > 0 } ?? false
            case "_gte": ok = Tables.order(value, op.value).map { $0 >= 0 } ?? false
            case "_lt": ok = Tables.order(value, op.value).map { $0 < 0 } ?? false
            case "_lte": ok = Tables.order(value, op.value).map { $0 <= 0 } ?? false
            case "_in": ok = op.value.listValues.contains { Tables.order(value, $0) == 0 }
            case "_nin": ok = !op.value.listValues.contains { Tables.order(value, $0) == 0 }
            default: ok = false
            }
            if !ok { return false }
        }
        return true
    }

    /// Rows sorted by `keys`, ties in their given order.
    func sorted(_ rows: [HCRow], by keys: [Tables.SortKey]) -> [HCRow] {
        guard !keys.isEmpty else { return rows }
        let values = rows.map { row in keys.map { column($0.column, of: row) ?? .null } }
        let order = rows.indices.sorted { i, j in
            for (k, key) in keys.enumerated() {
                let a = values[i][k], b = values[j][k]
                if a == .null || b == .null {
                    if a == b { continue }
                    return (a == .null) == key.nullsFirst
                }
                let c = Tables.order(a, b)
                if c != 0 { return key.descending ? c > 0 : c < 0 }
            }
            return i < j
        }
        return order.map { rows[$0] }
    }

    /// The first row of each distinct combination of `columns` (rows already sorted).
    func distinct(_ rows: [HCRow], on columns: [String]) -> [HCRow] {
        var seen = Set<[HCJSON]>()
        return rows.filter { row in seen.insert(columns.map { column($0, of: row) ?? .null }).inserted }
    }

}

extension FakeHardcoverCatalog.Tables {
    /// -1, 0, 1 comparing a column value with an argument; nil when they cannot be compared.
    static func order(_ value: HCJSON, _ input: HCInput) -> Int? {
        switch (value, input) {
        case (.int(let a), .int(let b)): return a < b ? -1 : a > b ? 1 : 0
        case (.int(let a), .float(let b)): return sign(Double(a), b)
        case (.double(let a), .int(let b)): return sign(a, Double(b))
        case (.double(let a), .float(let b)): return sign(a, b)
        case (.string(let a), .string(let b)), (.string(let a), .enumValue(let b)): return a < b ? -1 : a > b ? 1 : 0
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (!a ? -1 : 1)
        default: return nil
        }
    }

    private static func sign(_ a: Double, _ b: Double) -> Int { a < b ? -1 : a > b ? 1 : 0 }

    /// -1, 0, 1 for two column values of one column; nulls handled by the caller.
    static func order(_ a: HCJSON, _ b: HCJSON) -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): x < y ? -1 : x > y ? 1 : 0
        case (.int(let x), .double(let y)): sign(Double(x), y)
        case (.double(let x), .int(let y)): sign(x, Double(y))
        case (.double(let x), .double(let y)): sign(x, y)
        case (.string(let x), .string(let y)): x < y ? -1 : x > y ? 1 : 0
        case (.bool(let x), .bool(let y)): x == y ? 0 : (!x ? -1 : 1)
        default: 0
        }
    }

    struct SortKey {
        var column: String
        var descending: Bool
        var nullsFirst: Bool
    }

    /// order_by: one object or a list of them; within an object, keys in the order given.
    static func sortKeys(_ orderBy: HCInput?) -> [SortKey] {
        guard let orderBy else { return [] }
        return orderBy.listValues.flatMap { object in
            object.objectFields.compactMap { field -> SortKey? in
                guard let direction = field.value.stringValue else { return nil }
                let descending = direction.hasPrefix("desc")
                let nullsFirst = direction.hasSuffix("nulls_first") || (descending && !direction.hasSuffix("nulls_last"))
                return SortKey(column: field.name, descending: descending, nullsFirst: nullsFirst)
            }
        }
    }

    /// Positions that may match `exp`, from the id and identifier indexes; nil when no index helps
    /// (then every row is checked). Always a superset: the caller still checks each row.
    func candidates(_ typeName: String, _ exp: HCInput) -> Set<Int>? {
        var result: Set<Int>? = nil
        for field in exp.objectFields {
            var found: Set<Int>? = nil
            switch field.name {
            case "_and":
                for part in field.value.listValues {
                    if let c = candidates(typeName, part) { found = found.map { $0.intersection(c) } ?? c }
                }
            case "_or":
                let parts = field.value.listValues.map { candidates(typeName, $0) }
                if !parts.isEmpty, parts.allSatisfy({ $0 != nil }) { found = parts.reduce(into: Set<Int>()) { $0.formUnion($1!) } }
            case "_not":
                break
            default:
                let keys = indexedValues(field.value)
                guard let keys else { break }
                found = lookUp(typeName, field.name, keys)
            }
            if let found { result = result.map { $0.intersection(found) } ?? found }
        }
        return result
    }

    /// The values of `{_eq: v}` or `{_in: [...]}`, nil for any other comparison.
    private func indexedValues(_ comparison: HCInput) -> [HCInput]? {
        for op in comparison.objectFields where op.value != .null {
            if op.name == "_eq" { return [op.value] }
            if op.name == "_in" { return op.value.listValues }
        }
        return nil
    }

    private func lookUp(_ typeName: String, _ column: String, _ keys: [HCInput]) -> Set<Int>? {
        func strings(_ index: [String: [Int]]) -> Set<Int> {
            Set(keys.compactMap(\.stringValue).flatMap { index[$0] ?? [] })
        }
        func ids(_ index: [Int: Int]) -> Set<Int> { Set(keys.compactMap(\.intValue).compactMap { index[$0] }) }
        switch (typeName, column) {
        case ("books", "id"): return ids(bookIndex)
        case ("books", "title"): return strings(booksByTitle)
        case ("editions", "id"): return ids(editionIndex)
        case ("editions", "isbn_13"): return strings(editionsByISBN13)
        case ("editions", "isbn_10"): return strings(editionsByISBN10)
        case ("editions", "asin"): return strings(editionsByASIN)
        case ("editions", "book_id"):
            return Set(keys.compactMap(\.intValue).compactMap { bookIndex[$0] }.flatMap { editionsOfBook[$0] })
        default: return nil
        }
    }
}

extension HCJSON: Hashable {
    func hash(into hasher: inout Hasher) { hasher.combine(text) }
}
